# The client side of the layering (issue 14), checked on what the build
# produced rather than by convention:
# - the agencies' `caselink` binary links no storage or server code: no
#   RocksDB, no gRPC server-only library, no caselink::storage / ::server
#   symbols (ldd + nm on the binary);
# - the client library's public headers pull in no gRPC header, directly or
#   through another header (the compiler's own dependency list of a file
#   that includes them all);
# - the server's request id reaches every refused call's absl::Status (e2e).
if(TARGET caselink_client AND TARGET caselink)
  add_test(NAME arch_cli_links_only_the_client_library
    COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:caselink>
      -P ${CMAKE_CURRENT_SOURCE_DIR}/arch/check_cli_binary.cmake)
  set_tests_properties(arch_cli_links_only_the_client_library PROPERTIES LABELS "unit;arch;client")

  add_test(NAME arch_client_headers_include_no_grpc
    COMMAND ${CMAKE_COMMAND}
      -DCXX=${CMAKE_CXX_COMPILER}
      -DHEADER_DIR=${PROJECT_SOURCE_DIR}/client/include
      # The generated messages' directory; Abseil and protobuf are found in
      # the compiler's default paths, like an installed client's.
      "-DINCLUDE_DIRS=$<JOIN:$<TARGET_PROPERTY:caselink_api,INTERFACE_INCLUDE_DIRECTORIES>,|>"
      -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/arch_client_headers
      -P ${CMAKE_CURRENT_SOURCE_DIR}/arch/check_client_headers.cmake)
  set_tests_properties(arch_client_headers_include_no_grpc PROPERTIES LABELS "unit;arch;client")
endif()

caselink_add_test(client_request_id_test SOURCES client_request_id_test.cc LABELS e2e client)
