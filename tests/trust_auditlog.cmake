# Issue 13, items 5 and 6: admission control of the access log (cut request
# text, compact refusals, per-certificate refusal budget with summary
# entries, a full disk), and one batch for every write and its entry, tested
# with a fault-injecting RocksDB file system (support/fault_injection_fs.h).
caselink_add_test(access_log_admission_test SOURCES access_log_admission_test.cc LABELS unit audit)
caselink_add_test(commit_pipeline_fault_test SOURCES commit_pipeline_fault_test.cc LIBS caselink_storage LABELS unit audit threads)
caselink_add_test(e2e_audit_admission_test SOURCES e2e_audit_admission_test.cc LIBS caselink_storage LABELS e2e audit)
