#include "storage/screening_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {

constexpr char kVersionKey[] = "screening_rules_version";

std::string HitPrefix(const std::string& case_id) { return absl::StrCat(case_id, absl::string_view("\0", 1)); }

std::string HitKey(const std::string& case_id, const std::string& rule_id) {
  return absl::StrCat(HitPrefix(case_id), rule_id);
}

std::string DismissalPrefix(const std::string& case_id, const std::string& rule_id) {
  return absl::StrCat(HitKey(case_id, rule_id), absl::string_view("\0", 1));
}

void AppendBe64(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

absl::Status Scan(const Database& db, Table table, const std::string& prefix,
                  const std::function<bool(const v1::ScreeningHit&)>& fn) {
  auto it = db.NewIterator(rocksdb::ReadOptions(), table);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::ScreeningHit hit;
    if (!hit.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("a stored screening record of ", TableName(table), " is corrupted"));
    }
    if (!fn(hit)) break;
  }
  return FromRocks(it->status(), "reading screening records");
}

}  // namespace

absl::StatusOr<std::vector<v1::ScreeningHit>> ScreeningStore::HitsOf(const std::string& case_id) const {
  std::vector<v1::ScreeningHit> out;
  CASELINK_RETURN_IF_ERROR(Scan(*db_, Table::kScreeningHits, HitPrefix(case_id), [&](const v1::ScreeningHit& h) {
    out.push_back(h);
    return true;
  }));
  return out;
}

absl::Status ScreeningStore::AddHitWrites(const std::string& case_id, std::vector<v1::ScreeningHit> hits,
                                          absl::Time now, CommitRequest* commit) const {
  CASELINK_ASSIGN_OR_RETURN(std::vector<v1::ScreeningHit> stored, HitsOf(case_id));
  for (v1::ScreeningHit& hit : hits) {
    auto same = std::find_if(stored.begin(), stored.end(),
                             [&](const v1::ScreeningHit& s) { return s.rule_id() == hit.rule_id(); });
    if (same != stored.end()) {
      *hit.mutable_hit_time() = same->hit_time();
      const bool unchanged = google::protobuf::util::MessageDifferencer::Equals(*same, hit);
      stored.erase(same);
      if (unchanged) continue;
    } else {
      *hit.mutable_hit_time() = ToProtoTime(now);
    }
    commit->puts.push_back({Table::kScreeningHits, HitKey(case_id, hit.rule_id()), hit.SerializeAsString()});
  }
  // What is left was met by an earlier version only.
  for (const v1::ScreeningHit& gone : stored) {
    commit->deletes.push_back({Table::kScreeningHits, HitKey(case_id, gone.rule_id())});
  }
  return absl::OkStatus();
}

absl::Status ScreeningStore::ForEachHit(const std::function<bool(const v1::ScreeningHit&)>& fn) const {
  return Scan(*db_, Table::kScreeningHits, "", fn);
}

absl::StatusOr<std::optional<v1::ScreeningHit>> ScreeningStore::LatestDismissal(const std::string& case_id,
                                                                                const std::string& rule_id) const {
  std::optional<v1::ScreeningHit> latest;
  CASELINK_RETURN_IF_ERROR(
      Scan(*db_, Table::kHitDismissals, DismissalPrefix(case_id, rule_id), [&](const v1::ScreeningHit& h) {
        latest = h;
        return true;
      }));
  return latest;
}

absl::Status ScreeningStore::ForEachDismissal(const std::function<bool(const v1::ScreeningHit&)>& fn) const {
  return Scan(*db_, Table::kHitDismissals, "", fn);
}

Put ScreeningStore::DismissalPut(const v1::ScreeningHit& dismissed) {
  std::string key = DismissalPrefix(dismissed.case_id(), dismissed.rule_id());
  AppendBe64(static_cast<uint64_t>(absl::ToUnixNanos(FromProtoTime(dismissed.dismiss_time()))), &key);
  return {Table::kHitDismissals, std::move(key), dismissed.SerializeAsString()};
}

absl::StatusOr<std::string> ScreeningStore::ScreenedVersion() const {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Table::kMeta, kVersionKey, &v);
  if (s.IsNotFound()) return std::string();
  CASELINK_RETURN_IF_ERROR(FromRocks(s, "reading the screened rules version"));
  return v;
}

Put ScreeningStore::ScreenedVersionPut(const std::string& version) { return {Table::kMeta, kVersionKey, version}; }

KeyLocks::Guard ScreeningStore::LockHit(const std::string& case_id, const std::string& rule_id) const {
  return hit_locks_.Lock({HitKey(case_id, rule_id)});
}

}  // namespace caselink::storage
