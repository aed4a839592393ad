// `caselink-admin restore`: restores the newest backup of a directory made by
// `caselink admin backup` into the configured db_path of a stopped server,
// checks it and moves it into place (server/restore.h).
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/admin/restore.h"
#include "server/server_config.h"
#include "server/tools/commands.h"
#include "server/tools/tool_io.h"

namespace caselink::admin_tool {
namespace {

struct RestoreArgs {
  std::string config;
  std::string from;
  bool force = false;
};

int RunRestore(const RestoreArgs& args) {
  auto cfg = server::LoadServerConfig(args.config);
  if (!cfg.ok()) {
    return ReportError(absl::Status(cfg.status().code(), absl::StrCat("cannot load configuration ", args.config,
                                                                      ": ", cfg.status().message())));
  }
  // A wrong path is a bad argument (exit 2), not a restore that failed.
  std::error_code ec;
  if (!std::filesystem::is_directory(args.from, ec)) {
    return ReportError(absl::InvalidArgumentError(
        absl::StrCat("--from ", args.from, ": is not a directory (give the backup directory, as admin backup wrote it)")));
  }
  auto summary = server::RestoreFromBackup(*cfg, args.from, args.force);
  if (!summary.ok()) {
    return ReportError(absl::Status(summary.status().code(), absl::StrCat("restore from ", args.from, " failed: ",
                                                                          summary.status().message())),
                       kExitFailed);
  }
  std::cout << *summary << std::flush;
  return kExitOk;
}

}  // namespace

void AddRestoreCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<RestoreArgs>();
  CLI::App* restore = app.add_subcommand(
      "restore", "Restore the newest backup of DIR (made by `caselink admin backup`) into the configured "
                 "db_path, check it, and exit (the server must be stopped)");
  restore->add_option("--config", args->config, "The server's configuration (caselinkd --config)")->required();
  restore->add_option("--from", args->from, "The backup directory")->required();
  restore->add_flag("--force", args->force, "Restore even if db_path holds a database (kept, renamed)");
  restore->callback([action, args] { *action = [args] { return RunRestore(*args); }; });
}

}  // namespace caselink::admin_tool
