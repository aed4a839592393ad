#include "server/core/request_validator.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "caselink_common/status_macros.h"
#include "server/core/party_ids.h"

namespace caselink::server {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

absl::Status Required(absl::string_view field, absl::string_view value) {
  if (value.empty()) return Invalid(field, "is required");
  return absl::OkStatus();
}

absl::Status MaxLen(absl::string_view field, absl::string_view value, size_t max) {
  if (value.size() > max) {
    return Invalid(field, absl::StrCat("is ", value.size(), " bytes long; the limit is ", max));
  }
  return absl::OkStatus();
}

// Identifier-like strings: ids, request ids. Printable ASCII only, so they
// are safe in keys and log lines.
absl::Status Token(absl::string_view field, absl::string_view value, size_t max) {
  CASELINK_RETURN_IF_ERROR(Required(field, value));
  CASELINK_RETURN_IF_ERROR(MaxLen(field, value, max));
  for (char c : value) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return Invalid(field, "may contain only letters, digits and - _ . :");
  }
  return absl::OkStatus();
}

template <typename EnumValid>
absl::Status KnownEnum(absl::string_view field, int value, EnumValid valid, bool required) {
  if (!valid(value)) return Invalid(field, absl::StrCat("unknown value ", value));
  if (required && value == 0) return Invalid(field, "is required");
  return absl::OkStatus();
}

// The dates a case's record may carry: from the People's Republic's founding
// to the end of this century. "0001-01-01" or "9999-12-31" is a placeholder,
// not a date, and would sort before or after every real one.
constexpr char kFirstDate[] = "1949-10-01";
constexpr char kLastDate[] = "2099-12-31";

absl::Status ValidateDate(absl::string_view field, absl::string_view date) {
  if (date.empty()) return absl::OkStatus();
  absl::CivilDay day;
  if (date.size() != 10 || !absl::ParseCivilTime(date, &day)) {
    return Invalid(field, "must be a real date YYYY-MM-DD");
  }
  if (date < kFirstDate || date > kLastDate) {
    return Invalid(field, absl::StrCat(date, " is outside ", kFirstDate, " to ", kLastDate,
                                       "; leave it empty when there is none"));
  }
  // ParseCivilTime normalizes 2023-02-29 to March 1st: a round trip refuses it.
  if (absl::FormatCivilTime(day) != date) return Invalid(field, "must be a real date YYYY-MM-DD");
  return absl::OkStatus();
}

// Lengths, UTF-8, control characters, enum values and numeric bounds are
// field options checked by ValidateRequestFields (field_validator.h) before
// the handler runs; what remains here needs more than one field, a format
// (ids, dates) or a required value.
absl::Status ValidateParty(const v1::Party& p, const std::string& at) {
  switch (p.kind_case()) {
    case v1::Party::kPerson: {
      const v1::Person& x = p.person();
      CASELINK_RETURN_IF_ERROR(Required(at + ".person.name", x.name()));
      if (!x.id_number().empty() && !IsValidResidentId(x.id_number())) {
        return Invalid(at + ".person.id_number",
                       "is not a valid 身份证号 (18 characters, GB 11643 check digit)");
      }
      for (char c : x.phone()) {
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == ' ')) {
          return Invalid(at + ".person.phone", "may contain only digits, spaces, + and -");
        }
      }
      return absl::OkStatus();
    }
    case v1::Party::kOrganization: {
      const v1::Organization& o = p.organization();
      CASELINK_RETURN_IF_ERROR(Required(at + ".organization.name", o.name()));
      if (!o.credit_code().empty() && !IsValidCreditCode(o.credit_code())) {
        return Invalid(at + ".organization.credit_code",
                       "is not a valid 统一社会信用代码 (18 characters, GB 32100 check character)");
      }
      return absl::OkStatus();
    }
    default:
      return Invalid(at, "needs a person or an organization");
  }
}

