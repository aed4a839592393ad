// A document download interrupted by a kill -9 of caselinkd resumes from
// the bytes already received once the server is back, and the acknowledged
// upload is intact: the real server as a child process (Daemon), the real
// client library (DownloadDocumentFile's .part file).
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "caselink/client.h"
#include "gtest/gtest.h"
#include "support/daemon.h"
#include "support/temp_dir.h"
#include "support/test_district.h"
#include "support/test_pki.h"

namespace caselink::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DocumentCrashTest, ADownloadResumesAfterKill9AndTheUploadIsIntact) {
  TempDir dir;
  auto ca = TestCa::Create("document crash CA");
  ASSERT_TRUE(ca.ok());
  auto server = ca->IssueServer();
  auto market = ca->IssueAgency("market");
  auto psb = ca->IssueAgency("psb");
  ASSERT_TRUE(server.ok() && market.ok() && psb.ok());
  ASSERT_TRUE(WriteFile(dir.Join("server.pem"), server->cert_pem).ok());
  ASSERT_TRUE(WriteFile(dir.Join("server.key"), server->key_pem).ok());
  ASSERT_TRUE(WriteFile(dir.Join("ca.pem"), ca->cert_pem()).ok());
  std::filesystem::create_directories(dir.Join("crl"));
  ASSERT_TRUE(ca->WriteCrlToDir(dir.Join("crl"), {}).ok());
  ASSERT_TRUE(WriteFile(dir.Join("policy.textproto"), TestDistrict::ExamplePolicyText()).ok());
  ASSERT_TRUE(WriteFile(dir.Join("server.textproto"),
                        "listen_address: \"127.0.0.1:0\" db_path: \"db\" port_file: \"port\" "
                        "policy_file: \"policy.textproto\" "
                        "tls { cert_file: \"server.pem\" key_file: \"server.key\" "
                        "client_ca_file: \"ca.pem\" crl_dir: \"crl\" }" + *WriteAuditConfig(dir.path()))
                  .ok());
  Daemon daemon(CASELINKD_PATH, dir.Join("server.textproto"), dir.Join("server.log"));
  auto connect = [&](const KeyCert& kc) {
    ClientOptions o;
    o.target = absl::StrCat("127.0.0.1:", daemon.port());
    o.ca_pem = ca->cert_pem();
    o.cert_pem = kc.cert_pem;
    o.key_pem = kc.key_pem;
    o.server_name_override = "localhost";
    o.deadline = absl::Seconds(10);
    auto c = Client::Connect(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return std::move(*c);
  };

  ASSERT_TRUE(daemon.Start(dir.Join("port")).ok()) << daemon.Log();
  std::string doc_id;
  std::string pdf = "%PDF-1.7\n";
  {
    std::mt19937 rng(11);
    while (pdf.size() < (6u << 20)) pdf.push_back(static_cast<char>(rng()));
    auto m = connect(*market);
    auto c = m->SubmitCase(SampleCase());
    ASSERT_TRUE(c.ok()) << c.status();
    v1::CreateTransferRequest t;
    t.set_direction(v1::TRANSFER_FORWARD);
    t.set_receiver_agency("psb");
    t.set_case_id(c->case_().case_id());
    t.set_subject("涉嫌生产、销售伪劣产品罪");
    AddTransferMaterials(&t);
    auto transfer = m->CreateTransfer(t);
    ASSERT_TRUE(transfer.ok()) << transfer.status();
    ASSERT_TRUE(WriteFile(dir.Join("移送书.pdf"), pdf).ok());
    v1::UploadHeader h;
    h.set_item_id(transfer->transfer().id());
    h.set_kind(v1::MATERIAL_TRANSFER_LETTER);
    auto up = m->UploadDocumentFile(h, dir.Join("移送书.pdf"));
    ASSERT_TRUE(up.ok()) << up.status();
    doc_id = up->document().id();
  }

  // psb starts downloading; the server is killed once 2 MiB have arrived.
  const std::string target = dir.Join("psb-移送书.pdf");
  v1::DownloadDocumentRequest req;
  req.set_id(doc_id);
  req.set_purpose("审查移送材料");
  {
    auto p = connect(*psb);
    bool killed = false;
    auto broken = p->DownloadDocumentFile(req, target, [&](int64_t done, int64_t) {
      if (!killed && done >= (2 << 20)) {
        daemon.Kill();
        killed = true;
      }
    });
    ASSERT_TRUE(killed);
    ASSERT_FALSE(broken.ok()) << "the download cannot finish once the server is gone";
  }
  const int64_t have = static_cast<int64_t>(std::filesystem::file_size(target + ".part"));
  ASSERT_GE(have, 2 << 20);
  ASSERT_LT(have, static_cast<int64_t>(pdf.size()));

  ASSERT_TRUE(daemon.Start(dir.Join("port")).ok()) << daemon.Log();
  auto p = connect(*psb);
  int64_t first = -1;
  auto resumed = p->DownloadDocumentFile(req, target, [&](int64_t done, int64_t) {
    if (first < 0) first = done;
  });
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_GT(first, have) << "resumed from the .part file, not from 0";
  EXPECT_TRUE(Slurp(target) == pdf) << "the file is the uploaded one, byte for byte";
  EXPECT_EQ(daemon.Terminate(), 0);
}

}  // namespace
}  // namespace caselink::testing
