// CaselinkServer: the running caselink service — mutual TLS (a client without
// a certificate from the configured CA never reaches a handler), the RocksDB
// store, the policy, every service, gRPC health and reflection.
// Start() returns once the server is listening. Thread-safe.
//
// Example:
//   CASELINK_ASSIGN_OR_RETURN(v1::ServerConfig cfg, LoadServerConfig(path));
//   CASELINK_ASSIGN_OR_RETURN(auto server, CaselinkServer::Start(cfg));
//   server->Wait();  // until Shutdown() from another thread
#pragma once

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/config.pb.h"

namespace caselink::server {

struct ServerHooks;  // server_hooks.h: tests and benchmarks only

class CaselinkServer {
 public:
  // Opens the database, loads the policy, starts listening. Errors name the
  // file or address at fault; nothing is left running on error.
  static absl::StatusOr<std::unique_ptr<CaselinkServer>> Start(const v1::ServerConfig& config);
  // Shuts down (if not yet) and closes the database.
  ~CaselinkServer();

  // The port actually bound (useful with port 0).
  int port() const;
  // The port of the admin HTTP listener (/metrics); 0 if it is off.
  int admin_port() const;

  // Re-reads the policy file and the working calendar; on error the old
  // ones stay in force.
  absl::Status ReloadPolicy();

  // Sends the deadline reminders due now (the server also does so every
  // minute); the number sent. docs/workflow.md "Deadlines".
  absl::StatusOr<int> RemindDeadlines();

  // Stops accepting calls, lets calls in flight finish for up to `grace`,
  // then cancels the rest. Idempotent.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

  // Blocks until Shutdown() has completed.
  void Wait();

  struct Impl;

 private:
  friend absl::StatusOr<std::unique_ptr<CaselinkServer>> StartWithHooks(const v1::ServerConfig& config,
                                                                         ServerHooks hooks);
  explicit CaselinkServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace caselink::server
