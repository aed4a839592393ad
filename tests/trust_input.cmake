# Issue 13, items 8 and 9 (input hygiene, no oracles): the generic request
# validator, the name index against NUL-poisoned entries, the masked-search
# quota, and the end-to-end checks through the real server.
caselink_add_test(field_validator_test SOURCES field_validator_test.cc LIBS caselink_server LABELS unit)
caselink_add_test(status_map_test SOURCES status_map_test.cc LIBS caselink_server LABELS unit)
caselink_add_test(masked_search_quota_test SOURCES masked_search_quota_test.cc LIBS caselink_server LABELS unit)
caselink_add_test(case_index_nul_test SOURCES case_index_nul_test.cc LIBS caselink_storage LABELS unit)
caselink_add_test(trust_input_e2e_test SOURCES trust_input_e2e_test.cc LABELS e2e authz)
