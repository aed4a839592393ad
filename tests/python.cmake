# The Python integrator example (examples/python/) against the real caselinkd:
# stubs generated with Debian's protoc + grpc_python_plugin, certificates from
# certs-example/make-certs.sh, a case submitted with the C++ CLI, then the
# example reads it, shows an error and follows the event stream across a
# kill -9 + restart of the server. Included by tests/CMakeLists.txt.
if(TARGET caselinkd AND TARGET caselink)
  add_test(NAME python_example
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/python/run_python_example.sh
      $<TARGET_FILE:caselinkd> $<TARGET_FILE:caselink> ${PROJECT_SOURCE_DIR}
      ${CMAKE_CURRENT_BINARY_DIR}/python_example_work)
  # 77: /usr/bin/python3 lacks grpc (scripts/install-deps.sh installs it).
  set_tests_properties(python_example PROPERTIES
    LABELS "e2e;python" TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()
