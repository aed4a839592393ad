# Issue 13, item 3: content-aware masking of identifiers in free text
# (auth/free_text_scanner.h, auth/free_text_masker.h). The leak matrix's free-
# text case is in e2e_leak_matrix_test.cc; the fuzz target's seeds run in
# fuzz_regressions_test.
caselink_add_test(free_text_masker_test SOURCES free_text_masker_test.cc LIBS caselink_auth LABELS unit authz)
# Identifiers in workflow text (transfer subjects, transition reasons).
caselink_add_test(workflow_text_masking_test SOURCES workflow_text_masking_test.cc LABELS unit authz)
# A case's withheld personal values found again in its text (auth/hidden_values.h);
# the redaction walk's use of it is in field_redactor_test.
caselink_add_test(hidden_values_test SOURCES hidden_values_test.cc LIBS caselink_auth LABELS unit authz)
