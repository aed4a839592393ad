# The ledger CSV readers (cli/csv_reader, cli/ledger_csv) and the import
# command end to end.
caselink_add_test(ledger_csv_test SOURCES ledger_csv_test.cc LIBS caselink_ledger LABELS unit ledger)
caselink_add_test(e2e_import_test SOURCES e2e_import_test.cc LABELS e2e ledger)
target_compile_definitions(e2e_import_test PRIVATE
  CASELINK_CLI_PATH="$<TARGET_FILE:caselink>" CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(e2e_import_test caselink)
