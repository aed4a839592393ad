// CaseSource: the latest version of a case by id, for the response filter:
// text outside a case (a meeting's summary, a transition's reason) gets the
// personal values of the cases its item names hidden as the caller reads
// them (call_guard.h). StoreCaseSource reads them from the case store.
// Thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "caselink/v1/case.pb.h"
#include "storage/case_store.h"

namespace caselink::server {

class CaseSource {
 public:
  virtual ~CaseSource() = default;
  // NotFound if there is no such case.
  virtual absl::StatusOr<v1::Case> Latest(const std::string& case_id) const = 0;
};

class StoreCaseSource final : public CaseSource {
 public:
  explicit StoreCaseSource(const storage::CaseStore* store) : store_(store) {}
  absl::StatusOr<v1::Case> Latest(const std::string& case_id) const override {
    return store_->Get(case_id, 0);
  }

 private:
  const storage::CaseStore* store_;
};

}  // namespace caselink::server
