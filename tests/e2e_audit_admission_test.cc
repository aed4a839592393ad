// Issue 13, items 5 and 6, end to end through the real mTLS server and the
// real client library:
// - a certificate hammering refused calls with huge request text grows the
//   access log by a bounded number of small entries, and the calls it did
//   not log one by one are counted in a summary entry;
// - a full disk (a fault-injecting RocksDB file system) gives UNAVAILABLE
//   saying so, and everything acknowledged before survives a restart;
// - a workflow action is logged in the batch of its transition: a step
//   whose batch fails is refused and leaves neither the step nor an entry;
// - SubmitCases whose batch fails fails the call, which is logged;
// - a backup is logged (synced) before it runs, a policy reload too;
// - `caselink audit verify` (VerifyAuditLog) accepts the new entry kinds.
#include "support/raw_db.h"
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/audit_store.h"
#include "storage/database.h"
#include "support/fault_injection_fs.h"
#include "support/test_district.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kWhoRead[] = "caselink.v1.AuditService/WhoRead";
constexpr char kActOnTransfer[] = "caselink.v1.WorkflowService/ActOnTransfer";
constexpr char kSubmitCases[] = "caselink.v1.CaseService/SubmitCases";

// Every entry of the database's access log, in order (opened read-only,
// beside the running server).
std::vector<v1::AuditEntry> ReadLog(const std::string& db_path) {
  std::vector<v1::AuditEntry> out;
  auto db = storage::Database::OpenReadOnly(db_path);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return out;
  std::unique_ptr<rocksdb::Iterator> it(storage::RawDb((*db))->NewIterator(
      rocksdb::ReadOptions(), (*db)->cf(storage::Table::kAuditLog)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::AuditEntry e;
    EXPECT_TRUE(e.ParseFromString(it->value().ToString()));
    out.push_back(std::move(e));
  }
  return out;
}

void ExpectChainVerifies(const std::string& db_path) {
  auto db = storage::Database::OpenReadOnly(db_path);
  ASSERT_TRUE(db.ok()) << db.status();
  auto r = storage::VerifyAuditLog(**db, "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok()) << r->Summary();
}

class AuditAdmissionTest : public WorkflowTest {
 protected:
  void SetUp() override {}  // each test starts its own district
  // The server goes before the file system it was opened with.
  void TearDown() override {
    once_.clear();
    district_.reset();
  }

  void StartWith(rocksdb::Env* env) {
    DistrictOptions o;
    o.storage_env = env;
    StartDistrict(std::move(o));
  }

  std::vector<v1::AuditEntry> Log() { return ReadLog(district_->db_path()); }

  // A client of `agency` that does not retry UNAVAILABLE (the district's
  // clients do, which would hide a failed batch behind its retry).
  Client& Once(const std::string& agency) {
    auto& slot = once_[agency];
    if (slot == nullptr) {
      auto kc = district_->AgencyCert(agency);
      EXPECT_TRUE(kc.ok()) << kc.status();
      ClientOptions o;
      o.target = district_->target();
      o.ca_pem = district_->ca().cert_pem();
      o.cert_pem = kc->cert_pem;
      o.key_pem = kc->key_pem;
      o.server_name_override = "localhost";
      o.deadline = absl::Seconds(10);
      o.max_attempts = 1;
      auto c = Client::Connect(o);
      EXPECT_TRUE(c.ok()) << c.status();
      slot = std::move(*c);
    }
    return *slot;
  }

  std::map<std::string, std::unique_ptr<Client>> once_;
  FaultInjectionEnv fault_;
};

TEST_F(AuditAdmissionTest, HammeredRefusalsGrowTheLogByABoundedAmountAndAreCounted) {
  StartWith(nullptr);
  const size_t before = Log().size();
  // town-a may not ask the access log: 300 refused calls, each with 200 KB
  // of its own text that would otherwise be copied into the log.
  v1::WhoReadRequest req;
  req.set_case_id(std::string(100000, 'C'));
  req.set_purpose(std::string(100000, 'P'));
  for (int i = 0; i < 300; ++i) {
    auto r = As("town-a").WhoRead(req);
    ASSERT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  }
  auto log = Log();
  std::vector<const v1::AuditEntry*> mine;
  for (size_t i = before; i < log.size(); ++i) {
    if (log[i].agency_id() == "town-a") mine.push_back(&log[i]);
  }
  // The default budget: 60 refusals a minute logged one by one, compactly.
  ASSERT_EQ(mine.size(), 60u);
  for (const v1::AuditEntry* e : mine) {
    EXPECT_EQ(e->method(), kWhoRead);
    EXPECT_EQ(e->status_code(), 7);
    EXPECT_THAT(e->purpose(), HasSubstr("[truncated: 100000 bytes in all]"));
    EXPECT_LT(e->ByteSizeLong(), 600u);
  }
  // A minute later the flusher (about once a second) writes the count.
  Advance(absl::Seconds(61));
  std::vector<v1::AuditEntry> after;
  for (int i = 0; i < 50; ++i) {
    after = Log();
    if (!after.empty() && after.back().suppressed_calls() > 0) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_FALSE(after.empty());
  const v1::AuditEntry& summary = after.back();
  EXPECT_EQ(summary.suppressed_calls(), 240u);
  EXPECT_EQ(summary.agency_id(), "town-a");
  EXPECT_FALSE(summary.cert_fingerprint().empty());
  EXPECT_THAT(summary.detail(), HasSubstr("240 further refused calls from certificate"));
  ExpectChainVerifies(district_->db_path());
}

TEST_F(AuditAdmissionTest, AFullDiskGivesUnavailableAndAcknowledgedWritesSurviveARestart) {
  StartWith(fault_.env.get());
  const std::string id = NewCase("market");
  ASSERT_FALSE(id.empty());
  fault_.fs->FailWrites(Fault::kNoSpace);
  v1::GetCaseRequest get;
  get.set_case_id(id);
  auto read = Once("market").GetCase(get);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(read.status().message(), HasSubstr("disk is full"));
  auto write = Once("market").SubmitCase(SampleCase());
  EXPECT_EQ(write.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(write.status().message(), HasSubstr("disk is full"));
  // The operator stops caselinkd, frees space and starts it again.
  once_.clear();
  district_->Stop();
  fault_.fs->FailWrites(Fault::kNone);
  ASSERT_TRUE(district_->Restart().ok());
  auto again = As("market").GetCase(get);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->case_id(), id);
  ExpectChainVerifies(district_->db_path());
}

TEST_F(AuditAdmissionTest, AFailingDiskTellsTheCallerNothingOfTheServersFiles) {
  StartWith(fault_.env.get());
  const std::string id = NewCase("market");
  ASSERT_FALSE(id.empty());
  v1::GetCaseRequest get;
  get.set_case_id(id);
  for (bool syncs : {false, true}) {
    SCOPED_TRACE(syncs ? "failing fsync" : "failing write");
    if (syncs) {
      fault_.fs->FailWrites(Fault::kNone);
      fault_.fs->FailSyncs(Fault::kIoError);
    } else {
      fault_.fs->FailWrites(Fault::kIoError);
    }
    auto write = Once("market").SubmitCase(SampleCase());
    ASSERT_FALSE(write.ok());
    EXPECT_EQ(write.status().code(), absl::StatusCode::kUnavailable) << write.status();
    auto read = Once("market").GetCase(get);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable) << read.status();
    for (const absl::Status& s : {write.status(), read.status()}) {
      std::printf("PROBE %s\n", s.ToString().c_str());
      EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr(district_->db_path()))) << s;
      EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr(".log"))) << s;
    }
  }
}

