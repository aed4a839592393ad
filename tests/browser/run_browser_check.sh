#!/usr/bin/env bash
# The commands of the `browser` ctests (tests/browser.cmake).
#
#   run_browser_check.sh report RENDERER KIND HTML PYTHON CHECKER CHROMIUM SCREENSHOT MIN_SVG
#     Renders the fixture report KIND into HTML (render_fixture_reports), then
#     checks it in headless Chromium (check_page.py). Exit 0 when it passes.
#
#   run_browser_check.sh reject HTML PYTHON CHECKER CHROMIUM SCREENSHOT
#     The checker's negative self-check on bad_page.html: exit 1 when the
#     checker rejected the page (exit 1) naming both its console error and its
#     network request, else exit 0. The test has WILL_FAIL, so it passes only
#     when the checker failed for those reasons, not when Chromium could not
#     start or the checker broke (exit 2) or missed one of the two.
set -uo pipefail

mode="$1"
shift
case "$mode" in
  report)
    renderer="$1" kind="$2" html="$3" python="$4" checker="$5" chromium="$6" shot="$7" min_svg="$8"
    mkdir -p "$(dirname "$html")" || exit 1
    "$renderer" "$html" "$kind" || exit 1
    exec "$python" "$checker" --chromium "$chromium" --html "$html" --screenshot "$shot" --min-svg "$min_svg"
    ;;
  reject)
    html="$1" python="$2" checker="$3" chromium="$4" shot="$5"
    out="$("$python" "$checker" --chromium "$chromium" --html "$html" --screenshot "$shot" 2>&1)"
    rc=$?
    printf '%s\n' "$out"
    if [[ $rc -eq 1 ]] && grep -q 'FAIL: console error: boom' <<<"$out" &&
       grep -q 'FAIL: network request: http://192.0.2.1/x.png' <<<"$out"; then
      echo "run_browser_check: the checker rejected the bad page for its console error and its request"
      exit 1
    fi
    echo "run_browser_check: the checker did NOT reject the bad page as expected (exit $rc, want 1 naming" \
         "'console error: boom' and 'network request: http://192.0.2.1/x.png')"
    exit 0
    ;;
  *)
    echo "usage: $0 report|reject ..." >&2
    exit 2
    ;;
esac
