// What every service handler shares: the enforcement path, the worker pool
// for blocking work, the stores, limits and the clock (injectable for tests).
#pragma once

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/core/access_logger.h"
#include "server/core/call_guard.h"
#include "server/core/fair_gate.h"
#include "server/core/in_flight_limiter.h"
#include "server/core/page_token.h"
#include "server/core/masked_search_quota.h"
#include "server/core/server_metrics.h"
#include "server/core/worker_pool.h"
#include "server/workflow/workflow_context.h"
#include "storage/case_store.h"
#include "storage/document_store.h"
#include "storage/oversight_store.h"

namespace caselink::server {

class Screener;

struct ServiceContext {
  CallGuard* guard = nullptr;
  WorkerPool* pool = nullptr;
  storage::CaseStore* cases = nullptr;
  storage::CommitPipeline* pipeline = nullptr;
  // The access log; every call is logged through it (null only in the
  // benchmark that measures the log's cost).
  AccessLogger* access_log = nullptr;
  // Transfers, supervision records and the event stream.
  const WorkflowContext* workflow = nullptr;
  // The documents of workflow items (null: actions cannot name one).
  const storage::DocumentStore* documents = nullptr;
  // documents.max_item_bytes: also bounds the drafts a creation attaches.
  int64_t max_item_document_bytes = int64_t{512} << 20;
  // Screens each case version as it is written (null: no screening).
  const Screener* screening = nullptr;
  // The justice bureau's campaigns (OversightService's store), read by the
  // joint-meeting report's 行政执法监督 section (null: no such section).
  const storage::OversightStore* oversight = nullptr;
  // 有案必录: an entry later than this many working days is late
  // (screening.late_entry_working_days; the report's entries_late).
  int late_entry_working_days = 7;
  int max_page_size = 500;
  // Rows one page of a listing may examine (limits.max_rows_examined_per_page).
  int max_rows_examined_per_page = 10000;
  // Seals and opens every listing's page tokens (page_token.h); a listing
  // without it answers FAILED_PRECONDITION.
  const PageTokenKey* page_tokens = nullptr;
  // Per-agency bound on calls in flight (null: unbounded).
  InFlightLimiter* limiter = nullptr;
  // Per-agency bound on searches by values shown masked (null: unbounded).
  MaskedSearchQuota* masked_search_quota = nullptr;
  // Shares the CPU among agencies round-robin (null: no gate).
  FairGate* gate = nullptr;
  // Per-call figures (null: not recorded, e.g. in unit tests).
  ServerMetrics* metrics = nullptr;
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

}  // namespace caselink::server
