#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "command.h"

namespace caselink::cli {
namespace {

absl::Status MissingOption(const char* flag, const char* env) {
  return absl::InvalidArgumentError(
      absl::StrCat("missing ", flag, " (or environment variable ", env, ")"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> CommandContext::Connect() const {
  if (globals.ca_file.empty()) return MissingOption("--ca", "CASELINK_CA");
  if (globals.cert_file.empty()) {
    return MissingOption("--cert", "CASELINK_CERT");
  }
  if (globals.key_file.empty()) return MissingOption("--key", "CASELINK_KEY");
  absl::StatusOr<ClientOptions> options =
      ClientOptions::FromFiles(globals.target, globals.ca_file,
                               globals.cert_file, globals.key_file);
  if (!options.ok()) return options.status();
  options->server_name_override = globals.server_name;
  options->deadline = absl::Seconds(globals.timeout_seconds);
  return Client::Connect(*options);
}

}  // namespace caselink::cli
