// OversightStore keeps the enforcement-supervision campaigns (oversight.proto):
//   kCampaigns  campaign_id -> Campaign, written once
//   kSamples    campaign_id -> Sample: the draw (seed, sizes, strata, drawn
//               cases), written once; campaign_id \0 case_id -> SampledCase
//               added by hand, once per case
//   kReviews    campaign_id \0 case_id \0 reviewer \0 version(be64) -> Review,
//               one record per version; the highest version is the latest
// Nothing is overwritten. Apply() is the one write path: it serializes on
// the caller's keys and its idempotency key (kRequests, as cases and
// workflow items do), and commits the puts, the request record and the
// call's access-log entry as one synced batch. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "caselink/v1/oversight.pb.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "storage/key_locks.h"

namespace caselink::storage {

// What a write decided, under its locks.
struct OversightWrite {
  // Empty: nothing to write; the answer is an earlier write's (a replay by
  // content, e.g. a second draw with the same parameters).
  std::vector<Put> puts;
  // What a retry of the request answers: the id written and its version
  // (a review's), recorded with the request.
  std::string answer_id;
  int64_t version = 0;
};

struct OversightCommand {
  std::string agency;          // the caller, owner of the idempotency key
  std::string request_id;
  std::string request_digest;  // to tell a retry from a reuse of the key
  // Keys serializing the read-check-write (e.g. LockKey(campaign_id)).
  std::vector<std::string> lock_keys;
  // Called under the locks, unless the request is a retry.
  std::function<absl::StatusOr<OversightWrite>()> decide;
  // Called before the commit; what it adds (the access-log entry) is written
  // in the same batch.
  std::function<absl::Status(CommitRequest* commit)> attach;
};

struct OversightOutcome {
  std::string answer_id;
  int64_t version = 0;
  bool replayed = false;  // a retry, or nothing written (see OversightWrite)
};

class OversightStore {
 public:
  OversightStore(Database* db, CommitPipeline* pipeline) : db_(db), pipeline_(pipeline) {}

  // Errors: AlreadyExists (request_id reused for a different request), the
  // errors of `decide` and `attach`, and the pipeline's.
  absl::StatusOr<OversightOutcome> Apply(const OversightCommand& cmd);

  static std::string LockKey(const std::string& campaign_id) { return "campaign:" + campaign_id; }
  static Put CampaignPut(const v1::Campaign& campaign);
  // The draw: `draw` with its drawn cases only.
  static Put DrawPut(const v1::Sample& draw);
  static Put AddedCasePut(const std::string& campaign_id, const v1::SampledCase& added);
  static Put ReviewPut(const v1::Review& review);

  // NotFound if there is no such campaign.
  absl::StatusOr<v1::Campaign> Campaign(const std::string& id) const;
  // Every campaign, in id order.
  absl::StatusOr<std::vector<v1::Campaign>> Campaigns() const;
  // The sample: the draw, then the cases added by hand (each part ordered by
  // case_id); nullopt if it was not drawn yet.
  absl::StatusOr<std::optional<v1::Sample>> Sample(const std::string& campaign_id) const;
  // Reviews of the campaign (of one case if `case_id` is set), ordered by
  // case, reviewer and version: every version with `history`, else the
  // latest of each (case, reviewer).
  absl::StatusOr<std::vector<v1::Review>> Reviews(const std::string& campaign_id, const std::string& case_id,
                                                  bool history) const;
  // One version (0: the latest); NotFound if absent.
  absl::StatusOr<v1::Review> Review(const std::string& campaign_id, const std::string& case_id,
                                    const std::string& reviewer, int64_t version) const;

 private:
  Database* db_;
  CommitPipeline* pipeline_;
  KeyLocks locks_;
};

}  // namespace caselink::storage
