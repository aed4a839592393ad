// Switches for tests and benchmarks, kept out of the production API
// (caselink_server.h): caselinkd never sets them. Tests use them to run the
// real server on a fake clock or a fault-injecting file system; the audit
// benchmark turns the access log off to measure what it costs.
#pragma once

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/config.pb.h"
#include "rocksdb/env.h"
#include "server/caselink_server.h"
#include "storage/commit_pipeline.h"

namespace caselink::server {

struct ServerHooks {
  // The clock used for timestamps and deadlines; tests substitute their own.
  std::function<absl::Time()> now;
  // Tests: called once the commit pipeline exists (e.g. to inject failures).
  std::function<void(storage::CommitPipeline*)> on_start;
  // Benchmark only (bench/audit_cost): serve without the access log, to
  // measure what logging costs. Never set in a deployment.
  bool access_log_off_for_benchmark = false;
  // Tests only: the RocksDB Env the database is opened with (a
  // fault-injecting file system); null is the real one. Outlives the server.
  rocksdb::Env* storage_env_for_test = nullptr;
  // How often deadline reminders are swept; tests with a controlled clock
  // turn the background sweep off (InfiniteDuration) and call
  // CaselinkServer::RemindDeadlines() when they mean to.
  absl::Duration reminder_sweep_every = absl::Minutes(1);
};

// CaselinkServer::Start with the switches above.
absl::StatusOr<std::unique_ptr<CaselinkServer>> StartWithHooks(const v1::ServerConfig& config,
                                                               ServerHooks hooks);

}  // namespace caselink::server
