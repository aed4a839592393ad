# The layers below the server tested on their own: these binaries link only
# caselink_workflow / caselink_common (no server, no storage, no gRPC), which
# is itself part of what they show.

caselink_add_plain_test(workflow_machine_test SOURCES workflow_machine_test.cc
  LIBS caselink_workflow LABELS unit workflow)
caselink_add_plain_test(creation_rules_test SOURCES creation_rules_test.cc
  LIBS caselink_workflow LABELS unit workflow)
caselink_add_plain_test(common_test SOURCES common_test.cc
  LIBS caselink_common caselink_api LABELS unit)
caselink_add_plain_test(working_calendar_test SOURCES working_calendar_test.cc
  LIBS caselink_workflow LABELS unit workflow)
target_compile_definitions(working_calendar_test PRIVATE CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
caselink_add_plain_test(screening_rules_test SOURCES screening_rules_test.cc
  LIBS caselink_workflow LABELS unit workflow)
target_compile_definitions(screening_rules_test PRIVATE CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
