# End-to-end tests through the real mTLS server and the real client library,
# and unit tests of the server's internals.
caselink_add_test(e2e_case_service_test SOURCES e2e_case_service_test.cc LABELS e2e)
caselink_add_test(e2e_tls_test SOURCES e2e_tls_test.cc LABELS e2e tls)
caselink_add_test(server_config_test SOURCES server_config_test.cc LIBS caselink_server LABELS unit)
caselink_add_test(e2e_crash_test SOURCES e2e_crash_test.cc LABELS e2e threads)
target_compile_definitions(e2e_crash_test PRIVATE CASELINKD_PATH="$<TARGET_FILE:caselinkd>")
add_dependencies(e2e_crash_test caselinkd)
caselink_add_test(e2e_leak_matrix_test SOURCES e2e_leak_matrix_test.cc LABELS e2e authz threads)
caselink_add_test(e2e_policy_reload_test SOURCES e2e_policy_reload_test.cc LABELS e2e authz threads)
foreach(t e2e_policy_reload_test)
  target_compile_definitions(${t} PRIVATE CASELINKD_PATH="$<TARGET_FILE:caselinkd>"
                                          CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  add_dependencies(${t} caselinkd)
endforeach()
# The durability loop of the slow suite: 20 kill -9 cycles (ctest -L slow).
add_test(NAME durability_loop_20_cycles COMMAND e2e_crash_test --gtest_filter=CrashTest.*)
set_tests_properties(durability_loop_20_cycles PROPERTIES
  LABELS "slow" ENVIRONMENT "CASELINK_CRASH_CYCLES=20" TIMEOUT 900)
caselink_add_test(e2e_search_test SOURCES e2e_search_test.cc LABELS e2e search threads)
caselink_add_test(e2e_cert_rotation_test SOURCES e2e_cert_rotation_test.cc LABELS e2e tls threads)
caselink_add_test(e2e_limits_test SOURCES e2e_limits_test.cc LABELS e2e threads)
caselink_add_test(fair_gate_test SOURCES fair_gate_test.cc LIBS caselink_server LABELS unit threads)
caselink_add_test(allocator_settings_test SOURCES allocator_settings_test.cc LIBS caselink_server LABELS unit)
