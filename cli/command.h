// The shared state of one `caselink` invocation (global options, the chosen
// subcommand's action) and the registry through which each commands_*.cc
// file adds its subcommands. Single-threaded, like the CLI.
//
// Example (a new file cli/commands_audit.cc):
//   namespace caselink::cli {
//   void AddAuditCommands(CLI::App& app, CommandContext& ctx) {
//     CLI::App* sub = app.add_subcommand("audit", "Reads the access log");
//     sub->callback([&ctx] { ctx.SetAction([&ctx] { return RunAudit(ctx); }); });
//   }
//   CASELINK_REGISTER_COMMANDS(AddAuditCommands);
//   }  // namespace caselink::cli
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "caselink/client.h"
#include "output.h"

namespace caselink::cli {

// Options every subcommand shares; each can also come from the environment.
struct GlobalOptions {
  std::string target = "localhost:7443";  // CASELINK_TARGET
  std::string ca_file;                    // CASELINK_CA
  std::string cert_file;                  // CASELINK_CERT
  std::string key_file;                   // CASELINK_KEY
  std::string server_name;                // CASELINK_SERVER_NAME
  double timeout_seconds = 10;            // CASELINK_TIMEOUT
  OutputFormat output = OutputFormat::kJson;
};

// What a subcommand does once the command line is parsed; returns the exit
// code (see output.h: kExitOk, kExitRpcError, kExitUsage).
using Action = std::function<int()>;

class CommandContext {
 public:
  GlobalOptions globals;

  // Records the action of the subcommand that was chosen. Subcommands call it
  // from their CLI11 callback; main runs it after parsing.
  void SetAction(Action action) { action_ = std::move(action); }
  const Action& action() const { return action_; }

  // Reads the PEM files named by the global options and connects.
  // Errors: INVALID_ARGUMENT / NOT_FOUND / PERMISSION_DENIED naming the
  // option or file at fault (report them with ReportUsageError).
  absl::StatusOr<std::unique_ptr<Client>> Connect() const;

 private:
  Action action_;
};

// Adds a group of subcommands to the `caselink` app.
using CommandRegistrar = void (*)(CLI::App&, CommandContext&);

// Records `registrar`; used through CASELINK_REGISTER_COMMANDS. Returns true.
bool RegisterCommands(const char* name, CommandRegistrar registrar);

// Calls every registered registrar, in name order (stable --help output).
void AddRegisteredCommands(CLI::App& app, CommandContext& ctx);

}  // namespace caselink::cli

// Registers `fn` (a CommandRegistrar) at static-initialization time. Put it
// in the commands_*.cc file that defines `fn`, inside namespace caselink::cli.
#define CASELINK_REGISTER_COMMANDS(fn)                                \
  [[maybe_unused]] static const bool caselink_cli_registered_##fn = \
      ::caselink::cli::RegisterCommands(#fn, &fn)
