// `caselink-admin revoke`: installs the CA's new CRL into the server's CRL
// directory, so the running server refuses the revoked certificates at their
// next TLS handshake (crl_install.h says how and what it checks first).
#include <iostream>
#include <memory>

#include "absl/strings/str_join.h"
#include "server/tools/commands.h"
#include "server/tools/crl_install.h"
#include "server/tools/tool_io.h"

namespace caselink::admin_tool {
namespace {

int RunRevoke(const CrlInstallRequest& req) {
  auto result = InstallCrl(req);
  if (!result.ok()) return ReportError(result.status());
  std::cout << "installed " << result->installed_path << " (issuer " << result->issuer << ", "
            << result->revoked_serials.size() << " revoked: "
            << absl::StrJoin(result->revoked_serials, ", ") << ")\n"
            << "effective at each revoked client's next TLS handshake; no restart needed" << std::endl;
  return kExitOk;
}

}  // namespace

void AddRevokeCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<CrlInstallRequest>();
  CLI::App* revoke = app.add_subcommand(
      "revoke", "Install your CA's new CRL so the running server refuses the revoked "
                "certificates at their next handshake");
  revoke->add_option("--crl", args->crl_file, "The new CRL (PEM or DER) your CA generated")->required();
  revoke->add_option("--crl-dir", args->crl_dir, "The server's tls.crl_dir")->required();
  revoke->add_option("--client-ca", args->client_ca_file,
                     "The server's tls.client_ca_file: the CRL must be signed by one of its CAs");
  revoke->add_option("--cert", args->must_revoke_cert_files,
                     "Certificate(s) being revoked: refuse unless the CRL revokes each");
  revoke->callback([action, args] { *action = [args] { return RunRevoke(*args); }; });
}

}  // namespace caselink::admin_tool
