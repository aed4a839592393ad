# Tests of the client library (caselink_client), the `caselink` CLI and the
# installed package. Included by tests/CMakeLists.txt.
if(TARGET caselink_client)
  add_library(caselink_client_test_util STATIC client_test_util.cc)
  target_link_libraries(caselink_client_test_util PUBLIC
    caselink_client caselink_test_support OpenSSL::SSL OpenSSL::Crypto gRPC::grpc++)

  caselink_add_test(client_options_test
    SOURCES client_options_test.cc
    LIBS caselink_client caselink_client_test_util
    LABELS client)
  caselink_add_test(client_call_test
    SOURCES client_call_test.cc
    LIBS caselink_client caselink_client_test_util
    LABELS client)

  if(TARGET caselink)
    caselink_add_test(client_cli_test
      SOURCES client_cli_test.cc
      LIBS caselink_client caselink_client_test_util
      LABELS client cli)
    target_compile_definitions(client_cli_test PRIVATE
      CASELINK_CLI_PATH="$<TARGET_FILE:caselink>")
    add_dependencies(client_cli_test caselink)
    # `caselink doc ...` against a real server (TestDistrict) with a forward
    # transfer made through the client library.
    caselink_add_test(cli_document_test
      SOURCES cli_document_test.cc
      LIBS caselink_client caselink_client_test_util
      LABELS client cli e2e documents)
    target_compile_definitions(cli_document_test PRIVATE
      CASELINK_CLI_PATH="$<TARGET_FILE:caselink>")
    add_dependencies(cli_document_test caselink)
    # `caselink search` and `audit party` reading a party's id from stdin.
    caselink_add_test(cli_search_test SOURCES cli_search_test.cc LIBS caselink_client LABELS client cli e2e)
    target_compile_definitions(cli_search_test PRIVATE CASELINK_CLI_PATH="$<TARGET_FILE:caselink>")
    add_dependencies(cli_search_test caselink)
  endif()

  # cmake --install into a scratch prefix, then build and run an outside
  # project that does find_package(caselink) and links caselink::client.
  set(_consumer_link_flags "")
  if(CASELINK_SANITIZE)
    set(_consumer_link_flags "-fsanitize=${CASELINK_SANITIZE}")
  endif()
  add_test(NAME client_install_consumer
    COMMAND ${CMAKE_COMMAND}
      -DBUILD_DIR=${CMAKE_BINARY_DIR}
      -DCONSUMER_DIR=${CMAKE_CURRENT_SOURCE_DIR}/install_consumer
      -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/install_consumer_work
      -DGENERATOR=${CMAKE_GENERATOR}
      # A sanitizer build installs instrumented libraries: the consumer must
      # link the same runtime.
      "-DLINK_FLAGS=${_consumer_link_flags}"
      -P ${CMAKE_CURRENT_SOURCE_DIR}/install_consumer/run_install_test.cmake)
  set_tests_properties(client_install_consumer PROPERTIES
    LABELS "install;client" TIMEOUT 600)
endif()
