// server::Validate*: every malformed request is INVALID_ARGUMENT whose
// message starts with the path of the offending field in the request. Each
// request is checked as the server checks it: first the generic rules of the
// field annotations (ValidateRequestFields), then the RPC's own rules.
#include "server/core/request_validator.h"

#include "server/core/field_validator.h"

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The two steps of the server's check (ServeUnary, then the handler).
template <class Req, class... Args>
absl::Status Both(const Req& r, absl::Status (*specific)(const Req&, Args...), Args... args) {
  absl::Status s = ValidateRequestFields(r);
  return s.ok() ? specific(r, args...) : s;
}
absl::Status ServedSubmitCase(const v1::SubmitCaseRequest& r) { return Both(r, &ValidateSubmitCase); }
absl::Status ServedGetCase(const v1::GetCaseRequest& r) { return Both(r, &ValidateGetCase); }
absl::Status ServedListCases(const v1::ListCasesRequest& r, int max) {
  return Both<v1::ListCasesRequest, int>(r, &ValidateListCases, max);
}
absl::Status ServedListCaseVersions(const v1::ListCaseVersionsRequest& r) {
  return Both(r, &ValidateListCaseVersions);
}

void ExpectInvalid(const absl::Status& s, const std::string& field) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), StartsWith(field + ": ")) << s;
}

v1::SubmitCaseRequest ValidCreate() {
  v1::SubmitCaseRequest r;
  r.set_request_id("5f0c1c7e-2d7b-4a8e-9c3a-0e0d7b1e2f3a");
  v1::Case* c = r.mutable_case_();
  c->set_domain(v1::MARKET_ORDER);
  c->set_title("无照经营");
  c->set_status(v1::REGISTERED);
  v1::Person* p = c->add_parties()->mutable_person();
  p->set_name("张三");
  p->set_id_number("510105199001011237");
  p->set_phone("+86 138-1234-5678");
  v1::Organization* o = c->add_parties()->mutable_organization();
  o->set_name("某某公司");
  o->set_credit_code("91510181MA6C12341E");
  v1::PenaltyDecision* d = c->mutable_penalty();
  d->set_kind(v1::FINE);
  d->set_amount_fen(500000);
  d->set_decision_date("2024-02-29");
  return r;
}

v1::SubmitCaseRequest ValidUpdate() {
  v1::SubmitCaseRequest r = ValidCreate();
  r.mutable_case_()->set_case_id("C20240301-ABCDEFGHJKMN");
  r.set_expected_version(3);
  return r;
}

// Applies `edit` to a valid request and expects the error to name `field`.
void ExpectSubmitInvalid(const std::function<void(v1::SubmitCaseRequest&)>& edit,
                         const std::string& field, bool update = false) {
  v1::SubmitCaseRequest r = update ? ValidUpdate() : ValidCreate();
  edit(r);
  ExpectInvalid(ServedSubmitCase(r), field);
}

TEST(ValidateSubmitCaseTest, ValidRequestsPass) {
  EXPECT_TRUE(ServedSubmitCase(ValidCreate()).ok()) << ServedSubmitCase(ValidCreate());
  EXPECT_TRUE(ServedSubmitCase(ValidUpdate()).ok()) << ServedSubmitCase(ValidUpdate());
  v1::SubmitCaseRequest minimal;
  minimal.set_request_id("r1");
  minimal.mutable_case_()->set_domain(v1::OTHER_DOMAIN);
  minimal.mutable_case_()->set_title("t");
  minimal.mutable_case_()->set_status(v1::CLOSED);
  EXPECT_TRUE(ServedSubmitCase(minimal).ok()) << ServedSubmitCase(minimal);
}

TEST(ValidateSubmitCaseTest, RequestId) {
  ExpectSubmitInvalid([](auto& r) { r.clear_request_id(); }, "request_id");
  ExpectSubmitInvalid([](auto& r) { r.set_request_id("has space"); }, "request_id");
  ExpectSubmitInvalid([](auto& r) { r.set_request_id("请求1"); }, "request_id");
  ExpectSubmitInvalid([](auto& r) { r.set_request_id("a/b"); }, "request_id");
  ExpectSubmitInvalid([](auto& r) { r.set_request_id(std::string(129, 'a')); }, "request_id");
  v1::SubmitCaseRequest r = ValidCreate();
  r.set_request_id(std::string(128, 'a'));
  EXPECT_TRUE(ServedSubmitCase(r).ok());
  r.set_request_id("A-z_0.9:x");
  EXPECT_TRUE(ServedSubmitCase(r).ok());
}

