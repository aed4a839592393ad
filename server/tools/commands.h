// The subcommand groups of caselink-admin, one file each: audit_commands.cc
// (`audit verify`, `audit export`), revoke_command.cc (`revoke`: CRL install)
// and restore_command.cc (`restore`). Each adds its subcommands to the app and,
// from the chosen one's CLI11 callback, sets the action main runs after
// parsing. Single-threaded, like the tool.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace caselink::admin_tool {

// What the chosen subcommand does; returns the exit code (tool_io.h).
using Action = std::function<int()>;

void AddAuditCommands(CLI::App& app, Action* action);
void AddRevokeCommand(CLI::App& app, Action* action);
void AddRestoreCommand(CLI::App& app, Action* action);

}  // namespace caselink::admin_tool