TEST_F(AuditAdmissionTest, AWorkflowStepAndItsEntryAreOneBatch) {
  StartWith(fault_.env.get());
  const std::string case_id = NewCase("market");
  auto t = Forward(case_id);
  ASSERT_TRUE(t.ok()) << t.status();
  const std::string id = t->transfer().id();
  // A committed step has its entry, naming the item and its cases.
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_ACCEPT).ok());
  bool found = false;
  for (const auto& e : Log()) {
    if (e.method() == kActOnTransfer && e.status_code() == 0 && e.item_id() == id) {
      found = true;
      EXPECT_EQ(e.agency_id(), "psb");
      EXPECT_THAT(e.case_ids(), ::testing::Contains(case_id));
    }
  }
  EXPECT_TRUE(found);

  // A step whose batch fails is refused; neither it nor an entry is stored.
  auto t2 = Forward(NewCase("market"));
  ASSERT_TRUE(t2.ok()) << t2.status();
  const std::string id2 = t2->transfer().id();
  const size_t before = Log().size();
  fault_.fs->FailWrites(Fault::kIoError, FaultScope::kWalOnly);
  auto refused = Once("psb").ActOnTransfer(Action(id2, v1::ACTION_ACCEPT));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
  // Stopped while the device still fails: nothing buffered can reach the
  // disk after the failure was reported.
  once_.clear();
  district_->Stop();
  fault_.fs->FailWrites(Fault::kNone);
  ASSERT_TRUE(district_->Restart().ok());
  v1::GetItemRequest gi;
  gi.set_id(id2);
  auto got = As("psb").GetTransfer(gi);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->transfer().state(), v1::STATE_SENT);
  EXPECT_EQ(got->history_size(), 1);
  auto log = Log();
  for (size_t i = before; i < log.size(); ++i) {
    EXPECT_FALSE(log[i].method() == kActOnTransfer && log[i].status_code() == 0)
        << "an entry for a step that was not stored: " << log[i].ShortDebugString();
  }
  ExpectChainVerifies(district_->db_path());
}

