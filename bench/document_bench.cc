// document_bench: what a 64 MiB document costs the server (issue 16). In one
// run: the real caselinkd as a child process (generated PKI, example policy,
// RocksDB in a temp dir), where market uploads a file to a forward transfer
// and psb downloads it, both through the real client library and files on
// disk; and two baselines in the same run: a bare gRPC stream of the same
// file's bytes over the same mutual TLS into a server that drops them
// (echo_server.h's Sink: the transport alone), and a raw RocksDB with the same
// blob settings writing the same bytes in 256 KiB chunks, synced at the end.
// It prints the throughput of each, their ratio, and the server process's
// resident memory before and at its peak during each transfer (its
// /proc/<pid>/status VmRSS, sampled every 5 ms).
//
//   document_bench --mib 64 --rounds 3
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "storage/document_store.h"
#include "caselink/client.h"
#include "echo.grpc.pb.h"
#include "echo_server.h"
#include "mtls_channel.h"
#include "support/daemon.h"
#include "support/daemon_district.h"
#include "support/temp_dir.h"
#include "support/test_district.h"
#include "support/test_pki.h"

namespace {

using caselink::testing::TestDistrict;

pid_t g_server = 0;

double RssMiB() {
  std::ifstream in(absl::StrCat("/proc/", g_server, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

// Runs `fn` while sampling the RSS; returns seconds taken, sets the peak.
template <class Fn>
double Measured(Fn fn, double* peak_mib) {
  std::atomic<bool> done{false};
  std::atomic<double> peak{RssMiB()};
  std::thread sampler([&] {
    while (!done) {
      const double r = RssMiB();
      if (r > peak) peak = r;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  done = true;
  sampler.join();
  *peak_mib = peak;
  return s;
}

std::string MakeFile(const std::string& path, size_t bytes, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::ofstream out(path, std::ios::binary);
  const std::string head = "%PDF-1.7\n";
  out << head;
  std::string block(1 << 20, '\0');
  size_t written = head.size();
  while (written < bytes) {
    for (size_t i = 0; i + 8 <= block.size(); i += 8) {
      const uint64_t v = rng();
      std::memcpy(&block[i], &v, 8);
    }
    const size_t n = std::min(block.size(), bytes - written);
    out.write(block.data(), static_cast<std::streamsize>(n));
    written += n;
  }
  return path;
}

// The same bytes into a raw RocksDB column family with the server's blob
// settings, 1 MiB a put, the last put synced (as the document's commit).
double RawBlobWrite(const std::string& dir, const std::string& file) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.enable_blob_files = true;
  o.min_blob_size = 64 << 10;
  o.blob_file_size = 256 << 20;
  o.enable_blob_garbage_collection = true;
  o.write_buffer_size = 1 << 20;  // as the server's document_blobs (storage/database.cc)
  o.max_write_buffer_number = 2;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(o, dir, &raw).ok()) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  std::ifstream in(file, std::ios::binary);
  std::string chunk(caselink::storage::DocumentStore::kChunkBytes, '\0');
  const auto t0 = std::chrono::steady_clock::now();
  uint32_t i = 0;
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    rocksdb::WriteOptions w;
    w.sync = in.peek() == EOF;
    db->Put(w, absl::StrCat("blob", i++), rocksdb::Slice(chunk.data(), static_cast<size_t>(in.gcount())));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The file streamed in 256 KiB messages (as the client library uploads)
// over `channel` into the echo server's Sink.
double BareStream(const std::shared_ptr<grpc::Channel>& channel, const std::string& file) {
  auto stub = caselink::bench::Echo::NewStub(channel);
  grpc::ClientContext ctx;
  caselink::bench::SinkResponse resp;
  const auto t0 = std::chrono::steady_clock::now();
  auto writer = stub->Sink(&ctx, &resp);
  std::ifstream in(file, std::ios::binary);
  std::string buf(256 << 10, '\0');
  caselink::bench::SinkRequest msg;
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
    msg.set_chunk(buf.data(), static_cast<size_t>(in.gcount()));
    if (!writer->Write(msg)) break;
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok()) std::fprintf(stderr, "bare stream: %s\n", s.error_message().c_str());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"document_bench: upload and download of a large document vs a raw RocksDB blob write"};
  int mib = 64;
  int rounds = 3;
  app.add_option("--mib", mib, "File size in MiB (default 64)");
  app.add_option("--rounds", rounds, "Rounds of upload + download + baseline (default 3)");
  CLI11_PARSE(app, argc, argv);

  // The server as an operator runs it: its own process, so its memory is its own.
  caselink::testing::TempDir dir;
  auto ca = caselink::testing::TestCa::Create("document bench CA");
  auto market = ca->IssueAgency("market");
  auto psb = ca->IssueAgency("psb");
  auto files = caselink::testing::WriteDaemonFiles(
      dir, *ca,
      absl::StrCat("documents { max_file_bytes: ", int64_t{mib + 1} << 20, " max_item_bytes: ",
                   (int64_t{mib + 1} << 20) * (rounds + 1), " } "));
  if (!market.ok() || !psb.ok() || !files.ok()) {
    std::fprintf(stderr, "PKI or server files could not be made\n");
    return 1;
  }
  caselink::testing::Daemon daemon(CASELINKD_PATH, files->config, files->log);
  if (absl::Status s = daemon.Start(files->port_file); !s.ok()) {
    std::fprintf(stderr, "caselinkd: %s\n%s\n", s.ToString().c_str(), daemon.Log().c_str());
    return 1;
  }
  g_server = daemon.pid();
  auto client_of = [&](const caselink::testing::KeyCert& kc) {
    caselink::ClientOptions o = caselink::testing::DaemonClientOptions(*ca, kc, daemon.port());
    o.deadline = absl::Seconds(30);
    return std::move(*caselink::Client::Connect(o));
  };
  std::unique_ptr<caselink::Client> market_client = client_of(*market);
  std::unique_ptr<caselink::Client> psb_client = client_of(*psb);
  auto transfer = caselink::testing::NewForwardTransfer(*market_client);
  if (!transfer.ok()) {
    std::fprintf(stderr, "transfer: %s\n", transfer.status().ToString().c_str());
    return 1;
  }
  auto echo = caselink::bench::EchoServer::Start(
      {dir.Join("server.pem"), dir.Join("server.key"), dir.Join("ca.pem"), dir.Join("crl")});
  if (!echo.ok()) {
    std::fprintf(stderr, "echo: %s\n", echo.status().ToString().c_str());
    return 1;
  }
  auto bare = caselink::bench::MakeMtlsChannel(absl::StrCat("127.0.0.1:", (*echo)->port()), ca->cert_pem(),
                                               market->cert_pem, market->key_pem);
  caselink::testing::TempDir tmp;
  const double size_mib = mib;
  std::printf("document_bench: %d MiB file, %d rounds; RSS of the caselinkd process (pid %d)\n", mib, rounds, static_cast<int>(g_server));
  for (int r = 0; r < rounds; ++r) {
    const std::string file = MakeFile(tmp.Join(absl::StrCat("doc", r, ".pdf")), size_t(mib) << 20, 100 + r);
    caselink::v1::UploadHeader h;
    h.set_item_id(transfer->transfer().id());
    h.set_kind(caselink::v1::MATERIAL_INVESTIGATION_REPORT);
    const double rss_before = RssMiB();
    double up_peak = 0, down_peak = 0;
    std::string doc_id;
    const double up_s = Measured(
        [&] {
          auto up = market_client->UploadDocumentFile(h, file);
          if (!up.ok()) std::fprintf(stderr, "upload: %s\n", up.status().ToString().c_str());
          else doc_id = up->document().id();
        },
        &up_peak);
    caselink::v1::DownloadDocumentRequest dr;
    dr.set_id(doc_id);
    dr.set_purpose("benchmark");
    const std::string out = tmp.Join(absl::StrCat("down", r, ".pdf"));
    const double rss_mid = RssMiB();
    const double down_s = Measured(
        [&] {
          auto down = psb_client->DownloadDocumentFile(dr, out);
          if (!down.ok()) std::fprintf(stderr, "download: %s\n", down.status().ToString().c_str());
        },
        &down_peak);
    const double raw_s = RawBlobWrite(tmp.Join(absl::StrCat("raw", r)), file);
    const double bare_s = BareStream(bare, file);
    std::printf(
        "round %d: upload %.1f MiB/s (RSS %.1f -> peak %.1f MiB, +%.1f)  download %.1f MiB/s (RSS %.1f -> peak "
        "%.1f MiB, +%.1f)  bare mTLS stream %.1f MiB/s (upload/bare %.0f %%)  raw RocksDB blob write %.1f MiB/s "
        "(upload/raw %.0f %%)\n",
        r, size_mib / up_s, rss_before, up_peak, up_peak - rss_before, size_mib / down_s, rss_mid, down_peak,
        down_peak - rss_mid, size_mib / bare_s, 100.0 * bare_s / up_s, size_mib / raw_s, 100.0 * raw_s / up_s);
    std::filesystem::remove(out);
  }
  return 0;
}
