# The joint-meeting report: the renderers (terminal table, CSV, HTML) and the
# tally's rules as units, the RPC and the CLI end to end against a hand-built
# district with a controllable clock.
caselink_add_test(report_render_test SOURCES report_render_test.cc LIBS caselink_report_render LABELS unit report)
caselink_add_test(report_e2e_test SOURCES report_e2e_test.cc LABELS e2e report)
target_compile_definitions(report_e2e_test PRIVATE CASELINK_CLI_PATH="$<TARGET_FILE:caselink>")
add_dependencies(report_e2e_test caselink)
