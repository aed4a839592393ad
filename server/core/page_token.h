// Sealed page tokens: the one implementation behind every listing that pages
// (ListCases, SearchCases, the workflow lists, and through sorted_page.h
// ListHits, ListMeetings and ListReviews).
//
// A token is AES-256-GCM ciphertext of "where the next page starts", under a
// server key (PageTokenKey), with a random 96-bit nonce. The caller's agency,
// the RPC and a canonical form of the query are the AEAD's associated data:
// they are not in the token, but a token opens only for the same three. So a
// token
//   - reveals nothing: the position (which may be the id of a row the caller
//     cannot see) is encrypted and padded to a fixed size, and two tokens for
//     the same position look unrelated;
//   - cannot be forged or modified (the GCM tag fails), replayed by another
//     agency, or used with another RPC or other filters: every such use gets
//     InvalidArgument naming page_token, one message for all of them;
//   - holds a position, not a snapshot: it stays valid while new rows arrive,
//     until the key changes (then callers start over with an empty token).
//
// Example:
//   const PageScope where = PageScope::For(scope, request);
//   CASELINK_ASSIGN_OR_RETURN(std::string after, key.Open(request.page_token(), where));
//   ... scan after `after` ...
//   if (more) {
//     CASELINK_ASSIGN_OR_RETURN(*response->mutable_next_page_token(), key.Seal(where, last));
//   }
//
// Thread-safe: a PageTokenKey is immutable after construction.
#pragma once

#include <array>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "server/core/call_guard.h"

namespace caselink::server {

// What a token is bound to. Built by For(); tests may fill it directly.
struct PageScope {
  std::string agency;  // the caller's agency (matched from its certificate)
  std::string rpc;     // full method name, "caselink.v1.CaseService/ListCases"
  std::string query;   // CanonicalQuery() of the request

  static PageScope For(const CallScope& scope, const google::protobuf::Message& request);
};

// The query a token is bound to: `request` with the paging fields
// (page_token, page_size) and the reason fields (purpose, purpose_case_ref)
// cleared, in deterministic serialization. A caller normalises fields whose
// spelling does not change the query (e.g. a party id's letter case) first.
std::string CanonicalQuery(const google::protobuf::Message& request);

class PageTokenKey {
 public:
  // The AEAD key, HKDF-SHA256(secret, info "caselink page-token key v1").
  // `secret` must have 32+ bytes (InvalidArgument otherwise). The server's
  // secret is audit.page_token_key_file, or else the audit HMAC key (the
  // distinct HKDF info makes the derived key independent of its other uses).
  static absl::StatusOr<PageTokenKey> Derive(absl::string_view secret);

  // A token for the page after `position` (non-empty), bound to `where`.
  // Internal only if OpenSSL fails (no randomness).
  absl::StatusOr<std::string> Seal(const PageScope& where, absl::string_view position) const;

  // The position sealed in `token`; empty for an empty token (the first
  // page). InvalidArgument "page_token: ..." if the token was not sealed by
  // this key for exactly `where`, or is malformed.
  absl::StatusOr<std::string> Open(absl::string_view token, const PageScope& where) const;

 private:
  PageTokenKey() = default;
  std::array<unsigned char, 32> key_{};
};

}  // namespace caselink::server
