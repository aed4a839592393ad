// The durable workflow-transition workload of caselink_bench: each slot owns
// one forward transfer (market -> psb) of a case of market and drives it
// round the only repeatable cycle of the forward state machine, SENT
// --RETURN_FOR_MATERIAL (receiver psb)--> RETURNED --RESUBMIT (sender
// market)--> SENT, so every call is one durable transition (a synced commit
// of the new step, its history record and its events).
//
// Compiled only when the generated WorkflowService exists; at run time the
// workload is reported unavailable (with the server's answer) if the RPCs
// are not served or not granted by the policy.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "load_driver.h"

namespace caselink::bench {

// True if this build has the WorkflowService client code.
bool WorkflowCompiledIn();

// FailedPrecondition/Unimplemented/PermissionDenied... with the reason when
// the workload cannot run; otherwise the measured result.
absl::StatusOr<LoadResult> RunTransitions(std::shared_ptr<grpc::Channel> sender,
                                          std::shared_ptr<grpc::Channel> receiver,
                                          const std::string& receiver_agency,
                                          const std::string& case_id, const LoadOptions& options);

}  // namespace caselink::bench
