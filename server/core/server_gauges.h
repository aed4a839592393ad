// The figures of ServerMetrics computed when scraped, from the objects that
// hold them: open event streams (WatchHub), RocksDB per table (estimated
// keys, live data, pending compaction), the access log's head sequence and
// last checkpoint time, certificate expiry times (cert_expiry.h).
#pragma once

#include "caselink/v1/config.pb.h"
#include "server/core/metrics_registry.h"
#include "server/events/watch_hub.h"
#include "storage/audit_sealer.h"
#include "storage/database.h"

namespace caselink::server {

// Each object must outlive every snapshot of `registry`.
void AddServerGauges(const storage::Database* db, const storage::AuditChain* chain,
                     const WatchHub* hub, const v1::TlsConfig& tls, metrics::Registry* registry);

}  // namespace caselink::server
