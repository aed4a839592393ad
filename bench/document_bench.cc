// document_bench: what a 64 MiB document costs the server (issue 16). In one
// run: a real in-process district (TestDistrict: mTLS, example policy,
// RocksDB in a temp dir) where market uploads a file to a forward transfer
// and psb downloads it, both through the real client library and files on
// disk; and, as the baseline, a raw RocksDB with the same blob settings
// writing the same bytes in the same 1 MiB chunks, synced once at the end.
// It prints the throughput of each, their ratio, and the process's resident
// memory before and at its peak during each transfer (sampled every 5 ms).
// Client and server share the process, so the RSS growth is an upper bound
// of the server's.
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
#include "support/temp_dir.h"
#include "support/test_district.h"

namespace {

using caselink::testing::DistrictOptions;
using caselink::testing::TestDistrict;

double RssMiB() {
  std::ifstream in("/proc/self/status");
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
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(o, dir, &raw).ok()) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  std::ifstream in(file, std::ios::binary);
  std::string chunk(1 << 20, '\0');
  const auto t0 = std::chrono::steady_clock::now();
  uint32_t i = 0;
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    rocksdb::WriteOptions w;
    w.sync = in.peek() == EOF;
    db->Put(w, absl::StrCat("blob", i++), rocksdb::Slice(chunk.data(), static_cast<size_t>(in.gcount())));
  }
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

  DistrictOptions opts;
  opts.documents_config = absl::StrCat("max_file_bytes: ", int64_t{mib + 1} << 20,
                                       " max_item_bytes: ", (int64_t{mib + 1} << 20) * (rounds + 1));
  auto district = TestDistrict::Start(opts);
  if (!district.ok()) {
    std::fprintf(stderr, "district: %s\n", district.status().ToString().c_str());
    return 1;
  }
  TestDistrict& d = **district;
  auto c = d.As("market").SubmitCase(caselink::testing::SampleCase());
  caselink::v1::CreateTransferRequest t;
  t.set_direction(caselink::v1::TRANSFER_FORWARD);
  t.set_receiver_agency("psb");
  t.set_case_id(c->case_().case_id());
  t.set_subject("涉嫌生产、销售伪劣产品罪");
  caselink::testing::AddTransferMaterials(&t);
  auto transfer = d.As("market").CreateTransfer(t);
  if (!transfer.ok()) {
    std::fprintf(stderr, "transfer: %s\n", transfer.status().ToString().c_str());
    return 1;
  }
  caselink::testing::TempDir tmp;
  const double size_mib = mib;
  std::printf("document_bench: %d MiB file, %d rounds (client and server in one process)\n", mib, rounds);
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
          auto up = d.As("market").UploadDocumentFile(h, file);
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
          auto down = d.As("psb").DownloadDocumentFile(dr, out);
          if (!down.ok()) std::fprintf(stderr, "download: %s\n", down.status().ToString().c_str());
        },
        &down_peak);
    const double raw_s = RawBlobWrite(tmp.Join(absl::StrCat("raw", r)), file);
    std::printf(
        "round %d: upload %.1f MiB/s (RSS %.1f -> peak %.1f MiB, +%.1f)  download %.1f MiB/s (RSS %.1f -> peak "
        "%.1f MiB, +%.1f)  raw RocksDB blob write %.1f MiB/s  upload/raw %.0f %%\n",
        r, size_mib / up_s, rss_before, up_peak, up_peak - rss_before, size_mib / down_s, rss_mid, down_peak,
        down_peak - rss_mid, size_mib / raw_s, 100.0 * raw_s / up_s);
    std::filesystem::remove(out);
  }
  return 0;
}
