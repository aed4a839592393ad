// The server's request id reaches the caller: every refused call's
// absl::Status from the real client library carries it (caselink::RequestIdOf),
// and it is the id the real server wrote in its log line for that call, so an
// integrator quoting it points the operator at the right line. One call per
// wrapped service family (cases, audit, workflow), each with its own stub.
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "caselink/status_details.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using ::testing::MatchesRegex;

class RequestIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
    // The server's log: refusals are logged at info, one line per call.
    previous_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    sink->set_pattern("%v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    spdlog::set_level(spdlog::level::info);
  }
  void TearDown() override {
    district_.reset();
    spdlog::set_default_logger(previous_);
    spdlog::set_level(spdlog::level::warn);
  }

  // The request_id of the server's log line for the call of `rpc` (a
  // suffix of the method name) that ended with `code`; empty if none.
  std::string LoggedRequestId(const std::string& rpc, const std::string& code) {
    std::istringstream lines(log_.str());
    std::string line, found;
    for (std::string l; std::getline(lines, l);) {
      if (l.find("rpc=") == std::string::npos || l.find(absl::StrCat(rpc, " ")) == std::string::npos ||
          l.find(absl::StrCat("code=", code, " ")) == std::string::npos) {
        continue;
      }
      const size_t at = l.find("request_id=");
      if (at == std::string::npos) continue;
      const size_t begin = at + std::string("request_id=").size();
      found = l.substr(begin, l.find(' ', begin) - begin);
    }
    return found;
  }

  void ExpectTheLoggedId(const absl::Status& status, const std::string& rpc, const std::string& code) {
    ASSERT_FALSE(status.ok());
    std::optional<std::string> id = RequestIdOf(status);
    ASSERT_TRUE(id.has_value()) << status;
    EXPECT_THAT(*id, MatchesRegex("[0-9a-f]{16}"));
    EXPECT_EQ(*id, LoggedRequestId(rpc, code)) << log_.str();
  }

  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_;
  std::unique_ptr<TestDistrict> district_;
};

TEST_F(RequestIdTest, ANotFoundCarriesTheIdTheServerLogged) {
  v1::GetCaseRequest req;
  req.set_case_id("c-does-not-exist");
  req.set_purpose("request id test");
  auto got = district_->As("psb").GetCase(req);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kNotFound) << got.status();
  ExpectTheLoggedId(got.status(), "/GetCase", "NOT_FOUND");
}

TEST_F(RequestIdTest, APolicyRefusalCarriesTheIdTheServerLogged) {
  // The access log is for supervising agencies only.
  v1::WhoReadRequest req;
  req.set_case_id("c-1");
  req.set_purpose("request id test");
  auto got = district_->As("market").WhoRead(req);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied) << got.status();
  ExpectTheLoggedId(got.status(), "/WhoRead", "PERMISSION_DENIED");
}

TEST_F(RequestIdTest, AWorkflowErrorCarriesTheIdTheServerLogged) {
  v1::GetItemRequest req;
  req.set_id("t-does-not-exist");
  auto got = district_->As("psb").GetTransfer(req);
  ASSERT_FALSE(got.ok());
  ExpectTheLoggedId(got.status(), "/GetTransfer", absl::StatusCodeToString(got.status().code()));
}

// The operator's log outlives the call outside the database: an identity
// number a caller asks for as a case id reaches it masked, as in the
// access log, while the caller's own answer still quotes what it sent.
TEST_F(RequestIdTest, AnIdentityNumberAskedForIsMaskedInTheServersLogLine) {
  v1::GetCaseRequest req;
  req.set_case_id("510181198503121235");
  req.set_purpose("request id test");
  auto got = district_->As("psb").GetCase(req);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kNotFound) << got.status();
  ExpectTheLoggedId(got.status(), "/GetCase", "NOT_FOUND");
  EXPECT_THAT(log_.str(), ::testing::HasSubstr("msg=\"case '510***********1235' not found\""));
  EXPECT_THAT(log_.str(), ::testing::Not(::testing::HasSubstr("51018119850312"))) << log_.str();
}

TEST_F(RequestIdTest, EachCallHasItsOwnId) {
  v1::GetCaseRequest req;
  req.set_case_id("c-does-not-exist");
  req.set_purpose("request id test");
  auto first = district_->As("psb").GetCase(req);
  auto second = district_->As("psb").GetCase(req);
  ASSERT_TRUE(RequestIdOf(first.status()).has_value());
  ASSERT_TRUE(RequestIdOf(second.status()).has_value());
  EXPECT_NE(*RequestIdOf(first.status()), *RequestIdOf(second.status()));
}

}  // namespace
}  // namespace caselink::testing
