// Status-propagation macros, because Debian's Abseil 20220623 ships no
// absl/status/status_macros.h. They return early from the enclosing function
// with the failed absl::Status; they never throw.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CASELINK_STATUS_CONCAT_INNER_(a, b) a##b
#define CASELINK_STATUS_CONCAT_(a, b) CASELINK_STATUS_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` (an absl::Status) is not OK.
#define CASELINK_RETURN_IF_ERROR(expr)                 \
  do {                                                 \
    ::absl::Status caselink_status_ = (expr);          \
    if (!caselink_status_.ok()) return caselink_status_; \
  } while (0)

// `lhs = value of rexpr` (an absl::StatusOr<T>), or returns its error.
//   CASELINK_ASSIGN_OR_RETURN(auto c, store.Get(id, 0));
#define CASELINK_ASSIGN_OR_RETURN(lhs, rexpr) \
  CASELINK_ASSIGN_OR_RETURN_IMPL_(            \
      CASELINK_STATUS_CONCAT_(caselink_statusor_, __LINE__), lhs, rexpr)

#define CASELINK_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()
