// caselinkd: the caselink server. Reads its configuration, checks it, and
// serves until SIGTERM or SIGINT; SIGHUP reloads the policy file.
//
//   caselinkd --config /etc/caselink/server.textproto
//   caselinkd --check-config /etc/caselink/server.textproto
//
// Restoring a backup is an offline operation of caselink-admin
// (server/tools/): `caselink-admin restore --config FILE --from DIR`.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include "CLI/CLI.hpp"
#include "server/caselink_server.h"
#include "server/core/allocator_settings.h"
#include "server/server_config.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace {

int Fail(const std::string& what, const absl::Status& s) {
  std::fprintf(stderr, "caselinkd: %s:\n%s\n", what.c_str(), std::string(s.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Before threads start allocating (allocator_settings.h).
  caselink::server::ApplyAllocatorSettings();
  // Connections and RocksDB's table and blob files share the descriptor
  // limit; the soft limit (often 1024) is raised to the hard one.
  if (rlimit r{}; getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  CLI::App app{"caselinkd: the caselink case-sharing server (mutual TLS gRPC over RocksDB)"};
  std::string config_path, check_path;
  app.add_option("--config", config_path, "Server configuration (text-format caselink.v1.ServerConfig)");
  app.add_option("--check-config", check_path,
                 "Check a configuration, its policy and certificates, print every problem and exit");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off");
  CLI11_PARSE(app, argc, argv);
  // Logs are for the operator: structured lines on stderr (journald keeps them).
  spdlog::set_default_logger(spdlog::stderr_color_mt("caselinkd"));
  spdlog::set_level(spdlog::level::from_str(log_level));

  if (!check_path.empty()) {
    auto cfg = caselink::server::LoadServerConfig(check_path);
    if (!cfg.ok()) return Fail("configuration " + check_path + " is invalid", cfg.status());
    absl::Status s = caselink::server::CheckServerConfig(*cfg);
    if (!s.ok()) return Fail("configuration " + check_path + " has problems", s);
    std::printf("caselinkd: configuration %s is valid\n", check_path.c_str());
    return 0;
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "caselinkd: --config FILE is required (see --help)\n");
    return 2;
  }

  // Signals are taken by one thread with sigwait, never by async handlers.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto cfg = caselink::server::LoadServerConfig(config_path);
  if (!cfg.ok()) return Fail("cannot load configuration " + config_path, cfg.status());
  auto server = caselink::server::CaselinkServer::Start(*cfg);
  if (!server.ok()) return Fail("cannot start", server.status());

  std::thread signal_thread([&] {
    while (true) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        (void)(*server)->ReloadPolicy();
        continue;
      }
      spdlog::info("caselinkd: received signal {}, shutting down", sig);
      (*server)->Shutdown();
      return;
    }
  });
  (*server)->Wait();
  signal_thread.join();
  server->reset();
  spdlog::info("caselinkd: stopped cleanly");
  return 0;
}
