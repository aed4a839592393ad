// A benchmark's goals: each one a line of the report ([MET ], [MISS], or
// [n/a ] when a figure it needs was not measured) with the measured figures
// beside it, and the same in the JSON. Shared by caselink_bench and
// caselink_district_bench so both print and record goals the same way.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace caselink::bench {

struct Goal {
  std::string text;
  bool evaluated = false;   // false if a needed row was not run
  bool met = false;
  std::string detail;

  // A goal whose figures were measured.
  static Goal Judged(std::string text, bool met, std::string detail);
  // A goal that could not be judged: `why` says what was missing.
  static Goal NotMeasured(std::string text, std::string why);
};

// "goals (<title>)" and one "  [MET ] text: detail" line per goal.
void PrintGoals(std::FILE* out, const std::string& title, const std::vector<Goal>& goals);

// The goals as a JSON array, one object per line, each line prefixed with `indent`.
std::string GoalsJson(const std::vector<Goal>& goals, const std::string& indent);

// `s` as a JSON string literal (quoted, escaped).
std::string JsonString(const std::string& s);

}  // namespace caselink::bench
