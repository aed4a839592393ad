# The layers below the server tested on their own: these binaries link only
# caselink_workflow / caselink_common (no server, no storage, no gRPC), which
# is itself part of what they show.
function(caselink_add_plain_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  caselink_discover(${name} 120 ${T_LABELS})
endfunction()

caselink_add_plain_test(workflow_machine_test SOURCES workflow_machine_test.cc
  LIBS caselink_workflow LABELS unit workflow)
caselink_add_plain_test(creation_rules_test SOURCES creation_rules_test.cc
  LIBS caselink_workflow LABELS unit workflow)
caselink_add_plain_test(common_test SOURCES common_test.cc
  LIBS caselink_common caselink_api LABELS unit)
