#include "storage/oversight_store.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "caselink/v1/workflow_storage.pb.h"
#include "caselink_common/status_macros.h"
#include "storage/case_keys.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {

const absl::string_view kNul("\0", 1);

// "o\0agency\0id": apart from a case's "agency\0id" and a workflow item's
// "w\0agency\0id" (request ids never contain '\0').
std::string RequestKeyOf(const std::string& agency, const std::string& request_id) {
  return RequestKey(absl::StrCat("o", kNul, agency), request_id);
}

std::string ReviewPrefix(const std::string& campaign_id, const std::string& case_id, const std::string& reviewer) {
  return absl::StrCat(campaign_id, kNul, case_id, kNul, reviewer);
}

template <class M>
absl::StatusOr<M> Parse(const std::string& bytes, const char* what) {
  M m;
  if (!m.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("stored ", what, " is corrupted"));
  return m;
}

// Calls fn(key, value) for every key starting with `prefix`, in key order.
absl::Status Scan(const Database& db, Table t, const std::string& prefix,
                  const std::function<absl::Status(const rocksdb::Slice&, const std::string&)>& fn) {
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), t));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    CASELINK_RETURN_IF_ERROR(fn(it->key(), it->value().ToString()));
  }
  return FromRocks(it->status(), "reading oversight records");
}

}  // namespace

absl::StatusOr<OversightOutcome> OversightStore::Apply(const OversightCommand& cmd) {
  const std::string req_key = RequestKeyOf(cmd.agency, cmd.request_id);
  std::vector<std::string> keys = cmd.lock_keys;
  keys.push_back(req_key);
  KeyLocks::Guard guard = locks_.Lock(keys);

  std::string record;
  rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), Table::kRequests, req_key, &record);
  if (rs.ok()) {
    CASELINK_ASSIGN_OR_RETURN(v1::WorkflowRequestRecord rec,
                              Parse<v1::WorkflowRequestRecord>(record, "oversight request record"));
    if (rec.request_digest() != cmd.request_digest) {
      return absl::AlreadyExistsError(absl::StrCat("request_id '", cmd.request_id,
                                                   "' was already used for a different request; use a new request_id"));
    }
    return OversightOutcome{rec.item_id(), rec.step(), true};
  }
  if (!rs.IsNotFound()) return FromRocks(rs, "reading the request record");

  CASELINK_ASSIGN_OR_RETURN(OversightWrite w, cmd.decide());
  if (w.puts.empty()) return OversightOutcome{w.answer_id, w.version, true};
  // The workflow's record shape: item_id is what was written, step its version.
  v1::WorkflowRequestRecord rec;
  rec.set_request_digest(cmd.request_digest);
  rec.set_item_id(w.answer_id);
  rec.set_step(w.version);
  CommitRequest commit;
  commit.puts = std::move(w.puts);
  commit.puts.push_back({Table::kRequests, req_key, rec.SerializeAsString()});
  if (cmd.attach) CASELINK_RETURN_IF_ERROR(cmd.attach(&commit));
  CASELINK_RETURN_IF_ERROR(pipeline_->Commit(std::move(commit)).status());
  return OversightOutcome{w.answer_id, w.version, false};
}

Put OversightStore::CampaignPut(const v1::Campaign& campaign) {
  return {Table::kCampaigns, campaign.id(), campaign.SerializeAsString()};
}

Put OversightStore::DrawPut(const v1::Sample& draw) {
  return {Table::kSamples, draw.campaign_id(), draw.SerializeAsString()};
}

Put OversightStore::AddedCasePut(const std::string& campaign_id, const v1::SampledCase& added) {
  return {Table::kSamples, absl::StrCat(campaign_id, kNul, added.case_id()), added.SerializeAsString()};
}

Put OversightStore::ReviewPut(const v1::Review& review) {
  return {Table::kReviews,
          CaseVersionKey(ReviewPrefix(review.campaign_id(), review.case_id(), review.reviewer_agency()),
                         review.version()),
          review.SerializeAsString()};
}

