// `caselink doc put|get|ls|info` end to end: the real CLI binary (path in
// CASELINK_CLI_PATH), over mTLS, against a real server holding a forward
// transfer made through the client library. The round trip is byte-exact,
// kinds are taken by standard name or kind name, a bad kind is a usage
// error naming the accepted ones, a failed download says how to resume, and
// the progress line appears on a terminal only.
#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "cli_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A PDF-shaped file of `n` bytes (the server checks the type by content).
std::string Pdf(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  while (s.size() + 7 < n) s.push_back(static_cast<char>(rng()));
  return s + "\n%%EOF\n";
}

class CliDocumentTest : public CliTest {
 protected:
  void SetUp() override {
    WorkflowTest::SetUp();
    WriteAgencyFiles({"market", "psb"});
    transfer_ = NewForward();  // with its 移送书, 调查报告 and 涉案物品清单 (AddTransferMaterials)
    ASSERT_FALSE(transfer_.empty());
  }

  // Runs it with stderr (and stdin) on a pseudo-terminal, stdout to a file;
  // returns what the terminal showed.
  RunResult ExecOnTerminal(const std::vector<std::string>& args) {
    const std::string out = Path("stdout");
    const std::string cmd = Command("market", args);
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid == 0) {
      const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd < 0 || dup2(fd, 1) < 0) _exit(127);
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    RunResult run;
    if (pid < 0) {
      ADD_FAILURE() << "forkpty failed";
      return run;
    }
    char buf[4096];
    for (;;) {
      const ssize_t n = read(master, buf, sizeof(buf));
      if (n <= 0) break;  // EIO once the child side is closed
      run.err.append(buf, static_cast<size_t>(n));
    }
    close(master);
    int status = 0;
    waitpid(pid, &status, 0);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = Slurp(out);
    return run;
  }

  int DocumentsOfTransfer() {
    v1::ListDocumentsRequest r;
    r.set_item_id(transfer_);
    auto l = As("market").ListDocuments(r);
    EXPECT_TRUE(l.ok()) << l.status();
    return l.ok() ? l->documents_size() : -1;
  }

  std::string transfer_;
};

