// LoadServerConfig holds the configuration to the field rules of
// annotations.proto: a negative number where none has a meaning, or a control
// character, is refused naming the field, not replaced by a default; fields
// that give negative values a meaning, and long paths, still load.
#include "server/server_config.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/temp_dir.h"

namespace caselink::server {
namespace {

using ::testing::HasSubstr;

constexpr char kRequired[] =
    "listen_address: \"127.0.0.1:0\" db_path: \"db\" policy_file: \"policy.textproto\" ";

class ServerConfigTest : public ::testing::Test {
 protected:
  // The required settings, `extra`, and `tls_extra` inside the tls block.
  absl::StatusOr<v1::ServerConfig> Load(const std::string& extra, const std::string& tls_extra = "") {
    const std::string path = dir_.Join("server.textproto");
    absl::Status written = testing::WriteFile(
        path, absl::StrCat(kRequired, "tls { cert_file: \"server.pem\" key_file: \"server.key\" "
                                      "client_ca_file: \"ca.pem\" ", tls_extra, " } ", extra));
    if (!written.ok()) return written;
    return LoadServerConfig(path);
  }
  testing::TempDir dir_;
};

TEST_F(ServerConfigTest, ANegativeLimitIsRefusedNamingTheField) {
  auto c = Load("limits { max_rows_examined_per_page: -1 }");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("server.textproto"));
  EXPECT_THAT(c.status().message(), HasSubstr("limits.max_rows_examined_per_page: must not be negative (got -1)"));
}

// The documents' limits take no hand-written check: the field rule refuses
// a negative one as it does any count.
TEST_F(ServerConfigTest, ANegativeDocumentLimitIsRefusedNamingTheField) {
  for (const char* field : {"max_file_bytes", "max_item_bytes", "max_draft_bytes_per_agency"}) {
    SCOPED_TRACE(field);
    auto c = Load(absl::StrCat("documents { ", field, ": -1 }"));
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(), HasSubstr(absl::StrCat("documents.", field, ": must not be negative (got -1)")));
  }
}

TEST_F(ServerConfigTest, ANegativePeriodIsRefused) {
  auto c = Load("workflow { police_decision { days: -3 } }");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("workflow.police_decision.days: must not be negative (got -3)"));
}

TEST_F(ServerConfigTest, AControlCharacterInAPathIsRefused) {
  auto c = Load("admin { backup_dir: \"/var/backups/\\001caselink\" }");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("admin.backup_dir"));
}

TEST_F(ServerConfigTest, NegativeValuesWithAMeaningLoad) {
  // crl_grace_hours < 0: no grace; reminder_working_days < 0: no reminders.
  auto c = Load("workflow { reminder_working_days: -5 }", "crl_grace_hours: -1");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->tls().crl_grace_hours(), -1);
  EXPECT_EQ(c->workflow().reminder_working_days(), -5);
}

TEST_F(ServerConfigTest, AnUnreadableFileSaysWhy) {
  auto missing = LoadServerConfig(dir_.Join("nope.textproto"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("No such file or directory"));
  auto directory = LoadServerConfig(dir_.path());
  EXPECT_EQ(directory.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(directory.status().message(), HasSubstr("it is a directory"));
}

// gRPC would take port 99999 modulo 2^16 and listen on 34463.
TEST_F(ServerConfigTest, AListenPortOutOfRangeIsRefused) {
  const std::string tls =
      "tls { cert_file: \"server.pem\" key_file: \"server.key\" client_ca_file: \"ca.pem\" } "
      "db_path: \"db\" policy_file: \"policy.textproto\" ";
  const std::string path = dir_.Join("server.textproto");
  for (const char* bad : {"127.0.0.1:99999", "127.0.0.1", "127.0.0.1:", "localhost:-1"}) {
    ASSERT_TRUE(testing::WriteFile(path, absl::StrCat("listen_address: \"", bad, "\" ", tls)).ok());
    auto c = LoadServerConfig(path);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(), HasSubstr(absl::StrCat("listen_address: '", bad, "'")));
  }
  for (const char* good : {"0.0.0.0:65535", "[::]:8443", "localhost:0", "unix:/run/caselink.sock"}) {
    ASSERT_TRUE(testing::WriteFile(path, absl::StrCat("listen_address: \"", good, "\" ", tls)).ok());
    auto c = LoadServerConfig(path);
    EXPECT_TRUE(c.ok()) << good << ": " << c.status();
  }
}

TEST_F(ServerConfigTest, ZeroStillMeansTheDefaultAndLongPathsLoad) {
  const std::string long_dir = "/srv/" + std::string(600, 'd');
  auto c = Load(absl::StrCat("limits { max_rows_examined_per_page: 0 } admin { backup_dir: \"", long_dir, "\" }"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->limits().max_rows_examined_per_page(), 10000);
  EXPECT_EQ(c->admin().backup_dir(), long_dir);
}

}  // namespace
}  // namespace caselink::server
