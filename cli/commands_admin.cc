// The operator's subcommands (docs/operations.md). Online, over AdminService
// with the operator's certificate: `admin stats` (the server's figures, as
// on /metrics) and `admin backup DIR` (DIR is on the server host, below its
// admin.backup_dir). On the
// server host, without a connection: `admin revoke`, which installs a new
// CRL into the server's CRL directory the way a running server notices it.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "command.h"
#include "crl_install.h"
#include "output.h"
#include "server/core/metrics_exposition.h"

namespace caselink::cli {
namespace {

struct StatsArgs {
  std::string format = "prometheus";
};

struct BackupArgs {
  std::string directory;
  double timeout_seconds = 3600;
};

std::vector<server::metrics::FamilySnapshot> FromProto(const v1::GetStatsResponse& resp) {
  std::vector<server::metrics::FamilySnapshot> out;
  for (const v1::MetricFamily& f : resp.families()) {
    server::metrics::FamilySnapshot s{f.name(), f.help(), f.type(), {}};
    for (const v1::MetricSample& sample : f.samples()) {
      server::metrics::Sample x{sample.name(), {}, sample.value()};
      // Proto maps are unordered; "le" last keeps histogram lines readable.
      std::string le;
      for (const auto& [k, v] : sample.labels()) {
        if (k == "le") le = v;
        else x.labels.emplace_back(k, v);
      }
      std::sort(x.labels.begin(), x.labels.end());
      if (sample.labels().count("le")) x.labels.emplace_back("le", le);
      s.samples.push_back(std::move(x));
    }
    out.push_back(std::move(s));
  }
  return out;
}

int RunStats(const CommandContext& ctx, const StatsArgs& args) {
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  auto stats = (*client)->GetStats();
  if (!stats.ok()) return ReportRpcError(stats.status());
  if (args.format == "json") {
    PrintMessage(*stats, OutputFormat::kJson);
  } else {
    std::cout << server::metrics::RenderPrometheusText(FromProto(*stats));
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

int RunRevoke(const CrlInstallRequest& req) {
  auto result = InstallCrl(req);
  if (!result.ok()) return ReportUsageError(result.status().message());
  std::cout << "installed " << result->installed_path << " (issuer " << result->issuer << ", "
            << result->revoked_serials.size() << " revoked: "
            << absl::StrJoin(result->revoked_serials, ", ") << ")\n"
            << "effective at each revoked client's next TLS handshake; no restart needed" << std::endl;
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
                "(restore: caselinkd --restore-from DIR; the answer's `directory` is the full path)");
  backup->add_option("DIR", backup_args->directory,
                     "Directory below the server's admin.backup_dir: relative to it (e.g. nightly), or absolute "
                     "inside it; '..' and paths leading out of it are refused")
      ->required();
  backup->add_option("--backup-timeout", backup_args->timeout_seconds, "Deadline of the backup, seconds");
  backup->callback([&ctx, backup_args] { ctx.SetAction([&ctx, backup_args] { return RunBackup(ctx, *backup_args); }); });

  auto revoke_args = std::make_shared<CrlInstallRequest>();
  CLI::App* revoke = admin->add_subcommand(
      "revoke", "On the server host: install your CA's new CRL so the running server refuses the revoked "
                "certificates at their next handshake");
  revoke->add_option("--crl", revoke_args->crl_file, "The new CRL (PEM or DER) your CA generated")->required();
  revoke->add_option("--crl-dir", revoke_args->crl_dir, "The server's tls.crl_dir")->required();
  revoke->add_option("--client-ca", revoke_args->client_ca_file,
                     "The server's tls.client_ca_file: the CRL must be signed by one of its CAs");
  revoke->add_option("--cert", revoke_args->must_revoke_cert_files,
                     "Certificate(s) being revoked: refuse unless the CRL revokes each");
  revoke->callback([&ctx, revoke_args] { ctx.SetAction([revoke_args] { return RunRevoke(*revoke_args); }); });
}

CASELINK_REGISTER_COMMANDS(AddAdminCommands);

}  // namespace
}  // namespace caselink::cli
