// ScreeningService (screening.proto): the possible non-transfers screening
// found. A hit is visible to a caller exactly when a policy rule granting the
// call's RPC selects its case's row (the procuratorate: every row; an agency:
// its own), its figures only where that rule allows INTERNAL facts; every
// hit returned is in the call's access-log entry by its case. Its state comes
// from the workflow: a forward transfer of the case (not one refused, 不批准移送)
// makes it TRANSFERRED, a supervision record on the case SUPERVISED, the
// owner's dismissal DISMISSED.
#pragma once

#include "caselink/v1/screening.grpc.pb.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"
#include "server/screening/screener.h"
#include "storage/screening_store.h"

namespace caselink::server {

class ScreeningServiceImpl final : public RawService {
 public:
  // Registers caselink.v1.ScreeningService's methods. Everything passed must
  // outlive the service.
  ScreeningServiceImpl(const ServiceContext& sc, storage::ScreeningStore* store);

 private:
  absl::Status DoListHits(const CallScope& scope, const v1::ListHitsRequest& req, v1::ListHitsResponse* resp);
  absl::Status DoDismissHit(const CallScope& scope, const v1::DismissHitRequest& req, v1::DismissHitResponse* resp);

  const ServiceContext& sc_;
  storage::ScreeningStore* store_;
};

}  // namespace caselink::server
