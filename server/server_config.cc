#include "server/server_config.h"

#include "caselink_common/read_file.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "caselink_common/text_format_errors.h"
#include "absl/strings/str_join.h"
#include "workflow/screening_rules.h"
#include "auth/policy_loader.h"
#include "caselink/v1/audit.grpc.pb.h"
#include "server/core/field_validator.h"
#include "spdlog/spdlog.h"
#include "server/workflow/workflow_settings.h"
#include "auth/revocation.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace caselink::server {
namespace {

namespace fs = std::filesystem;

void Resolve(const fs::path& base, std::string* p) {
  if (p->empty()) return;
  fs::path path(*p);
  if (path.is_relative()) *p = (base / path).lexically_normal().string();
}

bool ReadFile(const std::string& path, std::string* out) { return ReadWholeFile(path, out); }

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

BioPtr MemBio(const std::string& s) {
  return BioPtr(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())), BIO_free);
}

void CheckTls(const v1::TlsConfig& tls, std::vector<std::string>* errors) {
  std::string cert_pem, key_pem, ca_pem;
  std::unique_ptr<X509, decltype(&X509_free)> cert(nullptr, X509_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(nullptr, EVP_PKEY_free);
  if (!ReadFile(tls.cert_file(), &cert_pem)) {
    errors->push_back(absl::StrCat(tls.cert_file(), ": cannot read the server certificate"));
  } else {
    cert.reset(PEM_read_bio_X509(MemBio(cert_pem).get(), nullptr, nullptr, nullptr));
    if (!cert) errors->push_back(absl::StrCat(tls.cert_file(), ": not a PEM certificate"));
    else if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0)
      errors->push_back(absl::StrCat(tls.cert_file(), ": the server certificate has expired"));
  }
  if (!ReadFile(tls.key_file(), &key_pem)) {
    errors->push_back(absl::StrCat(tls.key_file(), ": cannot read the server private key"));
  } else {
    key.reset(PEM_read_bio_PrivateKey(MemBio(key_pem).get(), nullptr, nullptr, nullptr));
    if (!key) errors->push_back(absl::StrCat(tls.key_file(), ": not a PEM private key"));
  }
  if (cert && key && X509_check_private_key(cert.get(), key.get()) != 1) {
    errors->push_back(absl::StrCat(tls.key_file(), ": does not match the certificate ", tls.cert_file()));
  }
  ERR_clear_error();
  if (!ReadFile(tls.client_ca_file(), &ca_pem)) {
    errors->push_back(absl::StrCat(tls.client_ca_file(), ": cannot read the client CA bundle"));
  } else {
    std::unique_ptr<X509, decltype(&X509_free)> ca(
        PEM_read_bio_X509(MemBio(ca_pem).get(), nullptr, nullptr, nullptr), X509_free);
    if (!ca) errors->push_back(absl::StrCat(tls.client_ca_file(), ": no PEM certificate in the client CA bundle"));
  }
  if (tls.crl_dir().empty()) {
    errors->push_back(
        "tls.crl_dir: is required (a directory holding a current CRL of every CA of tls.client_ca_file; "
        "without one, revoked certificates would be accepted)");
  } else if (!fs::is_directory(tls.crl_dir())) {
    errors->push_back(absl::StrCat(tls.crl_dir(), ": the CRL directory does not exist"));
  }
  ERR_clear_error();
  // Every client CA needs its CRL: names each CA (by subject) whose clients
  // would be refused, so a start is refused before serving anyone.
  auto revocation = auth::RevocationSnapshot::Load(tls.client_ca_file(), tls.crl_dir());
  if (revocation.ok() && !tls.crl_dir().empty()) {
    for (std::string& p : (*revocation)->Problems(absl::Now(), CrlGrace(tls))) errors->push_back(std::move(p));
  }
}

void CheckAdmin(const v1::AdminConfig& admin, std::vector<std::string>* errors) {
  if (admin.backup_dir().empty()) return;
  std::error_code ec;
  if (!fs::is_directory(admin.backup_dir(), ec)) {
    errors->push_back(absl::StrCat(admin.backup_dir(), ": admin.backup_dir does not exist or is not a directory"));
  } else if (access(admin.backup_dir().c_str(), W_OK | X_OK) != 0) {
    errors->push_back(absl::StrCat(admin.backup_dir(), ": admin.backup_dir is not writable by the server's user"));
  }
}

