#include "server/core/server_gauges.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "server/admin/cert_expiry.h"
#include "storage/audit_store.h"

namespace caselink::server {
namespace {

using metrics::Labels;
using Values = std::vector<std::pair<Labels, double>>;

// One sample per table of a RocksDB integer property.
metrics::Registry::GaugeFn PerTable(const storage::Database* db, const char* property) {
  return [db, property] {
    Values out;
    for (int t = 0; t < static_cast<int>(storage::Table::kCount); ++t) {
      const auto table = static_cast<storage::Table>(t);
      uint64_t v = 0;
      if (!db->GetIntProperty(table, property, &v)) continue;
      out.push_back({{{"table", storage::TableName(table)}}, static_cast<double>(v)});
    }
    return out;
  };
}

// One unlabelled sample from the newest checkpoint; none before the first.
template <typename Field>
metrics::Registry::GaugeFn OfLastCheckpoint(const storage::Database* db, Field field) {
  return [db, field] {
    auto cp = storage::LastAuditCheckpoint(*db);
    if (!cp.ok() || !cp->has_value()) return Values{};
    return Values{{{}, static_cast<double>(field(**cp))}};
  };
}

}  // namespace

void AddServerGauges(const storage::Database* db, const storage::AuditChain* chain,
                     const WatchHub* hub, const v1::TlsConfig& tls, metrics::Registry* r) {
  r->AddGauge("caselink_event_streams_open", "Open EventService.Watch streams, by agency.", [hub] {
    Values out;
    for (const auto& [agency, n] : hub->OpenStreams()) {
      out.push_back({{{"agency", agency}}, static_cast<double>(n)});
    }
    return out;
  });
  struct RocksGauge {
    const char* name;
    const char* help;
    const char* property;
  };
  for (const RocksGauge& g : {
           RocksGauge{"caselink_rocksdb_estimated_keys", "Estimated number of keys per table.",
                      "rocksdb.estimate-num-keys"},
           RocksGauge{"caselink_rocksdb_live_data_bytes", "Estimated live data per table in bytes.",
                      "rocksdb.estimate-live-data-size"},
           RocksGauge{"caselink_rocksdb_pending_compaction_bytes",
                      "Bytes compaction still has to rewrite per table.",
                      "rocksdb.estimate-pending-compaction-bytes"},
           RocksGauge{"caselink_rocksdb_memtable_bytes", "Bytes in the memtables per table.",
                      "rocksdb.cur-size-all-mem-tables"},
       }) {
    r->AddGauge(g.name, absl::StrCat(g.help, " (RocksDB ", g.property, ")"), PerTable(db, g.property));
  }
  r->AddGauge("caselink_audit_head_sequence",
              "Sequence number of the last durable access-log entry.", [chain] {
                return Values{{{}, static_cast<double>(chain->head_seq())}};
              });
  r->AddGauge("caselink_audit_last_checkpoint_timestamp_seconds",
              "Unix time of the newest signed access-log checkpoint (absent before the first).",
              OfLastCheckpoint(db, [](const v1::AuditCheckpoint& cp) { return cp.time().seconds(); }));
  r->AddGauge("caselink_audit_last_checkpoint_sequence",
              "Sequence number the newest signed access-log checkpoint covers.",
              OfLastCheckpoint(db, [](const v1::AuditCheckpoint& cp) { return cp.seq(); }));
  r->AddGauge("caselink_certificate_expiry_timestamp_seconds",
              "notAfter of the server certificate and of each client CA, as Unix time.", [tls] {
                Values out;
                for (const CertExpiry& c : ReadCertExpiries(tls)) {
                  out.push_back({{{"kind", c.kind}, {"subject", c.subject}, {"serial", c.serial}},
                                 static_cast<double>(absl::ToUnixSeconds(c.not_after))});
                }
                return out;
              });
}

}  // namespace caselink::server
