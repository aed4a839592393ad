# Fails if any public header of the client library (HEADER_DIR/caselink/*.h)
# includes a gRPC header, directly or through another header: compiles a file
# that includes them all with `-M` (the preprocessor's full list of the
# headers it read) and looks for grpc/, grpcpp/ or *.grpc.pb.h in it. Also
# fails if a header is not self-contained (the preprocessor stops).
# Usage: cmake -DCXX=c++ -DHEADER_DIR=dir -DINCLUDE_DIRS="a|b" -DWORK_DIR=dir
#              -P check_client_headers.cmake
file(GLOB headers RELATIVE ${HEADER_DIR} ${HEADER_DIR}/caselink/*.h)
list(LENGTH headers n)
if(n LESS 3)
  message(FATAL_ERROR "found only ${n} public headers in ${HEADER_DIR}/caselink")
endif()
file(MAKE_DIRECTORY ${WORK_DIR})
set(tu "${WORK_DIR}/all_client_headers.cc")
set(text "")
foreach(h ${headers})
  string(APPEND text "#include \"${h}\"\n")
endforeach()
file(WRITE ${tu} "${text}")
set(args -std=c++17 -M -I${HEADER_DIR})
string(REPLACE "|" ";" include_dirs "${INCLUDE_DIRS}")
foreach(d ${include_dirs})
  list(APPEND args -I${d})
endforeach()
execute_process(COMMAND ${CXX} ${args} ${tu}
  OUTPUT_VARIABLE deps ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the public headers do not preprocess on their own:\n${err}")
endif()
string(REGEX MATCHALL "[^ \\\n]*(/grpc/|/grpcpp/|\\.grpc\\.pb\\.h)[^ \\\n]*" grpc_headers "${deps}")
if(grpc_headers)
  list(REMOVE_DUPLICATES grpc_headers)
  list(JOIN grpc_headers "\n  " shown)
  message(FATAL_ERROR "the client's public headers include gRPC headers:\n  ${shown}")
endif()
message(STATUS "${n} public headers (${headers}) include no gRPC header")
