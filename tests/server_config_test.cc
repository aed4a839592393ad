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

TEST_F(ServerConfigTest, ZeroStillMeansTheDefaultAndLongPathsLoad) {
  const std::string long_dir = "/srv/" + std::string(600, 'd');
  auto c = Load(absl::StrCat("limits { max_rows_examined_per_page: 0 } admin { backup_dir: \"", long_dir, "\" }"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->limits().max_rows_examined_per_page(), 10000);
  EXPECT_EQ(c->admin().backup_dir(), long_dir);
}

}  // namespace
}  // namespace caselink::server