void CheckAudit(const v1::AuditConfig& audit, std::vector<std::string>* errors) {
  std::string hmac_key;
  if (audit.hmac_key_file().empty()) {
    errors->push_back(
        "audit.hmac_key_file: is required (a file of 32+ random bytes, the key under which the "
        "access log records party ids; make-certs.sh writes audit-hmac.key)");
  } else if (!ReadFile(audit.hmac_key_file(), &hmac_key)) {
    errors->push_back(absl::StrCat(audit.hmac_key_file(), ": cannot read the audit HMAC key"));
  } else if (hmac_key.size() < 32) {
    errors->push_back(absl::StrCat(audit.hmac_key_file(), ": the audit HMAC key has ", hmac_key.size(),
                                   " bytes; at least 32 random bytes are required"));
  }
  std::string page_token_secret;
  if (audit.page_token_key_file().empty()) {
    // Derived from the HMAC key (checked above).
  } else if (!ReadFile(audit.page_token_key_file(), &page_token_secret)) {
    errors->push_back(absl::StrCat(audit.page_token_key_file(), ": cannot read the page-token key"));
  } else if (page_token_secret.size() < 32) {
    errors->push_back(absl::StrCat(audit.page_token_key_file(), ": the page-token key has ",
                                   page_token_secret.size(), " bytes; at least 32 random bytes are required"));
  }
  std::string key_pem;
  if (!audit.signing_key_file().empty()) {
    if (!ReadFile(audit.signing_key_file(), &key_pem)) {
      errors->push_back(absl::StrCat(audit.signing_key_file(), ": cannot read the audit signing key"));
    } else {
      std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
          PEM_read_bio_PrivateKey(MemBio(key_pem).get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
      if (!key) errors->push_back(absl::StrCat(audit.signing_key_file(), ": not a PEM private key (audit signing key)"));
    }
  }
  ERR_clear_error();
}

}  // namespace

// gRPC takes "host:port" (or "unix:PATH"); a port above 65535 it would
// take modulo 2^16, so a typo would listen on some other port.
static absl::Status CheckListenAddress(const std::string& address) {
  if (absl::StartsWith(address, "unix:") || absl::StartsWith(address, "unix-abstract:")) return absl::OkStatus();
  const size_t colon = address.rfind(':');
  const std::string port = colon == std::string::npos ? "" : address.substr(colon + 1);
  uint32_t n = 0;
  if (port.empty() || !absl::SimpleAtoi(port, &n) || n > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("listen_address: '", address,
                                                   "' is not host:port with a port of 0-65535 (or unix:PATH)"));
  }
  return absl::OkStatus();
}

void WarnIfPolicyGrantsNothing(const std::string& path, const v1::Policy& policy) {
  if (policy.agencies().empty() || policy.rules().empty()) {
    spdlog::warn("policy {} has {} agencies and {} rules: every call will be refused (deny by default)", path,
                 policy.agencies_size(), policy.rules_size());
  }
  // The access log's answers are its entries, every agency's: a rule that
  // grants AuditService narrows nothing by rows or fields, and a district
  // that wrote them meaning to must be told.
  const std::string audit = std::string(v1::AuditService::service_full_name()) + "/";
  for (const v1::Rule& rule : policy.rules()) {
    if (!rule.has_rows() && rule.fields().empty()) continue;
    for (const std::string& rpc : rule.rpcs()) {
      if (rpc.rfind(audit, 0) != 0 && rpc != "*") continue;
      spdlog::warn("policy {}: rule '{}' grants {} with rows or fields, which narrow nothing there: an "
                   "AuditService answer is the access log's entries of every agency (docs/audit.md); grant it "
                   "only to whom may read the whole log",
                   path, rule.name(), rpc);
      break;
    }
  }
}

