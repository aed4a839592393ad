# The fuzz targets' entry functions (fuzz/fuzz_entry_*.cc) run over their seed
# corpora and every saved crash input (fuzz/regressions/<target>/), built with
# the normal compiler and without libFuzzer; see fuzz/README.md.
file(GLOB _fuzz_entries CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/fuzz/fuzz_entry_*.cc)
caselink_add_test(fuzz_regressions_test
  SOURCES fuzz_regressions_test.cc ${_fuzz_entries}
  LIBS caselink_auth caselink_ledger caselink_server
  LABELS unit fuzz)
target_include_directories(fuzz_regressions_test PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_definitions(fuzz_regressions_test PRIVATE
  CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  CASELINK_EXAMPLE_POLICY="${PROJECT_SOURCE_DIR}/certs-example/policy.textproto")
