# Fails unless BINARY (the `caselink` CLI) is free of server-side code: no
# RocksDB or gRPC server-only shared library (ldd), and no symbol of RocksDB,
# caselink::storage or caselink::server linked in statically (nm). (The
# generated service base classes, grpc::Server*, come with the proto library
# until its stubs and services are split.)
# Usage: cmake -DBINARY=path -P check_cli_binary.cmake
if(NOT EXISTS "${BINARY}")
  message(FATAL_ERROR "no binary at ${BINARY}")
endif()
execute_process(COMMAND ldd ${BINARY} OUTPUT_VARIABLE libs RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ldd ${BINARY} failed")
endif()
foreach(forbidden librocksdb libgrpc++_reflection libgrpcpp_channelz libspdlog)
  string(FIND "${libs}" "${forbidden}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${BINARY} links ${forbidden}:\n${libs}")
  endif()
endforeach()
# gRPC itself is expected (the client's channel): show it so a reader of the
# test log sees the check looked at real output.
string(FIND "${libs}" "libgrpc++" grpc_at)
if(grpc_at EQUAL -1)
  message(FATAL_ERROR "ldd output does not list libgrpc++; is ${BINARY} the client?\n${libs}")
endif()

execute_process(COMMAND nm -C ${BINARY} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR symbols STREQUAL "")
  message(FATAL_ERROR "nm -C ${BINARY} gave no symbols")
endif()
foreach(forbidden "rocksdb::" "caselink::storage::" "caselink::server::")
  string(FIND "${symbols}" "${forbidden}" at)
  if(NOT at EQUAL -1)
    string(SUBSTRING "${symbols}" ${at} 200 context)
    message(FATAL_ERROR "${BINARY} contains ${forbidden} symbols, e.g. ${context}")
  endif()
endforeach()
message(STATUS "${BINARY}: no RocksDB, storage or server code")
