# Real-browser checks of the offline HTML reports (label `browser`; the test
# command installs Chromium and runs them): tests/browser/render_fixture_reports writes a report
# from a hand-made fixture, tests/browser/check_page.py opens it in Debian's
# headless `chromium` over the DevTools protocol (standard-library Python) and
# fails on any console error, exception or network request, or when no chart
# is drawn; it keeps a full-page screenshot in
# ${CMAKE_BINARY_DIR}/browser-screenshots/. Needs `apt-get install chromium`;
# without it the tests are reported as skipped.
#   cd build && ctest -L browser --output-on-failure
add_executable(render_fixture_reports browser/render_fixture_reports.cc)
target_link_libraries(render_fixture_reports PRIVATE caselink_report_render)

find_program(CHROMIUM_EXECUTABLE NAMES chromium chromium-browser)
set(CASELINK_BROWSER_PYTHON /usr/bin/python3)
set(_browser_dir ${CMAKE_CURRENT_SOURCE_DIR}/browser)
set(_browser_tests browser_joint_meeting_report browser_campaign_summary browser_checker_rejects_bad_page)

if(CHROMIUM_EXECUTABLE AND EXISTS ${CASELINK_BROWSER_PYTHON})
  # One test per report kind of render_fixture_reports (KIND argument).
  add_test(NAME browser_joint_meeting_report
    COMMAND bash ${_browser_dir}/run_browser_check.sh report
      $<TARGET_FILE:render_fixture_reports> joint-meeting
      ${CMAKE_CURRENT_BINARY_DIR}/browser/joint-meeting-report.html
      ${CASELINK_BROWSER_PYTHON} ${_browser_dir}/check_page.py ${CHROMIUM_EXECUTABLE}
      ${CMAKE_BINARY_DIR}/browser-screenshots/joint-meeting-report.png
      6)  # the page's four bar charts and its campaign's two
  add_test(NAME browser_campaign_summary
    COMMAND bash ${_browser_dir}/run_browser_check.sh report
      $<TARGET_FILE:render_fixture_reports> campaign-summary
      ${CMAKE_CURRENT_BINARY_DIR}/browser/campaign-summary.html
      ${CASELINK_BROWSER_PYTHON} ${_browser_dir}/check_page.py ${CHROMIUM_EXECUTABLE}
      ${CMAKE_BINARY_DIR}/browser-screenshots/campaign-summary.png
      2)  # the average scores and the grades
  # The checker must fail on a page with a console error and a network
  # request (see run_browser_check.sh: only for those reasons).
  add_test(NAME browser_checker_rejects_bad_page
    COMMAND bash ${_browser_dir}/run_browser_check.sh reject
      ${_browser_dir}/bad_page.html
      ${CASELINK_BROWSER_PYTHON} ${_browser_dir}/check_page.py ${CHROMIUM_EXECUTABLE}
      ${CMAKE_BINARY_DIR}/browser-screenshots/bad-page.png)
  set_tests_properties(browser_checker_rejects_bad_page PROPERTIES WILL_FAIL TRUE)
  set_tests_properties(${_browser_tests} PROPERTIES LABELS browser TIMEOUT 120)
else()
  foreach(_t ${_browser_tests})
    add_test(NAME ${_t}
      COMMAND sh -c "echo 'chromium not installed: apt-get install chromium'; exit 77")
  endforeach()
  set_tests_properties(${_browser_tests} PROPERTIES LABELS browser SKIP_RETURN_CODE 77)
endif()
