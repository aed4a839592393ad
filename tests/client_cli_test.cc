// The `caselink` binary (path in CASELINK_CLI_PATH): exit codes, one-line
// errors, JSON in and out, the derived request id, --all paging, env vars.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "client_test_util.h"

#ifndef CASELINK_CLI_PATH
#error "CASELINK_CLI_PATH must name the caselink binary"
#endif

namespace caselink {
namespace {

using ::caselink::client_testing::ClosedPort;
using ::caselink::client_testing::FakeServer;
using ::caselink::client_testing::MakeTestPki;
using ::caselink::client_testing::ScratchDir;
using ::caselink::client_testing::TestPki;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> err_lines() const {
    return absl::StrSplit(err, '\n', absl::SkipEmpty());
  }
};

std::string Quote(const std::string& s) {
  return "'" + absl::StrReplaceAll(s, {{"'", "'\\''"}}) + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliTest : public ::testing::Test {
 protected:
  static const TestPki& Pki() {
    static const TestPki* pki = new TestPki(MakeTestPki());
    return *pki;
  }

  void SetUp() override {
    ca_ = dir_.Write("ca.pem", Pki().ca_pem);
    cert_ = dir_.Write("agency.pem", Pki().client_cert_pem);
    key_ = dir_.Write("agency.key", Pki().client_key_pem);
  }

  // Runs the binary with `args` and `env` ("NAME=value" entries), with no
  // CASELINK_* variables inherited.
  RunResult Exec(const std::vector<std::string>& args,
           const std::vector<std::string>& env = {}) {
    std::string cmd = "env -u CASELINK_TARGET -u CASELINK_CA -u CASELINK_CERT"
                      " -u CASELINK_KEY -u CASELINK_TIMEOUT"
                      " -u CASELINK_SERVER_NAME";
    for (const auto& e : env) absl::StrAppend(&cmd, " ", Quote(e));
    absl::StrAppend(&cmd, " ", Quote(CASELINK_CLI_PATH));
    for (const auto& a : args) absl::StrAppend(&cmd, " ", Quote(a));
    std::string out = dir_.path() + "/stdout", err = dir_.path() + "/stderr";
    absl::StrAppend(&cmd, " >", Quote(out), " 2>", Quote(err), " </dev/null");
    int status = std::system(cmd.c_str());
    RunResult run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = Slurp(out);
    run.err = Slurp(err);
    return run;
  }

  // Global flags for `target` with the test PKI.
  std::vector<std::string> Globals(const std::string& target) {
    return {"--target", target, "--ca", ca_, "--cert", cert_, "--key", key_,
            "--timeout", "5"};
  }

  std::vector<std::string> With(std::vector<std::string> a,
                                const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  ScratchDir dir_;
  std::string ca_, cert_, key_;
};

TEST_F(CliTest, MissingJsonFileExits2WithOneLineNamingIt) {
  std::string missing = dir_.path() + "/no-such-case.json";
  RunResult r = Exec(With(Globals("127.0.0.1:1"), {"submit", missing}));
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_THAT(r.err, StartsWith("caselink: error: "));
  EXPECT_THAT(r.err, HasSubstr(missing));
  EXPECT_THAT(r.err, HasSubstr("No such file"));
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, MalformedJsonExits2NamingFileAndProblem) {
  std::string bad = dir_.Write("bad.json", "{\"title\": \"x\",\n");
  RunResult r = Exec(With(Globals("127.0.0.1:1"), {"submit", bad}));
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_THAT(r.err, StartsWith("caselink: error: "));
  EXPECT_THAT(r.err, HasSubstr(bad));
  EXPECT_THAT(r.err, HasSubstr("not a valid caselink.v1.Case"));
  EXPECT_THAT(r.err, HasSubstr("Unexpected end of string"));
}

TEST_F(CliTest, UnknownJsonFieldExits2NamingTheField) {
  std::string bad = dir_.Write("bad.json", R"({"titel": "x"})");
  RunResult r = Exec(With(Globals("127.0.0.1:1"), {"submit", bad}));
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr("titel"));
}

TEST_F(CliTest, UnreadableCertificateFileExits2NamingIt) {
  std::string missing = dir_.path() + "/gone.pem";
  RunResult r = Exec({"--target", "127.0.0.1:1", "--ca", ca_, "--cert", missing,
                "--key", key_, "get", "c1"});
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr(missing));
  EXPECT_THAT(r.err, HasSubstr("client certificate"));
}

TEST_F(CliTest, MissingCaOptionExits2NamingIt) {
  RunResult r = Exec({"--target", "127.0.0.1:1", "get", "c1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--ca"));
  EXPECT_THAT(r.err, HasSubstr("CASELINK_CA"));
}

TEST_F(CliTest, UsageErrorsExit2) {
  RunResult r = Exec({"get"});  // CASE_ID missing
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr("CASE_ID"));
  EXPECT_EQ(Exec({}).exit_code, 2);
  EXPECT_EQ(Exec({"frobnicate"}).exit_code, 2);
  r = Exec(With(Globals("127.0.0.1:1"), {"list", "--domain", "nope"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("WORK_SAFETY"));
}

TEST_F(CliTest, HelpExits0AndSaysWhatTheExitCodesMean) {
  RunResult r = Exec({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("submit"));
  EXPECT_THAT(r.out, HasSubstr("versions"));
  EXPECT_THAT(r.out, HasSubstr("Exit codes: 0 done; 1 the server or the network failed; 2 a bad command line"));
  EXPECT_THAT(r.out, HasSubstr("before the subcommand"));
}

// Another key than the certificate's: named before any call (exit 2), not
// "UNAVAILABLE: empty address list" after every retry (exit 1).
TEST_F(CliTest, AKeyThatIsNotTheCertificatesIsABadArgument) {
  const std::string other = dir_.Write("server.key", Pki().server_key_pem);
  RunResult r = Exec({"--target", "127.0.0.1:1", "--ca", ca_, "--cert", cert_, "--key", other, "get", "c1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("ClientOptions.key_pem is not the private key of the certificate in cert_pem"));
}

TEST_F(CliTest, UnreachableServerExits1WithCodeName) {
  std::string target = "127.0.0.1:" + std::to_string(ClosedPort());
  RunResult r = Exec(With(Globals(target), {"get", "c1"}));
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_THAT(r.err, StartsWith("caselink: error: UNAVAILABLE: "));
}

// A server of another CA: the handshake fails. gRPC's own log lines about it
// ("Handshake failed with fatal error SSL_ERROR_SSL ...") used to come before
// the CLI's one line; they say nothing a user acts on. GRPC_VERBOSITY set by
// the user brings them back.
TEST_F(CliTest, AFailedHandshakeIsOneLineOnStderr) {
  const TestPki other = MakeTestPki();
  FakeServer server(other);
  RunResult r = Exec(With(Globals(server.target()), {"get", "c1"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_THAT(r.err, StartsWith("caselink: error: UNAVAILABLE: "));
  RunResult verbose = Exec(With(Globals(server.target()), {"get", "c1"}), {"GRPC_VERBOSITY=ERROR"});
  EXPECT_EQ(verbose.exit_code, 1);
  EXPECT_GT(verbose.err_lines().size(), 1u) << "GRPC_VERBOSITY keeps gRPC's own lines";
}

TEST_F(CliTest, ServerErrorExits1WithCodeMessageAndTheServersRequestId) {
  FakeServer server(Pki());
  RunResult r = Exec(With(Globals(server.target()), {"get", "missing"}));
  EXPECT_EQ(r.exit_code, 1);
  // The request id is what the operator finds the call by in the server log.
  EXPECT_EQ(r.err, absl::StrCat("caselink: error: NOT_FOUND: no such case: missing (request id ",
                                client_testing::kFakeRequestId, ")\n"));
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, GetPrintsJsonWithProtoFieldNames) {
  FakeServer server(Pki());
  RunResult r = Exec(With(Globals(server.target()),
                    {"get", "c-5", "--version", "2", "--purpose", "joint check",
                     "--ref", "R-1"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"case_id\": \"c-5\""));
  EXPECT_THAT(r.out, HasSubstr("\"owner_agency\""));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("\"domain\"")));  // default
  v1::Case c;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &c).ok());
  EXPECT_EQ(c.version(), 2);
  auto gets = server.service().gets();
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].purpose(), "joint check");
  EXPECT_EQ(gets[0].purpose_case_ref(), "R-1");
}

TEST_F(CliTest, GlobalOptionsComeFromEnvironment) {
  FakeServer server(Pki());
  RunResult r = Exec({"versions", "c-3"},
               {"CASELINK_TARGET=" + server.target(), "CASELINK_CA=" + ca_,
                "CASELINK_CERT=" + cert_, "CASELINK_KEY=" + key_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::ListCaseVersionsResponse versions;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(r.out, &versions).ok());
  EXPECT_EQ(versions.versions_size(), 3);
}

TEST_F(CliTest, SubmitAcceptsCamelCaseAndDerivesAStableRequestId) {
  FakeServer server(Pki());
  std::string file = dir_.Write(
      "case.json",
      R"({"title": "t", "legalBasis": "art. 9", "agency_reference": "A-1",
          "domain": "WORK_SAFETY"})");
  RunResult first = Exec(With(Globals(server.target()), {"submit", file}));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  RunResult again = Exec(With(Globals(server.target()), {"submit", file}));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  RunResult v3 = Exec(With(Globals(server.target()),
                     {"submit", file, "--expected-version", "3"}));
  ASSERT_EQ(v3.exit_code, 0) << v3.err;
  RunResult own = Exec(With(Globals(server.target()),
                      {"submit", file, "--request-id", "mine-1"}));
  ASSERT_EQ(own.exit_code, 0) << own.err;

  auto submits = server.service().submits();
  ASSERT_EQ(submits.size(), 4u);
  EXPECT_EQ(submits[0].case_().legal_basis(), "art. 9");
  EXPECT_EQ(submits[0].case_().agency_reference(), "A-1");
  EXPECT_EQ(submits[0].case_().domain(), v1::WORK_SAFETY);
  EXPECT_THAT(submits[0].request_id(), MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(submits[1].request_id(), submits[0].request_id());
  EXPECT_NE(submits[2].request_id(), submits[0].request_id());
  EXPECT_EQ(submits[2].expected_version(), 3);
  EXPECT_EQ(submits[3].request_id(), "mine-1");
  EXPECT_THAT(again.out, HasSubstr("\"replayed\": true"));
  EXPECT_THAT(first.out, ::testing::Not(HasSubstr("replayed")));

  // Different content, different id.
  std::string other = dir_.Write("other.json", R"({"title": "u"})");
  ASSERT_EQ(Exec(With(Globals(server.target()), {"submit", other})).exit_code,
            0);
  EXPECT_NE(server.service().submits().back().request_id(),
            submits[0].request_id());
}

TEST_F(CliTest, ListAllFollowsPageTokens) {
  FakeServer server(Pki());
  server.service().list_total = 5;
  RunResult page = Exec(With(Globals(server.target()), {"list", "--page-size", "2"}));
  ASSERT_EQ(page.exit_code, 0) << page.err;
  v1::ListCasesResponse one;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(page.out, &one).ok());
  EXPECT_EQ(one.cases_size(), 2);
  EXPECT_EQ(one.next_page_token(), "2");

  RunResult all = Exec(
      With(Globals(server.target()), {"list", "--page-size", "2", "--all"}));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  v1::ListCasesResponse every;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(all.out, &every).ok());
  ASSERT_EQ(every.cases_size(), 5);
  EXPECT_EQ(every.cases(4).case_id(), "c5");
  EXPECT_EQ(every.next_page_token(), "");
}

TEST_F(CliTest, TextOutputIsOneLinePerCase) {
  FakeServer server(Pki());
  RunResult r = Exec(With(Globals(server.target()),
                    {"--output", "text", "versions", "c-8"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_THAT(lines[0], StartsWith("c-8\tv1\tagency-test\t"));
}

}  // namespace
}  // namespace caselink
