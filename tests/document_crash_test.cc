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
#include "support/daemon_district.h"
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
  auto market = ca->IssueAgency("market");
  auto psb = ca->IssueAgency("psb");
  ASSERT_TRUE(market.ok() && psb.ok());
  auto files = WriteDaemonFiles(dir, *ca);
  ASSERT_TRUE(files.ok()) << files.status();
  Daemon daemon(CASELINKD_PATH, files->config, files->log);
  auto connect = [&](const KeyCert& kc) {
    ClientOptions o = DaemonClientOptions(*ca, kc, daemon.port());
    o.deadline = absl::Seconds(10);
    auto c = Client::Connect(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return std::move(*c);
  };

  ASSERT_TRUE(daemon.Start(files->port_file).ok()) << daemon.Log();
  std::string doc_id;
  std::string pdf = "%PDF-1.7\n";
  {
    std::mt19937 rng(11);
    while (pdf.size() < (6u << 20)) pdf.push_back(static_cast<char>(rng()));
    auto m = connect(*market);
    auto transfer = NewForwardTransfer(*m);
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

  ASSERT_TRUE(daemon.Start(files->port_file).ok()) << daemon.Log();
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