TEST(ValidateSubmitCaseTest, CaseAndVersion) {
  ExpectSubmitInvalid([](auto& r) { r.clear_case_(); }, "case");
  ExpectSubmitInvalid([](auto& r) { r.set_expected_version(-1); }, "expected_version");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->set_case_id("C1"); }, "case.case_id");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->clear_case_id(); }, "case.case_id", true);
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->set_case_id("C1/../x"); }, "case.case_id",
                      true);
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->set_case_id(std::string(65, 'C')); },
                      "case.case_id", true);
}

TEST(ValidateSubmitCaseTest, CaseContent) {
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->clear_domain(); }, "case.domain");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->set_domain(static_cast<v1::Domain>(99)); },
                      "case.domain");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->clear_title(); }, "case.title");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->set_title(std::string(1001, 'x')); },
                      "case.title");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->set_facts(std::string(64 * 1024 + 1, 'x')); },
                      "case.facts");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->set_violation(std::string(4001, 'x')); },
                      "case.violation");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->set_legal_basis(std::string(4001, 'x')); },
                      "case.legal_basis");
  ExpectSubmitInvalid(
      [](auto& r) { r.mutable_case_()->set_agency_reference(std::string(201, 'x')); },
      "case.agency_reference");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->clear_status(); }, "case.status");
  ExpectSubmitInvalid(
      [](auto& r) { r.mutable_case_()->set_status(static_cast<v1::CaseStatus>(42)); },
      "case.status");
}

TEST(ValidateSubmitCaseTest, Parties) {
  ExpectSubmitInvalid(
      [](auto& r) { r.mutable_case_()->mutable_parties(0)->mutable_person()->clear_name(); },
      "case.parties[0].person.name");
  ExpectSubmitInvalid(
      [](auto& r) {
        r.mutable_case_()->mutable_parties(0)->mutable_person()->set_id_number("510105199001011234");
      },
      "case.parties[0].person.id_number");
  ExpectSubmitInvalid(
      [](auto& r) { r.mutable_case_()->mutable_parties(0)->mutable_person()->set_phone("138abc"); },
      "case.parties[0].person.phone");
  ExpectSubmitInvalid(
      [](auto& r) {
        r.mutable_case_()->mutable_parties(0)->mutable_person()->set_address(std::string(501, 'x'));
      },
      "case.parties[0].person.address");
  ExpectSubmitInvalid(
      [](auto& r) {
        r.mutable_case_()->mutable_parties(1)->mutable_organization()->set_credit_code(
            "91510181MA6C12341F");
      },
      "case.parties[1].organization.credit_code");
  ExpectSubmitInvalid(
      [](auto& r) { r.mutable_case_()->mutable_parties(1)->mutable_organization()->clear_name(); },
      "case.parties[1].organization.name");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->mutable_parties(1)->set_role(std::string(201, 'x')); },
                      "case.parties[1].role");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->add_parties()->set_role("受害人"); },
                      "case.parties[2]");
  ExpectSubmitInvalid(
      [](auto& r) {
        for (int i = 0; i < 99; ++i) r.mutable_case_()->add_parties()->mutable_person()->set_name("x");
      },
      "case.parties");
  // The error names the party's index.
  v1::SubmitCaseRequest r = ValidCreate();
  r.mutable_case_()->add_parties()->mutable_person()->set_name("王五");
  r.mutable_case_()->mutable_parties(2)->mutable_person()->set_id_number("123");
  ExpectInvalid(ServedSubmitCase(r), "case.parties[2].person.id_number");
  EXPECT_THAT(std::string(ServedSubmitCase(r).message()), HasSubstr("身份证号"));
}

