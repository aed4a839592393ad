# Unit tests of the storage, auth and server internals, each against the real
# parts (a real RocksDB in a temp dir, the real example policy).
caselink_add_test(database_test SOURCES database_test.cc LIBS caselink_storage LABELS unit)
caselink_add_test(case_store_test SOURCES case_store_test.cc LIBS caselink_storage LABELS unit)
caselink_add_test(integrity_check_test SOURCES integrity_check_test.cc LIBS caselink_storage LABELS unit)
caselink_add_test(case_links_test SOURCES case_links_test.cc LIBS caselink_storage LABELS unit)
caselink_add_test(key_locks_test SOURCES key_locks_test.cc LIBS caselink_storage LABELS unit threads)
caselink_add_test(commit_pipeline_test SOURCES commit_pipeline_test.cc LIBS caselink_storage LABELS unit threads)
caselink_add_test(event_log_test SOURCES event_log_test.cc LIBS caselink_storage LABELS unit)
caselink_add_test(document_store_test SOURCES document_store_test.cc LIBS caselink_storage OpenSSL::Crypto LABELS unit threads)

caselink_add_test(policy_loader_test SOURCES policy_loader_test.cc LIBS caselink_auth LABELS unit)
target_compile_definitions(policy_loader_test PRIVATE CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
caselink_add_test(masking_test SOURCES masking_test.cc LIBS caselink_auth LABELS unit)
caselink_add_test(field_redactor_test SOURCES field_redactor_test.cc LIBS caselink_auth LABELS unit)
caselink_add_test(field_path_set_test SOURCES field_path_set_test.cc LIBS caselink_auth LABELS unit)
caselink_add_test(redaction_plan_test SOURCES redaction_plan_test.cc LIBS caselink_auth LABELS unit)
caselink_add_test(authorizer_test SOURCES authorizer_test.cc LIBS caselink_auth LABELS unit)
target_compile_definitions(authorizer_test PRIVATE CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
caselink_add_test(policy_holder_test SOURCES policy_holder_test.cc LIBS caselink_auth LABELS unit)

caselink_add_test(party_ids_test SOURCES party_ids_test.cc LIBS caselink_server LABELS unit)
caselink_add_test(request_validator_test SOURCES request_validator_test.cc LIBS caselink_server LABELS unit)
caselink_add_test(page_token_test SOURCES page_token_test.cc LIBS caselink_server LABELS unit)
# The same source built as a binary that does not link case_service.pb.o: shows
# that the policy loader's rpc check depends on what else the binary links.
caselink_add_test(policy_loader_link_test SOURCES policy_loader_test.cc LIBS caselink_auth LABELS unit)
target_compile_definitions(policy_loader_link_test PRIVATE CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}" CASELINK_LINK_PROBE)

# Links caselink_common alone: the sniffer needs no server, storage or gRPC.
caselink_add_plain_test(content_type_sniffer_test SOURCES content_type_sniffer_test.cc LIBS caselink_common LABELS unit)
caselink_add_test(private_file_test SOURCES private_file_test.cc LABELS unit)
