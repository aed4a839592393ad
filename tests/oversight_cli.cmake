# The `caselink` side of enforcement supervision, meetings and major cases:
# the campaign summary renderers (terminal table, CSV, offline HTML) as
# units, and the commands `campaign`, `rectify`, `meeting`, `decision` and
# `case mark-major` end to end (the real binary against a TestDistrict, as
# cli_screening_test in workflow.cmake).
caselink_add_plain_test(campaign_summary_render_test SOURCES campaign_summary_render_test.cc
  LIBS caselink_report_render LABELS unit report)
if(TARGET caselink)
  caselink_add_test(cli_oversight_test SOURCES cli_oversight_test.cc LIBS caselink_client LABELS client cli e2e oversight)
  target_compile_definitions(cli_oversight_test PRIVATE
    CASELINK_CLI_PATH="$<TARGET_FILE:caselink>" CASELINK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  add_dependencies(cli_oversight_test caselink)
endif()
