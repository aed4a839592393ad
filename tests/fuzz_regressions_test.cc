// Runs every seed (fuzz/corpus/<target>/) and every saved crash input
// (fuzz/regressions/<target>/) through the fuzz targets' entry functions, so
// the fuzzed code paths run in every CI build (GCC, no libFuzzer) and a fixed
// crash stays fixed. Adding a regression is copying the input file there.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_entry_case_redact.h"
#include "fuzz/fuzz_entry_free_text.h"
#include "fuzz/fuzz_entry_ledger_csv.h"
#include "fuzz/fuzz_entry_policy_parse.h"
#include "fuzz/fuzz_entry_request_validate.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"
#include "support/temp_dir.h"

namespace caselink::fuzz {
namespace {

namespace fs = std::filesystem;
namespace testing_support = ::caselink::testing;
using Entry = std::string (*)(const uint8_t*, size_t);

fs::path InputDir(const std::string& target, const char* kind) {
  return fs::path(CASELINK_SOURCE_DIR) / "fuzz" / kind / target;
}

std::vector<fs::path> Inputs(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != ".gitkeep") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Returns how many inputs ran. A missing directory, or one with no inputs,
// is a failure naming it: otherwise a moved source tree or a lost corpus
// would pass with nothing run. A regressions directory may be empty of
// inputs only if it holds the .gitkeep that says "no crash saved yet".
size_t RunDir(const fs::path& dir, const char* kind, Entry entry) {
  if (!fs::is_directory(dir)) {
    ADD_FAILURE() << "fuzz input directory " << dir.string() << " is missing";
    return 0;
  }
  const std::vector<fs::path> inputs = Inputs(dir);
  const bool marked_empty = std::string(kind) == "regressions" && fs::exists(dir / ".gitkeep");
  if (inputs.empty() && !marked_empty) {
    ADD_FAILURE() << "fuzz input directory " << dir.string() << " holds no inputs";
    return 0;
  }
  size_t n = 0;
  for (const fs::path& p : inputs) {
    SCOPED_TRACE(p.string());
    const std::string data = ReadAll(p);
    EXPECT_EQ(entry(reinterpret_cast<const uint8_t*>(data.data()), data.size()), "")
        << "input " << p;
    ++n;
  }
  return n;
}

size_t RunAll(const std::string& target, const char* kind, Entry entry) {
  return RunDir(InputDir(target, kind), kind, entry);
}

// The guard above: a directory that is not there fails the test, and says
// which directory.
TEST(FuzzRegressions, AMissingInputDirectoryFailsNamingIt) {
  EXPECT_NONFATAL_FAILURE(RunAll("fuzz_no_such_target", "regressions", &PolicyParseEntry),
                          "fuzz/regressions/fuzz_no_such_target is missing");
  EXPECT_NONFATAL_FAILURE(RunAll("fuzz_no_such_target", "corpus", &PolicyParseEntry),
                          "fuzz/corpus/fuzz_no_such_target is missing");
}

TEST(FuzzRegressions, AnEmptyInputDirectoryFailsUnlessMarkedAsHavingNoRegressionsYet) {
  testing_support::TempDir temp;
  // EXPECT_NONFATAL_FAILURE's statement may use only static variables.
  static std::string dir;
  dir = temp.path();
  EXPECT_NONFATAL_FAILURE(RunDir(dir, "corpus", &PolicyParseEntry), "holds no inputs");
  EXPECT_NONFATAL_FAILURE(RunDir(dir, "regressions", &PolicyParseEntry), "holds no inputs");
  std::ofstream(fs::path(dir) / ".gitkeep").put('\n');
  EXPECT_EQ(RunDir(dir, "regressions", &PolicyParseEntry), 0u);
  EXPECT_NONFATAL_FAILURE(RunDir(dir, "corpus", &PolicyParseEntry), "holds no inputs");
}

TEST(FuzzRegressions, PolicyParseSeeds) {
  EXPECT_GE(RunAll("fuzz_policy_parse", "corpus", &PolicyParseEntry), 3u);
}
TEST(FuzzRegressions, PolicyParseRegressions) {
  RunAll("fuzz_policy_parse", "regressions", &PolicyParseEntry);
}
TEST(FuzzRegressions, CaseRedactSeeds) {
  EXPECT_GE(RunAll("fuzz_case_redact", "corpus", &CaseRedactEntry), 3u);
}
TEST(FuzzRegressions, CaseRedactRegressions) {
  RunAll("fuzz_case_redact", "regressions", &CaseRedactEntry);
}
TEST(FuzzRegressions, LedgerCsvSeeds) {
  EXPECT_GE(RunAll("fuzz_ledger_csv", "corpus", &LedgerCsvEntry), 3u);
}
TEST(FuzzRegressions, LedgerCsvRegressions) {
  RunAll("fuzz_ledger_csv", "regressions", &LedgerCsvEntry);
}
TEST(FuzzRegressions, RequestValidateSeeds) {
  EXPECT_GE(RunAll("fuzz_request_validate", "corpus", &RequestValidateEntry), 10u);
}
TEST(FuzzRegressions, RequestValidateRegressions) {
  RunAll("fuzz_request_validate", "regressions", &RequestValidateEntry);
}

TEST(FuzzRegressions, FreeTextSeeds) {
  EXPECT_GE(RunAll("fuzz_free_text", "corpus", &FreeTextEntry), 3u);
}
TEST(FuzzRegressions, FreeTextRegressions) {
  RunAll("fuzz_free_text", "regressions", &FreeTextEntry);
}

// The entry functions take empty and odd inputs without a seed file.
TEST(FuzzRegressions, EmptyAndTinyInputs) {
  for (Entry e : {&PolicyParseEntry, &CaseRedactEntry, &LedgerCsvEntry, &RequestValidateEntry}) {
    EXPECT_EQ(e(nullptr, 0), "");
    const uint8_t hash[] = {'#'};
    EXPECT_EQ(e(hash, 1), "");
    const uint8_t junk[] = {0xff, 0x00, '"', '\r'};
    EXPECT_EQ(e(junk, sizeof junk), "");
  }
}

}  // namespace
}  // namespace caselink::fuzz
