// StreamScope keeps an open stream under the policy in force, not the one
// it was opened under: Recheck() admits the caller again through the same
// CallGuard::Admit as a new call (certificate -> agency -> RPC granted), on
// the current policy snapshot, and the stream then filters and redacts with
// that snapshot. A stream calls it before each group of events it sends and
// at least every poll interval while it waits, so a reload that takes the
// grant away (or removes the agency, or maps its certificate to another
// agency), or a CRL revoking its certificate (CallGuard asks RevocationWatch,
// which re-reads crl_dir at least every 500 ms),
// ends the stream within that interval. Not thread-safe: one per stream.
#pragma once

#include "grpcpp/server_context.h"
#include "server/core/call_guard.h"

namespace caselink::server {

class StreamScope {
 public:
  StreamScope(const CallGuard* guard, const grpc::ServerContextBase* ctx, CallScope scope)
      : guard_(guard), ctx_(ctx), scope_(std::move(scope)) {}

  // OK and the scope updated to the current policy, or the status that ends
  // the stream: PERMISSION_DENIED (the RPC is no longer granted, the agency
  // is gone or the certificate now names another agency), UNAUTHENTICATED
  // (the certificate has been revoked).
  // On refusal record->denied_by names the rule.
  absl::Status Recheck(AccessRecord* record);

  const CallScope& scope() const { return scope_; }

 private:
  const CallGuard* guard_;
  const grpc::ServerContextBase* ctx_;
  CallScope scope_;
};

}  // namespace caselink::server
