#include "support/daemon_district.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "support/test_district.h"

namespace caselink::testing {

absl::StatusOr<DaemonFiles> WriteDaemonFiles(const TempDir& dir, TestCa& ca, const std::string& extra_config) {
  CASELINK_ASSIGN_OR_RETURN(KeyCert server, ca.IssueServer());
  CASELINK_RETURN_IF_ERROR(WriteFile(dir.Join("server.pem"), server.cert_pem));
  CASELINK_RETURN_IF_ERROR(WriteFile(dir.Join("server.key"), server.key_pem));
  CASELINK_RETURN_IF_ERROR(WriteFile(dir.Join("ca.pem"), ca.cert_pem()));
  std::error_code ec;
  std::filesystem::create_directories(dir.Join("crl"), ec);
  CASELINK_RETURN_IF_ERROR(ca.WriteCrlToDir(dir.Join("crl"), {}));
  CASELINK_RETURN_IF_ERROR(WriteFile(dir.Join("policy.textproto"), TestDistrict::ExamplePolicyText()));
  CASELINK_ASSIGN_OR_RETURN(std::string audit, WriteAuditConfig(dir.path()));
  DaemonFiles f{dir.Join("server.textproto"), dir.Join("port"), dir.Join("server.log")};
  CASELINK_RETURN_IF_ERROR(WriteFile(
      f.config, absl::StrCat("listen_address: \"127.0.0.1:0\" db_path: \"db\" port_file: \"port\" "
                             "policy_file: \"policy.textproto\" "
                             "tls { cert_file: \"server.pem\" key_file: \"server.key\" "
                             "client_ca_file: \"ca.pem\" crl_dir: \"crl\" } ",
                             extra_config, audit)));
  return f;
}

ClientOptions DaemonClientOptions(const TestCa& ca, const KeyCert& agency, int port) {
  ClientOptions o;
  o.target = absl::StrCat("127.0.0.1:", port);
  o.ca_pem = ca.cert_pem();
  o.cert_pem = agency.cert_pem;
  o.key_pem = agency.key_pem;
  o.server_name_override = "localhost";
  return o;
}

}  // namespace caselink::testing
