# Unit tests of the server's small parts (no server, no network): the workflow
# rule tables, the call guard, the report tally and the watch hub; and the
# durability contracts under injected file-system faults.
caselink_add_plain_test(workflow_rules_table_test SOURCES workflow_rules_table_test.cc
  LIBS caselink_workflow LABELS unit workflow)
caselink_add_test(call_guard_test SOURCES call_guard_test.cc LIBS caselink_server LABELS unit authz)
target_compile_definitions(call_guard_test PRIVATE CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
caselink_add_test(report_tally_test SOURCES report_tally_test.cc LIBS caselink_server LABELS unit)
caselink_add_test(watch_hub_test SOURCES watch_hub_test.cc LIBS caselink_server LABELS unit threads)
caselink_add_test(backup_fault_test SOURCES backup_fault_test.cc LIBS caselink_storage LABELS unit)
# Every case id an RPC can answer with is declared case_ref (named in the
# call's access-log entry by the response filter).
caselink_add_test(case_ref_annotation_test SOURCES case_ref_annotation_test.cc LIBS caselink_server LABELS unit audit)
target_compile_definitions(case_ref_annotation_test PRIVATE CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
