// caselink-admin: the platform operator's offline tools, run on the server
// host with access to its files (docs/operations.md): `audit verify` and
// `audit export` read a database (or an export) without a server; `revoke`
// installs a new CRL for the running server; `restore` restores a backup
// into a stopped server's db_path. Online operator commands (stats, backup)
// stay in the `caselink` client, which needs no server library.
#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "server/tools/commands.h"
#include "server/tools/tool_io.h"

int main(int argc, char** argv) {
  using namespace caselink::admin_tool;
  CLI::App app{"caselink-admin: the operator's offline tools for a caselink server host"};
  app.name("caselink-admin");
  app.require_subcommand(1);
  Action action;
  AddAuditCommands(app, &action);
  AddRevokeCommand(app, &action);
  AddRestoreCommand(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return ReportError(absl::InvalidArgumentError(std::string(e.what()) + " (run with --help for usage)"));
  }
  if (!action) return ReportError(absl::InvalidArgumentError("no subcommand given"));
  return action();
}
