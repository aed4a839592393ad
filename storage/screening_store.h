// ScreeningStore keeps what screening found (screening.proto):
//   kScreeningHits   case_id \0 rule_id -> ScreeningHit: the rules the case's
//                    latest version meets. An index derived from the cases
//                    and the rules, rewritten in the batch of each new version
//                    and by a rescreen when the rules change; it keeps the
//                    time a rule was first met across versions.
//   kHitDismissals   case_id \0 rule_id \0 time(be64) -> ScreeningHit as
//                    dismissed (by, why, when). Only ever added: every
//                    dismissal stays on record; the latest applies.
// Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/screening.pb.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "storage/key_locks.h"

namespace caselink::storage {

class ScreeningStore {
 public:
  ScreeningStore(Database* db, CommitPipeline* pipeline) : db_(db), pipeline_(pipeline) {}

  // Adds to `commit` what makes `hits` (of one case's latest version) its
  // stored hits: a put per hit (hit_time kept from a stored hit of the same
  // rule, else `now`), a delete per stored rule no longer met. Nothing if
  // they are already stored as they are. Call under the case's lock.
  absl::Status AddHitWrites(const std::string& case_id, std::vector<v1::ScreeningHit> hits, absl::Time now,
                            CommitRequest* commit) const;

  // The stored hits of a case, by rule id.
  absl::StatusOr<std::vector<v1::ScreeningHit>> HitsOf(const std::string& case_id) const;
  // Every stored hit, in case_id order, until `fn` returns false.
  absl::Status ForEachHit(const std::function<bool(const v1::ScreeningHit&)>& fn) const;

  // The latest dismissal of the case's hit of `rule_id`, if any.
  absl::StatusOr<std::optional<v1::ScreeningHit>> LatestDismissal(const std::string& case_id,
                                                                  const std::string& rule_id) const;
  // Every dismissal, oldest first per hit (the report's reasons).
  absl::Status ForEachDismissal(const std::function<bool(const v1::ScreeningHit&)>& fn) const;
  // The put recording `dismissed` (dismiss_time set) as a dismissal.
  static Put DismissalPut(const v1::ScreeningHit& dismissed);
  // Held while a dismissal of the case's hit of `rule_id` reads the latest
  // dismissal and commits its own: the "same reason already on record"
  // check is a read then a write, and identical concurrent dismissals
  // without it each store one.
  KeyLocks::Guard LockHit(const std::string& case_id, const std::string& rule_id) const;

  // The rules version the stored hits were computed with ("" if none).
  absl::StatusOr<std::string> ScreenedVersion() const;
  static Put ScreenedVersionPut(const std::string& version);

 private:
  Database* db_;
  CommitPipeline* pipeline_;
  mutable KeyLocks hit_locks_;  // LockHit's; a lock, not state of the store
};

}  // namespace caselink::storage