absl::StatusOr<v1::Campaign> OversightStore::Campaign(const std::string& id) const {
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Table::kCampaigns, id, &bytes);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("campaign '", id, "' not found"));
  if (!s.ok()) return FromRocks(s, "reading a campaign");
  return Parse<v1::Campaign>(bytes, "campaign");
}

absl::StatusOr<std::vector<v1::Campaign>> OversightStore::Campaigns() const {
  std::vector<v1::Campaign> out;
  CASELINK_RETURN_IF_ERROR(Scan(*db_, Table::kCampaigns, "", [&](const rocksdb::Slice&, const std::string& v) {
    CASELINK_ASSIGN_OR_RETURN(v1::Campaign c, Parse<v1::Campaign>(v, "campaign"));
    out.push_back(std::move(c));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::optional<v1::Sample>> OversightStore::Sample(const std::string& campaign_id) const {
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Table::kSamples, campaign_id, &bytes);
  if (s.IsNotFound()) return std::optional<v1::Sample>();
  if (!s.ok()) return FromRocks(s, "reading a sample");
  CASELINK_ASSIGN_OR_RETURN(v1::Sample sample, Parse<v1::Sample>(bytes, "sample"));
  CASELINK_RETURN_IF_ERROR(Scan(*db_, Table::kSamples, absl::StrCat(campaign_id, kNul),
                                [&](const rocksdb::Slice&, const std::string& v) {
                                  CASELINK_ASSIGN_OR_RETURN(*sample.add_cases(),
                                                            Parse<v1::SampledCase>(v, "sampled case"));
                                  return absl::OkStatus();
                                }));
  return std::optional<v1::Sample>(std::move(sample));
}

absl::StatusOr<std::vector<v1::Review>> OversightStore::Reviews(const std::string& campaign_id,
                                                                const std::string& case_id, bool history) const {
  const std::string prefix =
      case_id.empty() ? absl::StrCat(campaign_id, kNul) : absl::StrCat(campaign_id, kNul, case_id, kNul);
  std::vector<v1::Review> out;
  std::string last_group;  // the key without its version
  CASELINK_RETURN_IF_ERROR(Scan(*db_, Table::kReviews, prefix, [&](const rocksdb::Slice& key, const std::string& v) {
    CASELINK_ASSIGN_OR_RETURN(v1::Review r, Parse<v1::Review>(v, "review"));
    const std::string group(key.data(), key.size() - 8);
    // Versions ascend within a group: a later one replaces the earlier.
    if (!history && !out.empty() && group == last_group) out.pop_back();
    last_group = group;
    out.push_back(std::move(r));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Review> OversightStore::Review(const std::string& campaign_id, const std::string& case_id,
                                                  const std::string& reviewer, int64_t version) const {
  const std::string group = ReviewPrefix(campaign_id, case_id, reviewer);
  if (version > 0) {
    std::string bytes;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Table::kReviews, CaseVersionKey(group, version), &bytes);
    if (s.IsNotFound()) {
      return absl::NotFoundError(absl::StrCat("no review v", version, " of case '", case_id, "' by '", reviewer, "'"));
    }
    if (!s.ok()) return FromRocks(s, "reading a review");
    return Parse<v1::Review>(bytes, "review");
  }
  std::optional<v1::Review> latest;
  CASELINK_RETURN_IF_ERROR(
      Scan(*db_, Table::kReviews, CaseVersionPrefix(group), [&](const rocksdb::Slice&, const std::string& v) {
        CASELINK_ASSIGN_OR_RETURN(latest, Parse<v1::Review>(v, "review"));
        return absl::OkStatus();
      }));
  if (!latest.has_value()) {
    return absl::NotFoundError(absl::StrCat("no review of case '", case_id, "' by '", reviewer, "'"));
  }
  return *std::move(latest);
}

}  // namespace caselink::storage