absl::StatusOr<v1::ServerConfig> LoadServerConfig(const std::string& path) {
  absl::StatusOr<std::string> read = ReadFileOr(path, "configuration");
  if (!read.ok()) return read.status();
  const std::string text = *std::move(read);
  v1::ServerConfig c;
  caselink::TextFormatErrors collector(path);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (!parser.ParseFromString(text, &c)) {
    return absl::InvalidArgumentError(absl::StrJoin(collector.errors, "\n"));
  }
  // The rules requests are held to (annotations.proto), so a negative limit
  // or a stray control character is named, not silently replaced by a default.
  if (std::vector<std::string> violations = AllFieldViolations(c); !violations.empty()) {
    for (std::string& v : violations) v = absl::StrCat(path, ": ", v);
    return absl::InvalidArgumentError(absl::StrJoin(violations, "\n"));
  }
  std::vector<std::string> missing;
  if (c.listen_address().empty()) missing.push_back("listen_address");
  if (c.db_path().empty()) missing.push_back("db_path");
  if (c.tls().cert_file().empty()) missing.push_back("tls.cert_file");
  if (c.tls().key_file().empty()) missing.push_back("tls.key_file");
  if (c.tls().client_ca_file().empty()) missing.push_back("tls.client_ca_file");
  if (c.policy_file().empty()) missing.push_back("policy_file");
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": missing required setting(s): ", absl::StrJoin(missing, ", ")));
  }
  if (absl::Status a = CheckListenAddress(c.listen_address()); !a.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", a.message()));
  }
  const fs::path base = fs::absolute(fs::path(path)).parent_path();
  Resolve(base, c.mutable_db_path());
  Resolve(base, c.mutable_policy_file());
  Resolve(base, c.mutable_port_file());
  Resolve(base, c.mutable_tls()->mutable_cert_file());
  Resolve(base, c.mutable_tls()->mutable_key_file());
  Resolve(base, c.mutable_tls()->mutable_client_ca_file());
  Resolve(base, c.mutable_tls()->mutable_crl_dir());
  Resolve(base, c.mutable_audit()->mutable_signing_key_file());
  Resolve(base, c.mutable_workflow()->mutable_calendar_file());
  Resolve(base, c.mutable_screening()->mutable_rules_file());
  Resolve(base, c.mutable_audit()->mutable_hmac_key_file());
  Resolve(base, c.mutable_audit()->mutable_page_token_key_file());
  Resolve(base, c.mutable_admin()->mutable_port_file());
  Resolve(base, c.mutable_admin()->mutable_backup_dir());
  if (c.admin().listen_address().empty()) c.mutable_admin()->set_listen_address("127.0.0.1:0");
  if (c.admin().cert_expiry_warning_days() <= 0) c.mutable_admin()->set_cert_expiry_warning_days(30);
  if (c.audit().signing_key_file().empty()) c.mutable_audit()->set_signing_key_file(c.tls().key_file());
  if (c.audit().checkpoint_every_entries() <= 0) c.mutable_audit()->set_checkpoint_every_entries(1000);
  if (c.audit().checkpoint_every_seconds() <= 0) c.mutable_audit()->set_checkpoint_every_seconds(60);
  if (c.tls().refresh_interval_seconds() <= 0) c.mutable_tls()->set_refresh_interval_seconds(60);
  if (c.tls().crl_grace_hours() == 0) c.mutable_tls()->set_crl_grace_hours(168);
  if (c.limits().max_receive_message_bytes() <= 0) c.mutable_limits()->set_max_receive_message_bytes(4 << 20);
  if (c.limits().max_page_size() <= 0) c.mutable_limits()->set_max_page_size(500);
  if (c.limits().max_rows_examined_per_page() <= 0) c.mutable_limits()->set_max_rows_examined_per_page(10000);
  if (c.limits().masked_searches_per_agency_per_hour() <= 0) {
    c.mutable_limits()->set_masked_searches_per_agency_per_hour(300);
  }
  if (c.limits().max_calls_in_flight_per_agency() <= 0) {
    c.mutable_limits()->set_max_calls_in_flight_per_agency(32);
  }
  return c;
}

absl::StatusOr<AuditKeys> LoadAuditKeys(const v1::ServerConfig& config) {
  AuditKeys keys;
  const std::string& key_file = config.audit().signing_key_file().empty() ? config.tls().key_file()
                                                                          : config.audit().signing_key_file();
  if (!ReadFile(key_file, &keys.signing_key_pem)) {
    return absl::NotFoundError(absl::StrCat(key_file, ": cannot read the audit signing key"));
  }
  if (!ReadFile(config.audit().hmac_key_file(), &keys.hmac_key) || keys.hmac_key.size() < 32) {
    return absl::InvalidArgumentError(
        absl::StrCat(config.audit().hmac_key_file(), ": the audit HMAC key must be 32+ bytes"));
  }
  const std::string& token_file = config.audit().page_token_key_file();
  if (token_file.empty()) {
    keys.page_token_secret = keys.hmac_key;
  } else if (!ReadFile(token_file, &keys.page_token_secret) || keys.page_token_secret.size() < 32) {
    return absl::InvalidArgumentError(absl::StrCat(token_file, ": the page-token key must be 32+ bytes"));
  }
  return keys;
}

absl::Duration CrlGrace(const v1::TlsConfig& tls) {
  if (tls.crl_grace_hours() == 0) return absl::Hours(168);
  return absl::Hours(std::max(tls.crl_grace_hours(), 0));
}

absl::Status CheckServerConfig(const v1::ServerConfig& config) {
  std::vector<std::string> errors;
  CheckTls(config.tls(), &errors);
  CheckAudit(config.audit(), &errors);
  CheckAdmin(config.admin(), &errors);
  auto policy = auth::LoadPolicyFile(config.policy_file());
  if (!policy.ok()) errors.emplace_back(policy.status().message());
  if (policy.ok()) WarnIfPolicyGrantsNothing(config.policy_file(), *policy);
  auto settings = LoadWorkflowSettings(config.workflow());
  if (!settings.ok()) errors.emplace_back(settings.status().message());
  if (!config.screening().rules_file().empty()) {
    auto rules = workflow::ScreeningRuleSet::Load(config.screening().rules_file());
    if (!rules.ok()) errors.emplace_back(rules.status().message());
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return absl::OkStatus();
}

}  // namespace caselink::server
