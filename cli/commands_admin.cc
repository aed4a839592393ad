// The operator's online subcommands (docs/operations.md), over AdminService
// with the operator's certificate: `admin stats` (the server's figures, as
// on /metrics) and `admin backup DIR` (DIR is on the server host, below its
// admin.backup_dir). The offline tools that work on the server host's files
// (CRL install, restore, audit verify/export) are `caselink-admin`
// (server/tools/), which links the server libraries this CLI does not.
#include <iostream>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "command.h"
#include "output.h"
#include "stats_text.h"

namespace caselink::cli {
namespace {

struct StatsArgs {
  std::string format = "prometheus";
};

struct BackupArgs {
  std::string directory;
  double timeout_seconds = 3600;
};

int RunStats(const CommandContext& ctx, const StatsArgs& args) {
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  auto stats = (*client)->GetStats();
  if (!stats.ok()) return ReportRpcError(stats.status());
  if (args.format == "json") {
    PrintMessage(*stats, OutputFormat::kJson);
  } else {
    std::cout << RenderStatsText(*stats);
  }
  return kExitOk;
}

int RunBackup(const CommandContext& ctx, const BackupArgs& args) {
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  v1::BackupRequest request;
  request.set_directory(args.directory);
  auto resp = (*client)->Backup(request, absl::Seconds(args.timeout_seconds));
  if (!resp.ok()) return ReportRpcError(resp.status());
  PrintMessage(*resp, ctx.globals.output);
  return kExitOk;
}

void AddAdminCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* admin = app.add_subcommand("admin", "The platform operator's commands (docs/operations.md)");
  admin->require_subcommand(1);

  auto stats_args = std::make_shared<StatsArgs>();
  CLI::App* stats = admin->add_subcommand(
      "stats", "The server's figures (the same as its /metrics endpoint); operator certificate");
  stats->add_option("--format", stats_args->format, "prometheus (text exposition) or json")
      ->check(CLI::IsMember({"prometheus", "json"}));
  stats->callback([&ctx, stats_args] { ctx.SetAction([&ctx, stats_args] { return RunStats(ctx, *stats_args); }); });

  auto backup_args = std::make_shared<BackupArgs>();
  CLI::App* backup = admin->add_subcommand(
      "backup", "Online consistent backup into DIR ON THE SERVER HOST, below the server's admin.backup_dir "
                "(restore: caselink-admin restore --from DIR; the answer's `directory` is the full path)");
  backup->add_option("DIR", backup_args->directory,
                     "Directory below the server's admin.backup_dir: relative to it (e.g. nightly), or absolute "
                     "inside it; '..' and paths leading out of it are refused")
      ->required();
  backup->add_option("--backup-timeout", backup_args->timeout_seconds, "Deadline of the backup, seconds");
  backup->callback([&ctx, backup_args] { ctx.SetAction([&ctx, backup_args] { return RunBackup(ctx, *backup_args); }); });
}

CASELINK_REGISTER_COMMANDS(AddAdminCommands);

}  // namespace
}  // namespace caselink::cli
