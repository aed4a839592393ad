#include "goals.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace caselink::bench {

Goal Goal::Judged(std::string text, bool met, std::string detail) {
  Goal g;
  g.text = std::move(text);
  g.evaluated = true;
  g.met = met;
  g.detail = std::move(detail);
  return g;
}

Goal Goal::NotMeasured(std::string text, std::string why) {
  Goal g;
  g.text = std::move(text);
  g.detail = std::move(why);
  return g;
}

void PrintGoals(std::FILE* out, const std::string& title, const std::vector<Goal>& goals) {
  std::fprintf(out, "\ngoals (%s)\n", title.c_str());
  for (const Goal& g : goals) {
    std::fprintf(out, "  [%s] %s: %s\n", !g.evaluated ? "n/a " : (g.met ? "MET " : "MISS"),
                 g.text.c_str(), g.detail.c_str());
  }
}

std::string GoalsJson(const std::vector<Goal>& goals, const std::string& indent) {
  std::string j = "[\n";
  for (size_t i = 0; i < goals.size(); ++i) {
    const Goal& g = goals[i];
    absl::StrAppend(&j, indent, "  {\"goal\": ", JsonString(g.text), ", \"evaluated\": ",
                    g.evaluated ? "true" : "false", ", \"met\": ", g.met ? "true" : "false",
                    ", \"detail\": ", JsonString(g.detail), "}", i + 1 < goals.size() ? ",\n" : "\n");
  }
  return absl::StrCat(j, indent, "]");
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace caselink::bench