absl::Status ValidateCaseContent(const v1::Case& c) {
  CASELINK_RETURN_IF_ERROR(KnownEnum("case.domain", c.domain(), v1::Domain_IsValid, true));
  CASELINK_RETURN_IF_ERROR(Required("case.title", c.title()));
  CASELINK_RETURN_IF_ERROR(KnownEnum("case.status", c.status(), v1::CaseStatus_IsValid, true));
  for (int i = 0; i < c.parties_size(); ++i) {
    CASELINK_RETURN_IF_ERROR(ValidateParty(c.parties(i), absl::StrCat("case.parties[", i, "]")));
  }
  if (c.has_penalty()) {
    const v1::PenaltyDecision& p = c.penalty();
    CASELINK_RETURN_IF_ERROR(ValidateDate("case.penalty.decision_date", p.decision_date()));
    // 没收违法所得并处罚款: several kinds, each once; 不予处罚 stands alone.
    std::vector<int> kinds = {p.kind()};
    for (int i = 0; i < p.additional_kinds_size(); ++i) {
      const std::string at = absl::StrCat("case.penalty.additional_kinds[", i, "]");
      const int k = p.additional_kinds(i);
      if (k == v1::PENALTY_KIND_UNSPECIFIED) return Invalid(at, "must name a kind");
      if (p.kind() == v1::PENALTY_KIND_UNSPECIFIED) return Invalid("case.penalty.kind", "is required with additional_kinds");
      if (std::find(kinds.begin(), kinds.end(), k) != kinds.end()) {
        return Invalid(at, absl::StrCat(v1::PenaltyKind_Name(static_cast<v1::PenaltyKind>(k)), " is named twice"));
      }
      if (k == v1::NO_PENALTY || p.kind() == v1::NO_PENALTY) {
        return Invalid(at, "NO_PENALTY (不予处罚) cannot be combined with a penalty");
      }
      kinds.push_back(k);
    }
  }
  CASELINK_RETURN_IF_ERROR(ValidateDate("case.register_date", c.register_date()));
  for (int i = 0; i < c.legal_provisions_size(); ++i) {
    CASELINK_RETURN_IF_ERROR(Required(absl::StrCat("case.legal_provisions[", i, "].law"), c.legal_provisions(i).law()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateCaseId(absl::string_view field, absl::string_view id) {
  return Token(field, id, 64);
}

absl::Status ValidatePurpose(absl::string_view field, absl::string_view purpose) {
  return MaxLen(field, purpose, 1000);
}

absl::Status ValidateRequestId(absl::string_view field, absl::string_view id) {
  return Token(field, id, 128);
}

absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t max) {
  return MaxLen(field, value, max);
}

absl::Status ValidateSubmitCase(const v1::SubmitCaseRequest& req) {
  CASELINK_RETURN_IF_ERROR(Token("request_id", req.request_id(), 128));
  if (!req.has_case_()) return Invalid("case", "is required");
  if (req.expected_version() == 0 && !req.case_().case_id().empty()) {
    return Invalid("case.case_id",
                   "must be empty when creating a case (expected_version 0); the server "
                   "assigns it. To submit a new version, set expected_version");
  }
  if (req.expected_version() > 0) {
    CASELINK_RETURN_IF_ERROR(ValidateCaseId("case.case_id", req.case_().case_id()));
  }
  return ValidateCaseContent(req.case_());
}

absl::Status ValidateSubmitCases(const v1::SubmitCasesRequest& req) {
  if (req.items().empty()) return Invalid("items", "must hold at least one SubmitCaseRequest");
  absl::flat_hash_set<absl::string_view> ids;
  for (int i = 0; i < req.items_size(); ++i) {
    if (!ids.insert(req.items(i).request_id()).second) {
      return Invalid(absl::StrCat("items[", i, "].request_id"),
                     absl::StrCat("'", req.items(i).request_id(),
                                  "' is used by an earlier item of this batch; each item needs "
                                  "its own request_id"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateGetCase(const v1::GetCaseRequest& req) {
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("case_id", req.case_id()));
  return absl::OkStatus();
}

absl::Status ValidateListCases(const v1::ListCasesRequest& req, int max_page_size) {
  if (req.page_size() < 0 || req.page_size() > max_page_size) {
    return Invalid("page_size", absl::StrCat("must be between 1 and ", max_page_size,
                                             " (0 means the default, 50)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateListCaseVersions(const v1::ListCaseVersionsRequest& req) {
  return ValidateCaseId("case_id", req.case_id());
}

absl::Status ValidateSearchCases(const v1::SearchCasesRequest& req, int max_page_size) {
  if (req.party_id().empty() && req.party_name().empty() && req.owner_agency().empty() &&
      req.domain() == v1::DOMAIN_UNSPECIFIED && req.status() == v1::CASE_STATUS_UNSPECIFIED &&
      !req.major_only() && req.decided_from().empty() && req.decided_to().empty()) {
    return Invalid("party_id", "give at least one filter (party_id, party_name, owner_agency, "
                               "domain, status, major_only, decided_from/decided_to); use ListCases "
                               "to list everything");
  }
  if (!req.party_id().empty()) {
    const std::string id = absl::AsciiStrToUpper(req.party_id());
    if (!IsValidResidentId(id) && !IsValidCreditCode(id)) {
      return Invalid("party_id",
                     "is neither a valid 身份证号 (GB 11643 check digit) nor a valid "
                     "统一社会信用代码 (GB 32100 check character)");
    }
    if (req.purpose().empty()) {
      return Invalid("purpose", "is required (查询事由) to search by party_id; say why you search");
    }
  }
  CASELINK_RETURN_IF_ERROR(ValidateDate("decided_from", req.decided_from()));
  CASELINK_RETURN_IF_ERROR(ValidateDate("decided_to", req.decided_to()));
  if (!req.decided_from().empty() && !req.decided_to().empty() && req.decided_from() > req.decided_to()) {
    return Invalid("decided_from", "is after decided_to");
  }
  if (req.page_size() < 0 || req.page_size() > max_page_size) {
    return Invalid("page_size", absl::StrCat("must be between 1 and ", max_page_size,
                                             " (0 means the default, 50)"));
  }
  return absl::OkStatus();
}

}  // namespace caselink::server
