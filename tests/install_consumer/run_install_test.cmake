# cmake -DBUILD_DIR=<caselink build> -DCONSUMER_DIR=<this folder>
#       -DWORK_DIR=<scratch> -DGENERATOR=<generator> -P run_install_test.cmake
# Installs the caselink build into WORK_DIR/prefix, then configures, builds
# and runs the consumer project against that prefix only.
foreach(v BUILD_DIR CONSUMER_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "${v} is not set")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/consumer-build)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/caselink/client.h include/caselink/client_options.h
          include/caselink/v1/case_service.grpc.pb.h bin/caselink)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
endforeach()

run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${consumer_build} -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    "-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}")
run(${CMAKE_COMMAND} --build ${consumer_build})
# A throwaway identity (the client checks that the key is the certificate's
# before it connects): one self-signed EC certificate serves as CA too.
run(openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=consumer
    -keyout ${WORK_DIR}/consumer.key -out ${WORK_DIR}/consumer.pem)
run(${consumer_build}/consumer ${WORK_DIR}/consumer.pem ${WORK_DIR}/consumer.key)
message(STATUS "install consumer: OK")