TEST_F(AuditAdmissionTest, AFailedWorkflowBatchIsLoggedAsAFailureWhenTheLogStillWorks) {
  StartWith(nullptr);
  auto t = Forward(NewCase("market"));
  ASSERT_TRUE(t.ok()) << t.status();
  const std::string id = t->transfer().id();
  district_->pipeline()->InjectFailureForTest(absl::UnavailableError("injected"), /*groups=*/1);
  auto refused = Once("psb").ActOnTransfer(Action(id, v1::ACTION_ACCEPT));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
  v1::GetItemRequest gi;
  gi.set_id(id);
  auto got = As("psb").GetTransfer(gi);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->transfer().state(), v1::STATE_SENT);
  int ok_entries = 0, failure_entries = 0;
  for (const auto& e : Log()) {
    if (e.method() != kActOnTransfer) continue;
    (e.status_code() == 0 ? ok_entries : failure_entries)++;
  }
  EXPECT_EQ(ok_entries, 0);
  EXPECT_EQ(failure_entries, 1);
}

TEST_F(AuditAdmissionTest, SubmitCasesWhoseBatchFailsFailsTheCallAndIsLogged) {
  StartWith(nullptr);
  v1::SubmitCasesRequest req;
  for (int i = 0; i < 3; ++i) {
    auto* item = req.add_items();
    *item->mutable_case_() = SampleCase();
    item->set_request_id(absl::StrCat("batch-", i));
  }
  district_->pipeline()->InjectFailureForTest(absl::UnavailableError("injected"), /*groups=*/1);
  auto r = Once("market").SubmitCases(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  int entries = 0;
  for (const auto& e : Log()) {
    if (e.method() != kSubmitCases) continue;
    ++entries;
    EXPECT_EQ(e.status_code(), 14);
    EXPECT_TRUE(e.case_ids().empty());
  }
  EXPECT_EQ(entries, 1);
  // The retry (same request ids) stores and logs them once.
  auto retry = As("market").SubmitCases(req);
  ASSERT_TRUE(retry.ok()) << retry.status();
  ASSERT_EQ(retry->results_size(), 3);
  for (const auto& res : retry->results()) EXPECT_EQ(res.code(), 0) << res.message();
}

TEST_F(AuditAdmissionTest, BackupAndPolicyReloadAreOnTheRecordBeforeTheyTakeEffect) {
  StartWith(nullptr);
  v1::BackupRequest b;
  b.set_directory(district_->dir() + "/backups");
  std::filesystem::create_directories(b.directory());
  auto r = As("operator").Backup(b, absl::Seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(district_->server().ReloadPolicy().ok());
  const v1::AuditEntry* backup = nullptr;
  const v1::AuditEntry* reload = nullptr;
  auto log = Log();
  for (const auto& e : log) {
    if (e.method() == "caselink.v1.AdminService/Backup") backup = &e;
    if (e.method() == "caselinkd/ReloadPolicy") reload = &e;
  }
  ASSERT_NE(backup, nullptr);
  EXPECT_EQ(backup->agency_id(), "operator");
  EXPECT_THAT(backup->detail(), HasSubstr("backup into " + b.directory()));
  ASSERT_NE(reload, nullptr);
  EXPECT_EQ(reload->status_code(), 0);
  EXPECT_THAT(reload->detail(), HasSubstr("sha256 "));
  // The backup holds its own entry: it was synced before the copy began.
  ExpectChainVerifies(district_->db_path());
}

}  // namespace
}  // namespace caselink::testing
