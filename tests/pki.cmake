# The test PKI itself (support/test_pki.*, support/temp_dir.*), checked against
# OpenSSL's own chain and CRL verification.
# CertSpec uses absl::Duration, so the support library needs absl::time.
target_link_libraries(caselink_test_support PUBLIC absl::time)
caselink_add_test(test_pki_test SOURCES test_pki_test.cc LABELS support)
