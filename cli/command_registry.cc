#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "command.h"

namespace caselink::cli {
namespace {

std::vector<std::pair<std::string, CommandRegistrar>>& Registry() {
  // Function-local so it exists before any static registrar runs.
  static auto* registry =
      new std::vector<std::pair<std::string, CommandRegistrar>>();
  return *registry;
}

}  // namespace

bool RegisterCommands(const char* name, CommandRegistrar registrar) {
  Registry().emplace_back(name, registrar);
  return true;
}

void AddRegisteredCommands(CLI::App& app, CommandContext& ctx) {
  auto entries = Registry();
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, registrar] : entries) registrar(app, ctx);
}

}  // namespace caselink::cli
