#include "caselink/client_options.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "caselink_common/read_file.h"
#include "tls_material.h"

namespace caselink {
namespace {

// Reads a whole file. `what` names the option it is for, for the message.
absl::StatusOr<std::string> ReadPemFile(absl::string_view what,
                                        absl::string_view path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no file given for the ", what));
  }
  absl::StatusOr<std::string> content = ReadFileOr(path, what);
  if (!content.ok()) return content.status();
  if (content->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " file \"", path, "\" is empty"));
  }
  return *std::move(content);
}

absl::Status CheckPem(absl::string_view option, absl::string_view pem) {
  if (pem.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ClientOptions.", option, " is empty"));
  }
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat("ClientOptions.", option, " is not PEM"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ClientOptions> ClientOptions::FromFiles(
    absl::string_view target, absl::string_view ca_file,
    absl::string_view cert_file, absl::string_view key_file) {
  ClientOptions options;
  options.target = std::string(target);
  absl::StatusOr<std::string> ca = ReadPemFile("CA certificate", ca_file);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert =
      ReadPemFile("client certificate", cert_file);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPemFile("client key", key_file);
  if (!key.ok()) return key.status();
  options.ca_pem = *std::move(ca);
  options.cert_pem = *std::move(cert);
  options.key_pem = *std::move(key);
  return options;
}

absl::Status ClientOptions::Validate() const {
  if (target.empty()) {
    return absl::InvalidArgumentError("ClientOptions.target is empty");
  }
  if (absl::Status s = CheckPem("ca_pem", ca_pem); !s.ok()) return s;
  if (absl::Status s = CheckPem("cert_pem", cert_pem); !s.ok()) return s;
  if (absl::Status s = CheckPem("key_pem", key_pem); !s.ok()) return s;
  if (absl::Status s = client_internal::CheckTlsMaterial(ca_pem, cert_pem, key_pem); !s.ok()) return s;
  if (deadline <= absl::ZeroDuration() || deadline == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        "ClientOptions.deadline must be positive and finite");
  }
  if (max_attempts < 1) {
    return absl::InvalidArgumentError(
        "ClientOptions.max_attempts must be at least 1");
  }
  if (initial_backoff <= absl::ZeroDuration() ||
      initial_backoff == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        "ClientOptions.initial_backoff must be positive and finite");
  }
  if (max_receive_message_bytes <= 0) {
    return absl::InvalidArgumentError(
        "ClientOptions.max_receive_message_bytes must be positive");
  }
  return absl::OkStatus();
}

}  // namespace caselink
