# The 两法衔接 workflow end to end (transfers, supervision records, deadlines,
# the event stream) through TestDistrict and the real client library, and the
# throughput runner (not a test; run it by hand, see docs/workflow.md).
caselink_add_test(workflow_flow_test SOURCES workflow_flow_test.cc LABELS e2e workflow threads)
caselink_add_test(workflow_rules_test SOURCES workflow_rules_test.cc LABELS e2e workflow)
caselink_add_test(workflow_deadline_test SOURCES workflow_deadline_test.cc LABELS e2e workflow)
caselink_add_test(workflow_watch_test SOURCES workflow_watch_test.cc LABELS e2e workflow threads)
add_executable(workflow_throughput workflow_throughput.cc)
target_link_libraries(workflow_throughput PRIVATE caselink_test_support)
# Writes the fixture of workflow_legacy_data_test (run by hand; see its header).
add_executable(make_legacy_workflow_db EXCLUDE_FROM_ALL tools/make_legacy_workflow_db.cc)
target_link_libraries(make_legacy_workflow_db PRIVATE caselink_test_support)
caselink_add_test(workflow_law_test SOURCES workflow_law_test.cc LABELS e2e workflow)
caselink_add_test(major_case_e2e_test SOURCES major_case_e2e_test.cc LABELS e2e workflow)
target_compile_definitions(workflow_law_test PRIVATE CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
# Documents of workflow items (DocumentService) through the real server.
caselink_add_test(document_e2e_test SOURCES document_e2e_test.cc LIBS OpenSSL::Crypto LABELS e2e documents)
# A download interrupted by kill -9 of caselinkd resumes (the server as a child process).
caselink_add_test(document_crash_test SOURCES document_crash_test.cc LABELS e2e documents)
target_compile_definitions(document_crash_test PRIVATE CASELINKD_PATH="$<TARGET_FILE:caselinkd>")
add_dependencies(document_crash_test caselinkd)
caselink_add_test(screening_e2e_test SOURCES screening_e2e_test.cc LABELS e2e screening LIBS PkgConfig::HTTPLIB)
target_compile_definitions(screening_e2e_test PRIVATE CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
# `caselink screening ls|dismiss` against a real server screening with the
# shipped rules (the CLI's other end-to-end tests, e.g. cli_document_test, are
# in client.cmake).
if(TARGET caselink)
  caselink_add_test(cli_screening_test SOURCES cli_screening_test.cc LIBS caselink_client LABELS client cli e2e screening)
  target_compile_definitions(cli_screening_test PRIVATE
    CASELINK_CLI_PATH="$<TARGET_FILE:caselink>" CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  add_dependencies(cli_screening_test caselink)
  # `caselink transfer act` with the flags of the actions' required fields.
  caselink_add_test(cli_workflow_test SOURCES cli_workflow_test.cc LIBS caselink_client LABELS client cli e2e workflow)
  target_compile_definitions(cli_workflow_test PRIVATE CASELINK_CLI_PATH="$<TARGET_FILE:caselink>")
  add_dependencies(cli_workflow_test caselink)
endif()
