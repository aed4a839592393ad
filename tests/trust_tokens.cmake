# Sealed page tokens (issue 13, item 2): the unit test is in unit.cmake
# (page_token_test); this is the end-to-end reproduction through the server.
caselink_add_test(e2e_page_token_test SOURCES e2e_page_token_test.cc LABELS e2e authz threads)