TEST_F(CliDocumentTest, PutListInfoGetRoundTripIsByteIdentical) {
  // Over one 256 KiB message, so the upload and the download go in pieces.
  const std::string pdf = Pdf(300 * 1024 + 17, 1);
  const std::string file = Path("移送书.pdf");
  Spit(file, pdf);

  RunResult put = Exec({"doc", "put", transfer_, file, "--kind", "移送书", "--reference", "某监移〔2024〕3号"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(put.err, "") << "no progress line when stderr is not a terminal";
  EXPECT_THAT(put.out, HasSubstr("\"file_name\": \"移送书.pdf\""));
  const auto up = FromJson<v1::UploadDocumentResponse>(put.out);
  const v1::Document& doc = up.document();
  ASSERT_FALSE(doc.id().empty()) << put.out;
  EXPECT_EQ(doc.item_id(), transfer_);
  EXPECT_EQ(doc.kind(), v1::MATERIAL_TRANSFER_LETTER);
  EXPECT_EQ(doc.size(), static_cast<int64_t>(pdf.size()));
  EXPECT_EQ(doc.content_type(), v1::CONTENT_PDF);
  EXPECT_EQ(doc.uploader_agency(), "market");
  EXPECT_EQ(doc.reference(), "某监移〔2024〕3号");
  EXPECT_FALSE(up.replayed());

  // Re-running the same command stores nothing new.
  RunResult again = Exec({"doc", "put", transfer_, file, "--kind", "移送书", "--reference", "某监移〔2024〕3号"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto replay = FromJson<v1::UploadDocumentResponse>(again.out);
  EXPECT_TRUE(replay.replayed());
  EXPECT_EQ(replay.document().id(), doc.id());

  RunResult ls = Exec({"doc", "ls", transfer_});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  const auto listed = FromJson<v1::ListDocumentsResponse>(ls.out);
  ASSERT_EQ(listed.documents_size(), 1) << ls.out;
  EXPECT_EQ(listed.documents(0).id(), doc.id());
  EXPECT_EQ(listed.documents(0).sha256(), doc.sha256());

  RunResult info = Exec({"doc", "info", doc.id()}, "psb");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_EQ(FromJson<v1::GetDocumentResponse>(info.out).document().sha256(), doc.sha256());

  // The police, receiver of the transfer, download it.
  const std::string target = Path("下载的移送书.pdf");
  RunResult get = Exec({"doc", "get", doc.id(), target, "--purpose", "审查移送材料"}, "psb");
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.err, "");
  EXPECT_EQ(FromJson<v1::Document>(get.out).id(), doc.id());
  EXPECT_TRUE(Slurp(target) == pdf) << "the downloaded file differs from the uploaded one";
  EXPECT_FALSE(std::filesystem::exists(target + ".part"));
}

TEST_F(CliDocumentTest, KindIsTakenByStandardNameOrKindName) {
  const std::vector<std::pair<std::string, v1::MaterialKind>> kinds = {
      {"调查报告", v1::MATERIAL_INVESTIGATION_REPORT}, {"涉案物品清单", v1::MATERIAL_ITEM_LIST},
      {"鉴定意见", v1::MATERIAL_EXPERT_REPORT},         {"其他", v1::MATERIAL_OTHER},
      {"item-list", v1::MATERIAL_ITEM_LIST},            {"MATERIAL_MEETING_MINUTES", v1::MATERIAL_MEETING_MINUTES},
      {"reply_letter", v1::MATERIAL_REPLY_LETTER},
  };
  uint32_t seed = 10;
  for (const auto& [given, want] : kinds) {
    const std::string file = Path(absl::StrCat("doc-", seed, ".pdf"));
    Spit(file, Pdf(2000, seed++));
    RunResult r = Exec({"doc", "put", transfer_, file, "--kind", given, "--sensitivity", "internal"});
    ASSERT_EQ(r.exit_code, 0) << given << ": " << r.err;
    const auto up = FromJson<v1::UploadDocumentResponse>(r.out);
    EXPECT_EQ(up.document().kind(), want) << given;
    EXPECT_EQ(up.document().sensitivity(), v1::INTERNAL) << given;
  }
  EXPECT_EQ(DocumentsOfTransfer(), static_cast<int>(kinds.size()));
}

TEST_F(CliDocumentTest, UnknownKindExits2NamingTheAcceptedKindsAndStoresNothing) {
  const std::string file = Path("a.pdf");
  Spit(file, Pdf(1000, 2));
  RunResult r = Exec({"doc", "put", transfer_, file, "--kind", "不存在"});
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_THAT(r.err, StartsWith("caselink: error: unknown --kind \"不存在\""));
  for (const char* accepted : {"移送书", "调查报告", "涉案物品清单", "检验报告", "鉴定意见", "回执", "不予立案通知书",
                               "检察建议书", "检察意见书", "回复函", "整改报告", "会议纪要", "其他",
                               "transfer-letter", "investigation-report", "item-list", "meeting-minutes"}) {
    EXPECT_THAT(r.err, HasSubstr(accepted));
  }
  EXPECT_EQ(r.out, "");
  // "unspecified" is no kind either.
  EXPECT_EQ(Exec({"doc", "put", transfer_, file, "--kind", "kind-unspecified"}).exit_code, 2);

  // The other local mistakes are usage errors too.
  RunResult bad_class = Exec({"doc", "put", transfer_, file, "--kind", "移送书", "--sensitivity", "secret"});
  EXPECT_EQ(bad_class.exit_code, 2);
  EXPECT_THAT(bad_class.err, HasSubstr("personal-id"));
  RunResult missing = Exec({"doc", "put", transfer_, Path("gone.pdf"), "--kind", "移送书"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("gone.pdf"));
  EXPECT_THAT(missing.err, HasSubstr("No such file"));
  Spit(Path("empty.pdf"), "");
  EXPECT_EQ(Exec({"doc", "put", transfer_, Path("empty.pdf"), "--kind", "移送书"}).exit_code, 2);
  EXPECT_EQ(Exec({"doc", "put", transfer_, file}).exit_code, 2) << "--kind is required";

  EXPECT_EQ(DocumentsOfTransfer(), 0);
}

TEST_F(CliDocumentTest, GetOfAnUnknownIdExits1WithNotFoundAndLeavesNoFiles) {
  const std::string target = Path("out.pdf");
  RunResult r = Exec({"doc", "get", "no-such-document", target, "--purpose", "审查移送材料"}, "psb");
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;  // nothing received: nothing to resume
  EXPECT_THAT(r.err, StartsWith("caselink: error: NOT_FOUND: "));
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_FALSE(std::filesystem::exists(target + ".part"));

  RunResult info = Exec({"doc", "info", "no-such-document"});
  EXPECT_EQ(info.exit_code, 1);
  EXPECT_THAT(info.err, StartsWith("caselink: error: NOT_FOUND: "));

  // A directory that does not exist is the command line's fault.
  RunResult nodir = Exec({"doc", "get", "no-such-document", Path("nowhere/out.pdf")}, "psb");
  EXPECT_EQ(nodir.exit_code, 2);
  EXPECT_THAT(nodir.err, HasSubstr("nowhere"));
}

TEST_F(CliDocumentTest, FailedGetSaysRerunResumesAndRerunCompletesTheFile) {
  const std::string pdf = Pdf(300 * 1024, 3);
  const std::string file = Path("调查报告.pdf");
  Spit(file, pdf);
  RunResult put = Exec({"doc", "put", transfer_, file, "--kind", "investigation-report"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  const std::string id = FromJson<v1::UploadDocumentResponse>(put.out).document().id();

  // An interrupted download left the first bytes in OUT.part.
  const std::string target = Path("out.pdf");
  Spit(target + ".part", pdf.substr(0, 100000));
  // A failing call (here: a wrong id) keeps them and says how to go on.
  RunResult failed = Exec({"doc", "get", id + "x", target, "--purpose", "审查移送材料"}, "psb");
  EXPECT_EQ(failed.exit_code, 1);
  ASSERT_EQ(failed.err_lines().size(), 2u) << failed.err;
  EXPECT_THAT(failed.err_lines()[0], StartsWith("caselink: error: NOT_FOUND: "));
  EXPECT_THAT(failed.err_lines()[1], HasSubstr(target + ".part"));
  EXPECT_THAT(failed.err_lines()[1], HasSubstr("re-running the same command resumes"));
  EXPECT_EQ(Slurp(target + ".part"), pdf.substr(0, 100000));

  RunResult get = Exec({"doc", "get", id, target, "--purpose", "审查移送材料"}, "psb");
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_TRUE(Slurp(target) == pdf) << "the resumed file differs from the uploaded one";
  EXPECT_FALSE(std::filesystem::exists(target + ".part"));
}

TEST_F(CliDocumentTest, TextOutputIsOneLinePerDocument) {
  Spit(Path("移送书.pdf"), Pdf(1500, 4));
  Spit(Path("清单.pdf"), Pdf(2500, 5));
  ASSERT_EQ(Exec({"doc", "put", transfer_, Path("移送书.pdf"), "--kind", "移送书"}).exit_code, 0);
  Advance(absl::Minutes(1));  // the server's clock stands still otherwise: "oldest first" needs a later upload
  ASSERT_EQ(Exec({"doc", "put", transfer_, Path("清单.pdf"), "--kind", "涉案物品清单", "--name", "涉案物品清单.pdf"})
                .exit_code,
            0);
  RunResult ls = Exec({"--output", "text", "doc", "ls", transfer_});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  std::vector<std::string> lines = absl::StrSplit(ls.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << ls.out;
  std::vector<std::string> first = absl::StrSplit(lines[0], '\t');
  ASSERT_EQ(first.size(), 6u) << lines[0];
  EXPECT_FALSE(first[0].empty());
  EXPECT_EQ(first[1], "MATERIAL_TRANSFER_LETTER");
  EXPECT_EQ(first[2], "1500");
  EXPECT_EQ(first[3], "CONTENT_PDF");
  EXPECT_EQ(first[4], "market");
  EXPECT_EQ(first[5], "移送书.pdf");
  EXPECT_THAT(lines[1], HasSubstr("\tMATERIAL_ITEM_LIST\t2500\tCONTENT_PDF\tmarket\t涉案物品清单.pdf"));
}

TEST_F(CliDocumentTest, ProgressLineOnlyOnATerminal) {
  const std::string file = Path("移送书.pdf");
  Spit(file, Pdf(600 * 1024, 6));
  RunResult r = ExecOnTerminal({"doc", "put", transfer_, file, "--kind", "移送书"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("\r上传 移送书.pdf 100% 600.0/600.0 KiB"));
  EXPECT_THAT(r.err, Not(HasSubstr("error")));
  EXPECT_EQ(FromJson<v1::UploadDocumentResponse>(r.out).document().size(), 600 * 1024);
  // The same command with stderr to a file: no progress at all (see also
  // PutListInfoGetRoundTripIsByteIdentical).
  RunResult quiet = Exec({"doc", "put", transfer_, file, "--kind", "移送书"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
}


// The 移送书 goes with the transfer's creation: `doc put draft`, then
// `transfer create --document ID`; the receiver lists it on the transfer.
TEST_F(CliDocumentTest, ADraftIsNamedByTransferCreateAndArrivesWithTheTransfer) {
  const std::string file = Path("移送书.pdf");
  Spit(file, Pdf(40 * 1024, 5));
  RunResult put = Exec({"doc", "put", "draft", file, "--kind", "移送书"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  const v1::Document draft = FromJson<v1::UploadDocumentResponse>(put.out).document();
  EXPECT_TRUE(draft.item_id().empty()) << put.out;
  RunResult mine = Exec({"doc", "ls", "draft"});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  ASSERT_EQ(FromJson<v1::ListDocumentsResponse>(mine.out).documents_size(), 1) << mine.out;
  RunResult theirs = Exec({"doc", "ls", "draft"}, "psb");
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(FromJson<v1::ListDocumentsResponse>(theirs.out).documents_size(), 0) << theirs.out;

  RunResult create = Exec({"transfer", "create", "--to", "psb", "--case", NewCase("market"), "--subject",
                           "涉嫌生产、销售伪劣产品罪", "--document", draft.id(), "--material",
                           "涉嫌犯罪案件情况的调查报告|R-2", "--material", "涉案物品清单|R-3"});
  ASSERT_EQ(create.exit_code, 0) << create.err << create.out;
  const v1::Transfer t = FromJson<v1::TransferResponse>(create.out).transfer();
  ASSERT_FALSE(t.id().empty()) << create.out;
  RunResult ls = Exec({"doc", "ls", t.id()}, "psb");
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  const auto listed = FromJson<v1::ListDocumentsResponse>(ls.out);
  ASSERT_EQ(listed.documents_size(), 1) << ls.out;
  EXPECT_EQ(listed.documents(0).draft_id(), draft.id());
  EXPECT_EQ(listed.documents(0).sha256(), draft.sha256());
}

}  // namespace
}  // namespace caselink::testing