TEST(ValidateSubmitCaseTest, Penalty) {
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->mutable_penalty()->set_amount_fen(-1); },
                      "case.penalty.amount_fen");
  ExpectSubmitInvalid(
      [](auto& r) { r.mutable_case_()->mutable_penalty()->set_kind(static_cast<v1::PenaltyKind>(77)); },
      "case.penalty.kind");
  ExpectSubmitInvalid(
      [](auto& r) { r.mutable_case_()->mutable_penalty()->set_decision_number(std::string(201, 'x')); },
      "case.penalty.decision_number");
  for (const char* bad : {"2024/02/29", "2024-13-01", "29-02-2024", "2024-2-9", "yesterday",
                          "2024-02-29T00:00:00"}) {
    ExpectSubmitInvalid(
        [&](auto& r) { r.mutable_case_()->mutable_penalty()->set_decision_date(bad); },
        "case.penalty.decision_date");
  }
  // No penalty kind yet is fine (the decision may come later).
  v1::SubmitCaseRequest r = ValidCreate();
  r.mutable_case_()->mutable_penalty()->clear_kind();
  EXPECT_TRUE(ServedSubmitCase(r).ok());
}

// Screening's fields (issue 17): several penalty kinds each once, 不予处罚
// alone, a real 立案日期, a provision naming its law, facts within bounds.
TEST(ValidateSubmitCaseTest, ScreeningFields) {
  v1::SubmitCaseRequest ok = ValidCreate();
  ok.mutable_case_()->mutable_penalty()->set_kind(v1::CONFISCATION);
  ok.mutable_case_()->mutable_penalty()->add_additional_kinds(v1::FINE);
  ok.mutable_case_()->set_register_date("2024-02-29");
  v1::LegalProvision* p = ok.mutable_case_()->add_legal_provisions();
  p->set_law("中华人民共和国产品质量法");
  p->set_article("第四十九条");
  ok.mutable_case_()->mutable_measured_facts()->set_sales_amount_fen(5000000);
  ok.mutable_case_()->mutable_measured_facts()->set_order_to_pay_ignored(true);
  EXPECT_TRUE(ServedSubmitCase(ok).ok()) << ServedSubmitCase(ok);

  ExpectSubmitInvalid([](auto& r) {
    r.mutable_case_()->mutable_penalty()->set_kind(v1::FINE);
    r.mutable_case_()->mutable_penalty()->add_additional_kinds(v1::FINE);
  }, "case.penalty.additional_kinds[0]");
  ExpectSubmitInvalid([](auto& r) {
    r.mutable_case_()->mutable_penalty()->set_kind(v1::NO_PENALTY);
    r.mutable_case_()->mutable_penalty()->add_additional_kinds(v1::FINE);
  }, "case.penalty.additional_kinds[0]");
  ExpectSubmitInvalid([](auto& r) {
    r.mutable_case_()->mutable_penalty()->set_kind(v1::FINE);
    r.mutable_case_()->mutable_penalty()->add_additional_kinds(v1::PENALTY_KIND_UNSPECIFIED);
  }, "case.penalty.additional_kinds[0]");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->set_register_date("2023-02-29"); }, "case.register_date");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->add_legal_provisions()->set_article("第五条"); },
                      "case.legal_provisions[0].law");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->mutable_measured_facts()->set_sales_amount_fen(-1); },
                      "case.measured_facts.sales_amount_fen");
  ExpectSubmitInvalid([](auto& r) { r.mutable_case_()->mutable_measured_facts()->set_months_unpaid(1201); },
                      "case.measured_facts.months_unpaid");
}

TEST(ValidateSubmitCaseTest, NonexistentDecisionDate) {
  v1::SubmitCaseRequest r = ValidCreate();
  r.mutable_case_()->mutable_penalty()->set_decision_date("2023-02-29");
  absl::Status s = ServedSubmitCase(r);
  if (s.ok()) {
    FAIL() << "regression: server/core/request_validator.cc ValidateDate accepts 2023-02-29";
  }
  ExpectInvalid(s, "case.penalty.decision_date");
}

