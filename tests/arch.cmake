# The architecture, checked by the build (see cmake/layers.cmake and
# docs/architecture.md).
#
# 1. Include roots: each probe compiles one header against the include path of
#    one library. A header of a higher layer (or a peer) is not on that path,
#    so the compile must fail with "No such file" (gcc) or "file not found"
#    (clang); the control probes (a
#    library's own header) must compile. The probes are built by ctest, not by
#    `all`, one at a time (they share the build tree).
# 2. Link closure: a binary linking only storage, auth and workflow has no gRPC
#    library in `ldd` (RocksDB must be there, so ldd itself is checked).
#    (System headers such as grpcpp/ are always on the compiler's path, so
#    only the link shows a dependency on gRPC itself.)
#    cmake/layers.cmake also stops the configure step if those targets' link
#    closure names gRPC.
function(caselink_arch_probe name lib header expect_fail)
  add_library(arch_probe_${name} OBJECT EXCLUDE_FROM_ALL arch/probe_upward_include.cc)
  target_link_libraries(arch_probe_${name} PRIVATE ${lib})
  target_compile_definitions(arch_probe_${name} PRIVATE CASELINK_PROBE_HEADER="${header}")
  add_test(NAME arch.${name}
    COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target arch_probe_${name})
  if(expect_fail)
    string(REPLACE "." "\\." _re "${header}")
    set_tests_properties(arch.${name} PROPERTIES
      PASS_REGULAR_EXPRESSION "${_re}: No such file;'${_re}' file not found")
  endif()
  set_tests_properties(arch.${name} PROPERTIES LABELS "unit;arch" RESOURCE_LOCK build_tree TIMEOUT 300)
endfunction()

caselink_arch_probe(storage_sees_storage caselink_storage "storage/case_store.h" FALSE)
caselink_arch_probe(storage_cannot_see_server caselink_storage "server/core/call_guard.h" TRUE)
caselink_arch_probe(storage_cannot_see_auth caselink_storage "auth/authorizer.h" TRUE)
caselink_arch_probe(storage_cannot_see_grpc_stubs caselink_storage "caselink/v1/case_service.grpc.pb.h" TRUE)
caselink_arch_probe(auth_sees_auth caselink_auth "auth/authorizer.h" FALSE)
caselink_arch_probe(auth_cannot_see_server caselink_auth "server/cases/case_service.h" TRUE)
caselink_arch_probe(auth_cannot_see_storage caselink_auth "storage/database.h" TRUE)
caselink_arch_probe(auth_cannot_see_grpc_stubs caselink_auth "caselink/v1/admin.grpc.pb.h" TRUE)
caselink_arch_probe(workflow_sees_workflow caselink_workflow "workflow/workflow_rules.h" FALSE)
caselink_arch_probe(workflow_cannot_see_server caselink_workflow "server/core/service_context.h" TRUE)
caselink_arch_probe(workflow_cannot_see_storage caselink_workflow "storage/workflow_store.h" TRUE)
caselink_arch_probe(client_cannot_see_server caselink_client "server/core/call_guard.h" TRUE)
caselink_arch_probe(client_cannot_see_records caselink_client "caselink/v1/storage.pb.h" TRUE)

add_executable(arch_lower_layers arch/lower_layers_main.cc)
target_link_libraries(arch_lower_layers PRIVATE caselink_storage caselink_auth caselink_workflow)
# Every library on the link line stays in the binary's NEEDED list (the
# toolchain's default --as-needed would drop unused ones and hide a wrong
# dependency), so ldd shows exactly what these layers link.
target_link_options(arch_lower_layers PRIVATE "LINKER:--no-as-needed")
add_test(NAME arch.lower_layers_link_no_grpc
  COMMAND sh -c "ldd \"$1\" > \"$1.ldd\" && grep -q librocksdb \"$1.ldd\" && ! grep -i grpc \"$1.ldd\""
          arch $<TARGET_FILE:arch_lower_layers>)
set_tests_properties(arch.lower_layers_link_no_grpc PROPERTIES LABELS "unit;arch")
