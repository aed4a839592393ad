# The tamper-evident access log: the chain and its verifier against a real
# RocksDB (unit), and end to end through the real server, client and caselink-admin.
caselink_add_test(audit_chain_test SOURCES audit_chain_test.cc LIBS caselink_storage LABELS unit audit)
caselink_add_test(audit_e2e_test SOURCES audit_e2e_test.cc LIBS caselink_storage LABELS e2e audit threads)
target_compile_definitions(audit_e2e_test PRIVATE CASELINK_ADMIN_PATH="$<TARGET_FILE:caselink-admin>")
add_dependencies(audit_e2e_test caselink-admin)
# What the verifier proves beyond the chain: no signed checkpoint deleted
# unnoticed (each promises the next), and the index exactly as the entries
# call for it (also in the integrity check and through caselink-admin).
caselink_add_test(audit_completeness_test SOURCES audit_completeness_test.cc LIBS caselink_storage LABELS unit audit)
target_compile_definitions(audit_completeness_test PRIVATE CASELINK_ADMIN_PATH="$<TARGET_FILE:caselink-admin>"
  CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(audit_completeness_test caselink-admin)
# Every case id an answer carries is named in the call's access-log entry
# (found by reflection over the answers of the item, sample, meeting and
# report reads).
caselink_add_test(e2e_logged_case_ids_test SOURCES e2e_logged_case_ids_test.cc LABELS e2e audit)