// "0001-01-01" was refused as "not a real date" and "9999-12-31" stored: a
// placeholder is neither, and the message says which dates are taken.
TEST(ValidateSubmitCaseTest, DatesLieBetweenTheFoundingAndTheCenturysEnd) {
  for (const char* placeholder : {"0001-01-01", "1900-01-01", "1949-09-30", "2100-01-01", "9999-12-31"}) {
    v1::SubmitCaseRequest r = ValidCreate();
    r.mutable_case_()->mutable_penalty()->set_decision_date(placeholder);
    absl::Status s = ServedSubmitCase(r);
    ExpectInvalid(s, "case.penalty.decision_date");
    EXPECT_THAT(std::string(s.message()), HasSubstr("is outside 1949-10-01 to 2099-12-31")) << placeholder;
  }
  for (const char* real : {"1949-10-01", "1996-10-01", "2099-12-31"}) {
    v1::SubmitCaseRequest r = ValidCreate();
    r.mutable_case_()->mutable_penalty()->set_decision_date(real);
    EXPECT_TRUE(ServedSubmitCase(r).ok()) << real << ": " << ServedSubmitCase(r);
  }
}

TEST(ValidateGetCaseTest, Fields) {
  v1::GetCaseRequest r;
  r.set_case_id("C20240301-ABCDEFGHJKMN");
  r.set_purpose("核查");
  EXPECT_TRUE(ServedGetCase(r).ok());
  v1::GetCaseRequest bad = r;
  bad.clear_case_id();
  ExpectInvalid(ServedGetCase(bad), "case_id");
  bad = r;
  bad.set_case_id("C2024 0301");
  ExpectInvalid(ServedGetCase(bad), "case_id");
  bad = r;
  bad.set_version(-1);
  ExpectInvalid(ServedGetCase(bad), "version");
  bad = r;
  bad.set_purpose(std::string(1001, 'x'));
  ExpectInvalid(ServedGetCase(bad), "purpose");
  bad = r;
  bad.set_purpose_case_ref(std::string(201, 'x'));
  ExpectInvalid(ServedGetCase(bad), "purpose_case_ref");
}

TEST(ValidateListCasesTest, Fields) {
  v1::ListCasesRequest r;
  EXPECT_TRUE(ServedListCases(r, 500).ok());
  r.set_page_size(500);
  EXPECT_TRUE(ServedListCases(r, 500).ok());
  r.set_page_size(501);
  ExpectInvalid(ServedListCases(r, 500), "page_size");
  EXPECT_THAT(std::string(ServedListCases(r, 500).message()), HasSubstr("500"));
  r.set_page_size(20);
  ExpectInvalid(ServedListCases(r, 10), "page_size");
  r.set_page_size(-1);
  ExpectInvalid(ServedListCases(r, 500), "page_size");
  r.set_page_size(10);
  r.set_domain(static_cast<v1::Domain>(99));
  ExpectInvalid(ServedListCases(r, 500), "domain");
  r.set_domain(v1::WORK_SAFETY);
  r.set_page_token(std::string(2049, 'a'));
  ExpectInvalid(ServedListCases(r, 500), "page_token");
  r.clear_page_token();
  r.set_owner_agency(std::string(65, 'a'));
  ExpectInvalid(ServedListCases(r, 500), "owner_agency");
  r.clear_owner_agency();
  r.set_purpose(std::string(1001, 'x'));
  ExpectInvalid(ServedListCases(r, 500), "purpose");
}

TEST(ValidateListCaseVersionsTest, Fields) {
  v1::ListCaseVersionsRequest r;
  r.set_case_id("C20240301-ABCDEFGHJKMN");
  EXPECT_TRUE(ServedListCaseVersions(r).ok());
  v1::ListCaseVersionsRequest bad = r;
  bad.clear_case_id();
  ExpectInvalid(ServedListCaseVersions(bad), "case_id");
  bad = r;
  bad.set_purpose(std::string(1001, 'x'));
  ExpectInvalid(ServedListCaseVersions(bad), "purpose");
  bad = r;
  bad.set_purpose_case_ref(std::string(201, 'x'));
  ExpectInvalid(ServedListCaseVersions(bad), "purpose_case_ref");
}

TEST(SharedValidatorsTest, NameTheGivenField) {
  ExpectInvalid(ValidateCaseId("transfer.case_id", ""), "transfer.case_id");
  ExpectInvalid(ValidateCaseId("x.y", "bad id"), "x.y");
  EXPECT_TRUE(ValidateCaseId("x.y", "C20240301-ABCDEFGHJKMN").ok());
  ExpectInvalid(ValidatePurpose("q.purpose", std::string(1001, 'p')), "q.purpose");
  EXPECT_TRUE(ValidatePurpose("q.purpose", "").ok());
}

}  // namespace
}  // namespace caselink::server
