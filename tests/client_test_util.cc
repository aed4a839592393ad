#include "client_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

namespace caselink::client_testing {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL failed: ") + what);
}

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

KeyPtr NewKey() {
  KeyPtr key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  Check(key != nullptr, "EVP_EC_gen");
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr, "X509V3_EXT_conf_nid");
  Check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

// Issues a certificate for `key` named CN=`cn`, signed by issuer/issuer_key
// (self-signed when issuer is null).
CertPtr Issue(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key,
              bool is_ca, const std::string& san) {
  static long serial = 1;
  CertPtr cert(X509_new(), &X509_free);
  Check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1,
                             -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (is_ca) {
    AddExtension(cert.get(), signer, NID_basic_constraints,
                 "critical,CA:TRUE");
    AddExtension(cert.get(), signer, NID_key_usage,
                 "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(cert.get(), signer, NID_basic_constraints, "CA:FALSE");
    AddExtension(cert.get(), signer, NID_ext_key_usage,
                 "serverAuth,clientAuth");
  }
  if (!san.empty()) {
    AddExtension(cert.get(), signer, NID_subject_alt_name, san.c_str());
  }
  Check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0,
        "X509_sign");
  return cert;
}

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(PEM_write_bio_X509(bio, cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, n);
  BIO_free(bio);
  return pem;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr,
                                 nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, n);
  BIO_free(bio);
  return pem;
}

v1::Case MakeCase(const std::string& id, int64_t version) {
  v1::Case c;
  c.set_case_id(id);
  c.set_version(version);
  c.set_owner_agency("agency-test");
  c.set_title("title");
  return c;
}

}  // namespace

TestPki MakeTestPki(const std::string& server_only_name) {
  KeyPtr ca_key = NewKey(), server_key = NewKey(), client_key = NewKey();
  CertPtr ca = Issue(ca_key.get(), "caselink test CA", nullptr, nullptr,
                     /*is_ca=*/true, "");
  std::string san = server_only_name.empty()
                        ? "DNS:localhost,IP:127.0.0.1"
                        : "DNS:" + server_only_name;
  CertPtr server = Issue(server_key.get(), "caselink test server", ca.get(),
                         ca_key.get(), false, san);
  CertPtr client = Issue(client_key.get(), "agency-test", ca.get(),
                         ca_key.get(), false, "");
  TestPki pki;
  pki.ca_pem = CertPem(ca.get());
  pki.server_cert_pem = CertPem(server.get());
  pki.server_key_pem = KeyPem(server_key.get());
  pki.client_cert_pem = CertPem(client.get());
  pki.client_key_pem = KeyPem(client_key.get());
  return pki;
}

ClientOptions ClientOptionsFor(const TestPki& pki, const std::string& target) {
  ClientOptions o;
  o.target = target;
  o.ca_pem = pki.ca_pem;
  o.cert_pem = pki.client_cert_pem;
  o.key_pem = pki.client_key_pem;
  o.deadline = absl::Seconds(5);
  o.initial_backoff = absl::Milliseconds(10);
  return o;
}

int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("bind");
  }
  close(fd);  // never listened on: connections are refused
  return ntohs(addr.sin_port);
}

// --- FakeCaseService --------------------------------------------------------

grpc::Status FakeCaseService::Begin() {
  {
    absl::MutexLock lock(&mu_);
    ++calls_;
  }
  if (delay > absl::ZeroDuration()) {
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(delay));
  }
  int left = fail_next_calls.load();
  while (left > 0 && !fail_next_calls.compare_exchange_weak(left, left - 1)) {
  }
  if (left > 0) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "scripted failure");
  }
  return grpc::Status::OK;
}

std::vector<v1::SubmitCaseRequest> FakeCaseService::submits() const {
  absl::MutexLock lock(&mu_);
  return submits_;
}

std::vector<v1::GetCaseRequest> FakeCaseService::gets() const {
  absl::MutexLock lock(&mu_);
  return gets_;
}

int FakeCaseService::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

grpc::Status FakeCaseService::SubmitCase(grpc::ServerContext*,
                                         const v1::SubmitCaseRequest* request,
                                         v1::SubmitCaseResponse* response) {
  bool replayed = false;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& earlier : submits_) {
      if (earlier.request_id() == request->request_id()) replayed = true;
    }
    submits_.push_back(*request);
  }
  if (grpc::Status s = Begin(); !s.ok()) return s;
  *response->mutable_case_() = request->case_();
  if (response->case_().case_id().empty()) {
    response->mutable_case_()->set_case_id("c-new");
  }
  response->mutable_case_()->set_version(request->expected_version() + 1);
  response->mutable_case_()->set_owner_agency("agency-test");
  response->set_replayed(replayed);
  return grpc::Status::OK;
}

grpc::Status FakeCaseService::GetCase(grpc::ServerContext*,
                                      const v1::GetCaseRequest* request,
                                      v1::Case* response) {
  {
    absl::MutexLock lock(&mu_);
    gets_.push_back(*request);
  }
  if (grpc::Status s = Begin(); !s.ok()) return s;
  if (request->case_id() == "missing") {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "no such case: " + request->case_id());
  }
  *response = MakeCase(request->case_id(),
                       request->version() == 0 ? 7 : request->version());
  response->set_title(std::string(get_title_bytes.load(), 't'));
  return grpc::Status::OK;
}

grpc::Status FakeCaseService::ListCases(grpc::ServerContext*,
                                        const v1::ListCasesRequest* request,
                                        v1::ListCasesResponse* response) {
  if (grpc::Status s = Begin(); !s.ok()) return s;
  int page_size = request->page_size() == 0 ? 50 : request->page_size();
  int start = request->page_token().empty()
                  ? 0
                  : std::stoi(request->page_token());
  int total = list_total.load();
  int end = std::min(total, start + page_size);
  for (int i = start; i < end; ++i) {
    *response->add_cases() = MakeCase("c" + std::to_string(i + 1), 1);
  }
  if (end < total) response->set_next_page_token(std::to_string(end));
  return grpc::Status::OK;
}

grpc::Status FakeCaseService::ListCaseVersions(
    grpc::ServerContext*, const v1::ListCaseVersionsRequest* request,
    v1::ListCaseVersionsResponse* response) {
  if (grpc::Status s = Begin(); !s.ok()) return s;
  for (int v = 1; v <= 3; ++v) {
    *response->add_versions() = MakeCase(request->case_id(), v);
  }
  return grpc::Status::OK;
}

// --- FakeServer -------------------------------------------------------------

FakeServer::FakeServer(const TestPki& pki) {
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = pki.ca_pem;
  ssl.pem_key_cert_pairs.push_back({pki.server_key_pem, pki.server_cert_pem});
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl),
                           &port_);
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw std::runtime_error("FakeServer: no port");
}

FakeServer::~FakeServer() {
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::seconds(1));
}

// --- ScratchDir -------------------------------------------------------------

ScratchDir::ScratchDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "caselink-client-XXXXXX")
          .string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScratchDir::Write(const std::string& name,
                              const std::string& content) const {
  std::string full = path_ + "/" + name;
  std::ofstream out(full, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + full);
  return full;
}

}  // namespace caselink::client_testing
