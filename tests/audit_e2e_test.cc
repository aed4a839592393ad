// The access log end to end: the real server and client library over mutual
// TLS log every call (allowed or refused) before answering, fail closed when
// the log cannot be written, keep one valid chain across restarts and
// concurrent writers, answer AuditService questions for the supervisors only,
// and `caselink-admin audit verify` names the entry of a tampered copy and
// holds the log to a head recorded outside it (--expect-head).
#include "support/raw_db.h"
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/audit_store.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kGetCase[] = "caselink.v1.CaseService/GetCase";
constexpr char kPersonId[] = "510181198503121235";  // in SampleCase()

class AuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DistrictOptions o;
    o.audit_checkpoint_every_entries = 5;
    auto d = TestDistrict::Start(o);
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
  }

  std::string SubmitMarketCase() {
    auto r = district_->As("market").SubmitCase(SampleCase());
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->case_().case_id() : "";
  }

  absl::StatusOr<v1::Case> Get(const std::string& agency, const std::string& id,
                               const std::string& purpose = "核查线索") {
    v1::GetCaseRequest req;
    req.set_case_id(id);
    req.set_purpose(purpose);
    return district_->As(agency).GetCase(req);
  }

  std::vector<v1::AuditEntry> WhoRead(const std::string& id) {
    v1::WhoReadRequest req;
    req.set_case_id(id);
    auto r = district_->As("procuratorate").WhoRead(req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? std::vector<v1::AuditEntry>(r->entries().begin(), r->entries().end())
                  : std::vector<v1::AuditEntry>();
  }

  storage::AuditVerifyReport VerifyOffline(const std::string& db_path) {
    auto db = storage::Database::OpenReadOnly(db_path);
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return {};
    auto r = storage::VerifyAuditLog(**db, "");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : storage::AuditVerifyReport{};
  }

  std::unique_ptr<TestDistrict> district_;
};

const v1::AuditEntry* Find(const std::vector<v1::AuditEntry>& es, const std::string& agency,
                           const std::string& method) {
  for (const auto& e : es) {
    if (e.agency_id() == agency && e.method() == method) return &e;
  }
  return nullptr;
}

TEST_F(AuditE2eTest, GetCaseByPoliceIsLoggedWithMaskedFieldsAndPurpose) {
  const std::string id = SubmitMarketCase();
  ASSERT_TRUE(Get("psb", id, "核查涉嫌销售伪劣产品线索").ok());
  auto entries = WhoRead(id);
  const v1::AuditEntry* e = Find(entries, "psb", kGetCase);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->status_code(), 0);
  EXPECT_THAT(e->case_ids(), Contains(id));
  EXPECT_THAT(e->fields_masked(), Contains("parties.person.id_number"));
  EXPECT_THAT(e->fields_masked(), Contains("parties.organization.credit_code"));
  EXPECT_THAT(e->fields_full(), Contains("title"));
  EXPECT_EQ(e->purpose(), "核查涉嫌销售伪劣产品线索");
  EXPECT_EQ(e->cert_fingerprint().size(), 64u);
  EXPECT_EQ(e->hash().size(), 32u);
  // Party ids are kept as HMACs, never in plain text.
  EXPECT_FALSE(e->party_hmacs().empty());
  EXPECT_EQ(e->SerializeAsString().find(kPersonId), std::string::npos);
  // The submission was logged in its own batch, once.
  int submits = 0;
  for (const auto& x : entries) submits += x.method() == "caselink.v1.CaseService/SubmitCase";
  EXPECT_EQ(submits, 1);
}

TEST_F(AuditE2eTest, AnIdentityNumberWrittenInAPurposeIsMaskedAndFindsTheEntry) {
  const std::string id = SubmitMarketCase();
  // The number of a party of no case here: the purpose alone names it.
  constexpr char kOther[] = "11010519491231002X";
  ASSERT_TRUE(Get("psb", id, absl::StrCat("核查", kOther, "名下线索")).ok());
  // And a refused call (an unknown case) whose purpose names it too.
  EXPECT_EQ(Get("psb", "C-NONE", absl::StrCat("再查", kOther)).status().code(), absl::StatusCode::kNotFound);
  v1::PartyAccessRequest party;
  party.set_party_id(kOther);
  auto by_party = district_->As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(by_party.ok()) << by_party.status();
  ASSERT_EQ(by_party->entries_size(), 2);
  EXPECT_EQ(by_party->entries(0).purpose(), "核查110***********002X名下线索");
  EXPECT_THAT(by_party->entries(0).case_ids(), Contains(id));
  EXPECT_EQ(by_party->entries(1).purpose(), "再查110***********002X");
  EXPECT_EQ(by_party->entries(1).status_code(), static_cast<int>(absl::StatusCode::kNotFound));
  for (const v1::AuditEntry& e : by_party->entries()) {
    EXPECT_EQ(e.SerializeAsString().find(kOther), std::string::npos);
  }
}

// A search by a party's name is on the record under the name (its HMAC),
// also when it found nothing: PartyAccess by that name answers who looked
// the person up. Before, such an entry named neither the name nor a party.
TEST_F(AuditE2eTest, ASearchByNameIsFoundByThatName) {
  const std::string id = SubmitMarketCase();
  v1::SearchCasesRequest q;
  q.set_party_name("李四光");  // no party of that name
  q.set_purpose("核查");
  auto none = district_->As("psb").SearchCases(q);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->cases_size(), 0);
  v1::PartyAccessRequest party;
  party.set_party_name("李四光");
  auto by_name = district_->As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(by_name.ok()) << by_name.status();
  ASSERT_EQ(by_name->entries_size(), 1);
  const v1::AuditEntry& e = by_name->entries(0);
  EXPECT_EQ(e.agency_id(), "psb");
  EXPECT_EQ(e.method(), "caselink.v1.CaseService/SearchCases");
  EXPECT_EQ(e.searched_party_name_hmac().size(), 32u);
  EXPECT_EQ(e.SerializeAsString().find("李四光"), std::string::npos) << "the name is kept as its HMAC only";
  // Another name finds nothing; a name and an id together are refused.
  party.set_party_name("王五");
  auto other = district_->As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->entries_size(), 0);
  party.set_party_id(kPersonId);
  EXPECT_EQ(district_->As("procuratorate").PartyAccess(party).status().code(), absl::StatusCode::kInvalidArgument);
  (void)id;
}

// An auditor's question quotes what it asked about in its entry's detail: a
// number typed where an agency id goes is masked there and found by its
// party's question, like one written in a purpose.
TEST_F(AuditE2eTest, AnIdentityNumberAskedAboutInAgencyAccessIsMaskedAndFindsTheEntry) {
  constexpr char kOther[] = "11010519491231002X";
  v1::AgencyAccessRequest ask;
  ask.set_agency_id(kOther);
  ask.set_purpose("核查");
  ask.mutable_from()->set_seconds(0);
  auto asked = district_->As("justice").AgencyAccess(ask);
  ASSERT_TRUE(asked.ok()) << asked.status();
  v1::PartyAccessRequest party;
  party.set_party_id(kOther);
  auto by_party = district_->As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(by_party.ok()) << by_party.status();
  ASSERT_EQ(by_party->entries_size(), 1);
  const v1::AuditEntry& e = by_party->entries(0);
  EXPECT_EQ(e.agency_id(), "justice");
  EXPECT_THAT(e.detail(), HasSubstr("agency '110***********002X'"));
  EXPECT_EQ(e.SerializeAsString().find(kOther), std::string::npos);
}

// A number written in a case's text (a witness, not a party) reaches a
// reader who gets identity numbers in full: its party's question finds the
// read, and the submitter's own entry too. A reader who gets it masked did
// not learn it: its entry does not name the witness.
TEST_F(AuditE2eTest, AnIdentityNumberInACasesTextShownInFullNamesItsParty) {
  constexpr char kWitness[] = "11010519491231002X";
  v1::Case c = SampleCase();
  c.set_facts(absl::StrCat("证人身份证号", kWitness, "，已询问"));
  auto submitted = district_->As("market").SubmitCase(c);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const std::string id = submitted->case_().case_id();
  auto full = Get("procuratorate", id);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_THAT(full->facts(), HasSubstr(kWitness));
  auto masked = Get("psb", id);
  ASSERT_TRUE(masked.ok()) << masked.status();
  ASSERT_THAT(masked->facts(), Not(HasSubstr(kWitness)));

  v1::PartyAccessRequest party;
  party.set_party_id(kWitness);
  auto by_party = district_->As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(by_party.ok()) << by_party.status();
  std::vector<std::string> who;
  for (const v1::AuditEntry& e : by_party->entries()) who.push_back(absl::StrCat(e.agency_id(), " ", e.method()));
  EXPECT_THAT(who, ::testing::UnorderedElementsAre("market caselink.v1.CaseService/SubmitCase",
                                                   absl::StrCat("procuratorate ", kGetCase)));
}

// A search whose answer held another agency's case is refused without a
// purpose, and that refusal says the query matched: every such attempt is
// an entry naming the cases (never only counted past the refusal budget),
// so WhoRead finds it.
TEST_F(AuditE2eTest, AnAnswerRefusedForWantOfAPurposeNamesItsCasesEveryTime) {
  const std::string id = SubmitMarketCase();
  v1::SearchCasesRequest q;
  q.set_party_name("张三丰");  // SampleCase()'s person
  q.set_owner_agency("market");
  q.set_page_size(1);
  constexpr int kCalls = 65;  // over the 60 refusals of a minute logged one by one
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_EQ(district_->As("psb").SearchCases(q).status().code(), absl::StatusCode::kInvalidArgument) << i;
  }
  v1::WhoReadRequest req;
  req.set_case_id(id);
  req.set_limit(1000);
  auto r = district_->As("procuratorate").WhoRead(req);
  ASSERT_TRUE(r.ok()) << r.status();
  int attempts = 0;
  for (const v1::AuditEntry& e : r->entries()) {
    if (e.agency_id() != "psb" || e.method() != "caselink.v1.CaseService/SearchCases") continue;
    EXPECT_EQ(e.status_code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
    EXPECT_TRUE(e.case_ids().empty());  // nothing was returned
    EXPECT_THAT(e.requested_case_ids(), Contains(id));
    ++attempts;
  }
  EXPECT_EQ(attempts, kCalls);
}

TEST_F(AuditE2eTest, AnIdentityNumberAskedForAsACaseIdIsMaskedAndFindsTheEntry) {
  constexpr char kPerson[] = "11010519491231002X";
  EXPECT_EQ(Get("psb", kPerson, "核查").status().code(), absl::StatusCode::kNotFound);
  v1::PartyAccessRequest party;
  party.set_party_id(kPerson);
  auto by_party = district_->As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(by_party.ok()) << by_party.status();
  ASSERT_EQ(by_party->entries_size(), 1);
  EXPECT_EQ(by_party->entries(0).requested_case_id(), "110***********002X");
  EXPECT_EQ(by_party->entries(0).agency_id(), "psb");
  EXPECT_EQ(by_party->entries(0).SerializeAsString().find(kPerson), std::string::npos);
}

TEST_F(AuditE2eTest, RefusedRequestsAreLoggedWithTheirStatus) {
  const std::string id = SubmitMarketCase();
  EXPECT_TRUE(absl::IsNotFound(Get("town-a", id).status()));
  auto kc = district_->ca().IssueAgency("stranger");  // trusted CA, no agency in the policy
  ASSERT_TRUE(kc.ok());
  auto stranger = district_->ClientWith(*kc);
  ASSERT_TRUE(stranger.ok());
  v1::GetCaseRequest req;
  req.set_case_id(id);
  req.set_purpose("x");
  EXPECT_TRUE(absl::IsPermissionDenied((*stranger)->GetCase(req).status()));

  auto entries = WhoRead(id);
  const v1::AuditEntry* town = Find(entries, "town-a", kGetCase);
  ASSERT_NE(town, nullptr);
  EXPECT_EQ(town->status_code(), static_cast<int>(absl::StatusCode::kNotFound));
  EXPECT_EQ(town->requested_case_id(), id);
  EXPECT_TRUE(town->case_ids().empty());
  const v1::AuditEntry* unknown = Find(entries, "", kGetCase);
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->status_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(unknown->cert_fingerprint().size(), 64u);
}

TEST_F(AuditE2eTest, FailedLogWriteFailsTheCallAndStoresNothing) {
  const std::string id = SubmitMarketCase();
  ASSERT_NE(district_->pipeline(), nullptr);
  district_->pipeline()->InjectFailureForTest(absl::UnavailableError("disk full"));
  auto got = Get("psb", id);
  EXPECT_TRUE(absl::IsUnavailable(got.status())) << got.status();
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("access log unavailable"));
  v1::Case c = SampleCase();
  c.set_title("never stored");
  auto sub = district_->As("market").SubmitCase(c, 0, "req-during-outage");
  EXPECT_TRUE(absl::IsUnavailable(sub.status())) << sub.status();
  district_->pipeline()->InjectFailureForTest(absl::OkStatus());

  v1::ListCasesRequest list;
  auto cases = district_->As("market").ListCases(list);
  ASSERT_TRUE(cases.ok());
  ASSERT_EQ(cases->cases_size(), 1);  // only the first case
  EXPECT_EQ(cases->cases(0).case_id(), id);
  district_->Stop();
  auto r = VerifyOffline(district_->db_path());
  EXPECT_TRUE(r.ok()) << r.Summary();
}

TEST_F(AuditE2eTest, ChainStaysValidAcrossRestarts) {
  const std::string id = SubmitMarketCase();
  ASSERT_TRUE(Get("psb", id).ok());
  ASSERT_TRUE(district_->Restart().ok());
  ASSERT_TRUE(Get("procuratorate", id).ok());
  ASSERT_TRUE(district_->Restart().ok());
  ASSERT_TRUE(Get("justice", id).ok());
  district_->Stop();
  auto r = VerifyOffline(district_->db_path());
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.entries, 4u);
  EXPECT_GE(r.checkpoints, 2u);  // a final checkpoint at each stop
}

TEST_F(AuditE2eTest, ConcurrentWritersKeepOneValidChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    const std::string agency = t % 2 == 0 ? "market" : "emergency";
    threads.emplace_back([this, agency] {
      auto kc = district_->AgencyCert(agency);
      ASSERT_TRUE(kc.ok());
      auto client = district_->ClientWith(*kc);
      ASSERT_TRUE(client.ok());
      for (int i = 0; i < 10; ++i) {
        auto r = (*client)->SubmitCase(SampleCase());
        ASSERT_TRUE(r.ok()) << r.status();
        v1::GetCaseRequest g;
        g.set_case_id(r->case_().case_id());
        ASSERT_TRUE((*client)->GetCase(g).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  district_->Stop();
  auto r = VerifyOffline(district_->db_path());
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.entries, 160u);
}

// SubmitCases answers a replayed item with its case id and version: the
// call's entry names that case, whether the batch wrote other items or
// nothing at all.
TEST_F(AuditE2eTest, ReplayedItemsOfABatchAreNamedInItsEntry) {
  v1::SubmitCasesRequest batch;
  v1::SubmitCaseRequest* a = batch.add_items();
  *a->mutable_case_() = SampleCase();
  a->set_request_id("ledger-row-1");
  auto first = district_->As("market").SubmitCases(batch);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string id = first->results(0).case_id();
  ASSERT_FALSE(id.empty());
  auto replay = district_->As("market").SubmitCases(batch);  // writes nothing
  ASSERT_TRUE(replay.ok()) << replay.status();
  ASSERT_TRUE(replay->results(0).replayed());
  v1::SubmitCaseRequest* b = batch.add_items();
  *b->mutable_case_() = SampleCase();
  b->set_request_id("ledger-row-2");
  auto mixed = district_->As("market").SubmitCases(batch);  // writes the second only
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  ASSERT_TRUE(mixed->results(0).replayed());
  ASSERT_FALSE(mixed->results(1).replayed());
  int entries = 0;
  for (const v1::AuditEntry& e : WhoRead(id)) {
    if (e.method() == "caselink.v1.CaseService/SubmitCases" && e.agency_id() == "market") ++entries;
  }
  EXPECT_EQ(entries, 3) << "the write, the replay alone and the replay beside a write";
}

TEST_F(AuditE2eTest, SupervisorsAskWhoAccessedAgencyAndParty) {
  const absl::Time start = absl::Now() - absl::Seconds(1);
  const std::string id = SubmitMarketCase();
  ASSERT_TRUE(Get("psb", id).ok());

  v1::AgencyAccessRequest agency;
  agency.set_agency_id("psb");
  *agency.mutable_from() = google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(start));
  auto by_agency = district_->As("justice").AgencyAccess(agency);
  ASSERT_TRUE(by_agency.ok()) << by_agency.status();
  ASSERT_EQ(by_agency->entries_size(), 1);
  EXPECT_EQ(by_agency->entries(0).method(), kGetCase);

  v1::PartyAccessRequest party;
  party.set_party_id(kPersonId);
  auto by_party = district_->As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(by_party.ok()) << by_party.status();
  std::set<std::string> who;
  for (const auto& e : by_party->entries()) who.insert(e.agency_id() + " " + e.method());
  EXPECT_EQ(who, (std::set<std::string>{"market caselink.v1.CaseService/SubmitCase",
                                        std::string("psb ") + kGetCase}));
  // The question itself is logged: asking again shows the first search.
  auto again = district_->As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->entries_size(), 3);
  EXPECT_EQ(again->entries(2).method(), "caselink.v1.AuditService/PartyAccess");
  EXPECT_FALSE(again->entries(2).searched_party_hmac().empty());
}

TEST_F(AuditE2eTest, AuditServiceIsDeniedToOtherAgencies) {
  v1::WhoReadRequest req;
  req.set_case_id("any");
  for (const char* agency : {"market", "psb"}) {
    auto r = district_->As(agency).WhoRead(req);
    EXPECT_TRUE(absl::IsPermissionDenied(r.status())) << agency << ": " << r.status();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("caselink.v1.AuditService/WhoRead"));
  }
  // And the refusals are on record.
  v1::AgencyAccessRequest q;
  q.set_agency_id("market");
  auto r = district_->As("procuratorate").AgencyAccess(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->entries_size(), 1);
  EXPECT_EQ(r->entries(0).status_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
}

int RunAdmin(const std::string& args, std::string* out) {
  FILE* p = popen((std::string(CASELINK_ADMIN_PATH) + " " + args + " 2>&1").c_str(), "r");
  char buf[512];
  while (p != nullptr && fgets(buf, sizeof(buf), p) != nullptr) *out += buf;
  int st = p == nullptr ? -1 : pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST_F(AuditE2eTest, AdminVerifyNamesTheTamperedEntryOfACopy) {
  const std::string id = SubmitMarketCase();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(Get("psb", id).ok());
  district_->Stop();
  std::string out;
  EXPECT_EQ(RunAdmin("audit verify --db " + district_->db_path(), &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("OK: 7 entries"));

  const std::string copy = district_->dir() + "/db-copy";
  std::filesystem::copy(district_->db_path(), copy, std::filesystem::copy_options::recursive);
  {
    auto db = storage::Database::Open(copy);
    ASSERT_TRUE(db.ok());
    std::string v;
    const std::string key = storage::CommitPipeline::SequenceKey(4);
    ASSERT_TRUE(storage::RawDb((*db))->Get(rocksdb::ReadOptions(), (*db)->cf(storage::Table::kAuditLog), key, &v).ok());
    v1::AuditEntry e;
    ASSERT_TRUE(e.ParseFromString(v));
    e.set_agency_id("market");  // pretend the police never read it
    ASSERT_TRUE(storage::RawDb((*db))->Put(storage::Database::DurableWrite(), (*db)->cf(storage::Table::kAuditLog), key,
                                 e.SerializeAsString()).ok());
  }
  out.clear();
  EXPECT_EQ(RunAdmin("audit verify --db " + copy, &out), 3) << out;
  EXPECT_THAT(out, HasSubstr("BROKEN at seq 4: CHANGED"));
  // The original is untouched and still verifies.
  out.clear();
  EXPECT_EQ(RunAdmin("audit verify --db " + district_->db_path(), &out), 0) << out;
  // A certificate given as the public key is a wrong argument (exit 2), not
  // a tampered log (exit 3): the intact original must not raise that alarm.
  const std::string cert = district_->dir() + "/not-a-public-key.pem";
  {
    auto kc = district_->AgencyCert("psb");
    ASSERT_TRUE(kc.ok()) << kc.status();
    std::ofstream(cert) << kc->cert_pem;
  }
  out.clear();
  EXPECT_EQ(RunAdmin("audit verify --db " + district_->db_path() + " --public-key " + cert, &out), 2) << out;
  EXPECT_THAT(out, HasSubstr("--public-key " + cert));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("NOT intact")));
}

// Nothing inside a database anchors its head (a rollback to an older copy,
// checkpoints included, verifies on its own): the auditor passes the head
// an earlier OK line printed, "head SEQ:HASH", as --expect-head.
TEST_F(AuditE2eTest, AdminVerifyHoldsTheLogToAnExpectedHead) {
  const std::string id = SubmitMarketCase();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Get("psb", id).ok());
  district_->Stop();
  const std::string verify = "audit verify --db " + district_->db_path();
  std::string out;
  ASSERT_EQ(RunAdmin(verify, &out), 0) << out;
  // "... head SEQ:HASH" (std::regex trips GCC 12's -Wmaybe-uninitialized
  // under the sanitizer build).
  const size_t at = out.find("head ");
  ASSERT_NE(at, std::string::npos) << out;
  const size_t colon = out.find(':', at);
  ASSERT_NE(colon, std::string::npos) << out;
  uint64_t seq = 0;
  ASSERT_TRUE(absl::SimpleAtoi(out.substr(at + 5, colon - at - 5), &seq)) << out;
  const std::string hash = out.substr(colon + 1, 64);
  ASSERT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos) << out;
  ASSERT_EQ(hash.size(), 64u) << out;
  out.clear();
  EXPECT_EQ(RunAdmin(verify + " --expect-head " + absl::StrCat(seq, ":", hash), &out), 0) << out;
  EXPECT_THAT(out, HasSubstr(absl::StrCat("head ", seq, ":", hash)));
  out.clear();
  EXPECT_EQ(RunAdmin(verify + " --expect-head " + std::to_string(seq), &out), 0) << out;
  // A head the log does not reach: entries after its end are missing.
  out.clear();
  EXPECT_EQ(RunAdmin(verify + " --expect-head " + std::to_string(seq + 5), &out), 3) << out;
  EXPECT_THAT(out, HasSubstr(absl::StrCat("BROKEN at seq ", seq + 1, ": MISSING")));
  // The entry at the head with another hash.
  std::string other = hash;
  other[0] = other[0] == '0' ? '1' : '0';
  out.clear();
  EXPECT_EQ(RunAdmin(verify + " --expect-head " + absl::StrCat(seq, ":", other), &out), 3) << out;
  EXPECT_THAT(out, HasSubstr(absl::StrCat("BROKEN at seq ", seq, ": CHANGED")));
  // A malformed head, or one given for an export, is a usage error.
  out.clear();
  EXPECT_EQ(RunAdmin(verify + " --expect-head " + absl::StrCat(seq, ":xyz"), &out), 2) << out;
  EXPECT_THAT(out, ::testing::Not(HasSubstr("NOT intact")));
  out.clear();
  EXPECT_EQ(RunAdmin("audit verify --file " + district_->dir() + "/none.jsonl --expect-head 1", &out), 2) << out;
}

// An export names who read which case and why: whatever the umask, the
// file is its owner's alone.
TEST_F(AuditE2eTest, AdminExportWritesEveryEntryIntoAFileOnlyItsOwnerReads) {
  const std::string id = SubmitMarketCase();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Get("psb", id).ok());
  district_->Stop();
  const std::string file = district_->dir() + "/audit.jsonl";
  const mode_t previous = ::umask(022);
  std::string out;
  const int code = RunAdmin("audit export --db " + district_->db_path() + " --out " + file, &out);
  ::umask(previous);
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("exported 4 entries"));
  std::ifstream in(file);
  int lines = 0;
  for (std::string line; std::getline(in, line);) lines += line.find(id) != std::string::npos ? 1 : 0;
  EXPECT_EQ(lines, 4);  // the submit and the three reads name the case
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// A request can name a case deeper than a top-level case_id (the Case a
// submit carries, a meeting's cases): a refused attempt on it is found by
// WhoRead like one by case_id (requested_case_ids, from every case_ref field).
TEST_F(AuditE2eTest, ARefusedAttemptOnACaseNamedInsideTheRequestIsFoundByWhoRead) {
  const std::string id = SubmitMarketCase();
  v1::SubmitCaseRequest overwrite;
  *overwrite.mutable_case_() = SampleCase();
  overwrite.mutable_case_()->set_case_id(id);
  overwrite.set_expected_version(1);
  auto refused = district_->As("town-a").SubmitCase(overwrite);
  ASSERT_FALSE(refused.ok());

  auto entries = WhoRead(id);
  const v1::AuditEntry* attempt = Find(entries, "town-a", "caselink.v1.CaseService/SubmitCase");
  ASSERT_NE(attempt, nullptr) << "the refused submit naming " << id << " is not under WhoRead";
  EXPECT_EQ(attempt->status_code(), static_cast<int>(refused.status().code()));
  EXPECT_THAT(attempt->requested_case_ids(), Contains(id));
  EXPECT_TRUE(attempt->case_ids().empty());
}

// WhoRead answers at most `limit` entries, oldest first; `after_seq` reads
// on, so no access to a busy case is out of an auditor's reach.
TEST_F(AuditE2eTest, WhoReadPagesPastItsLimit) {
  const std::string id = SubmitMarketCase();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Get("psb", id).ok());
  const size_t before = WhoRead(id).size();  // the submit, five reads (and no question yet)
  ASSERT_GE(before, 6u);

  std::vector<uint64_t> seqs;
  v1::WhoReadRequest page;
  page.set_case_id(id);
  page.set_limit(2);
  for (int pages = 0; pages < 50; ++pages) {
    auto r = district_->As("procuratorate").WhoRead(page);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_LE(r->entries_size(), 2);
    for (const v1::AuditEntry& e : r->entries()) seqs.push_back(e.seq());
    if (!r->truncated()) break;
    ASSERT_GT(r->entries_size(), 0);
    page.set_after_seq(r->entries(r->entries_size() - 1).seq());
  }
  ASSERT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
  EXPECT_EQ(std::adjacent_find(seqs.begin(), seqs.end()), seqs.end()) << "an entry came twice";
  // Every entry there was, then the questions asked meanwhile (each logged
  // naming the case), all reached.
  EXPECT_GE(seqs.size(), before + 1);
  int psb_reads = 0;
  for (const v1::AuditEntry& e : WhoRead(id)) psb_reads += e.agency_id() == "psb" && e.method() == kGetCase;
  EXPECT_EQ(psb_reads, 5);

  // Past the last entry: nothing, not an error.
  page.set_after_seq(UINT64_MAX);
  auto none = district_->As("procuratorate").WhoRead(page);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->entries_size(), 0);
  EXPECT_FALSE(none->truncated());
}

// A stream refused at the door (a certificate of no agency) is logged with
// what its request stated, as a refused unary call is: its purpose.
TEST_F(AuditE2eTest, AStreamRefusedAtTheDoorIsLoggedWithItsRequest) {
  auto kc = district_->ca().IssueAgency("stranger");
  ASSERT_TRUE(kc.ok());
  auto stranger = district_->ClientWith(*kc);
  ASSERT_TRUE(stranger.ok());
  v1::DownloadDocumentRequest req;
  req.set_id("D-any");
  req.set_purpose("核查移送材料");
  auto r = (*stranger)->DownloadDocument(req, [](int64_t, absl::string_view) { return absl::OkStatus(); });
  EXPECT_TRUE(absl::IsPermissionDenied(r.status())) << r.status();
  district_->Stop();

  auto db = storage::Database::OpenReadOnly(district_->db_path());
  ASSERT_TRUE(db.ok()) << db.status();
  auto refused = storage::QueryAuditByAgency(**db, "", absl::UnixEpoch(), absl::FromUnixSeconds(int64_t{1} << 40), 1000);
  ASSERT_TRUE(refused.ok()) << refused.status();
  const v1::AuditEntry* download = Find(refused->entries, "", "caselink.v1.DocumentService/Download");
  ASSERT_NE(download, nullptr);
  EXPECT_EQ(download->status_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(download->purpose(), "核查移送材料");
}

// Text outside a Case is on the record as it was returned: its path among
// the fields returned in full (or masked), and an identity number it shows
// in full as a read of that party, so PartyAccess finds the reader.
TEST_F(AuditE2eTest, TextReturnedInFullIsNamedWithThePartiesItShows) {
  constexpr char kWitness[] = "11010519491231002X";  // in no case: only in the text
  const std::string id = SubmitMarketCase();
  v1::CreateTransferRequest tr;
  tr.set_request_id("text-parties-1");
  tr.set_direction(v1::TRANSFER_FORWARD);
  tr.set_receiver_agency("psb");
  tr.set_case_id(id);
  tr.set_subject(absl::StrCat("证人身份证号 ", kWitness, "，已询问"));
  AddTransferMaterials(&tr);
  auto sent = district_->As("market").CreateTransfer(tr);
  ASSERT_TRUE(sent.ok()) << sent.status();
  v1::GetItemRequest get;
  get.set_id(sent->transfer().id());
  auto read = district_->As("procuratorate").GetTransfer(get);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_THAT(read->transfer().subject(), HasSubstr(kWitness)) << "the procuratorate reads ID numbers in full";

  v1::PartyAccessRequest party;
  party.set_party_id(kWitness);
  auto by_party = district_->As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(by_party.ok()) << by_party.status();
  ASSERT_EQ(by_party->entries_size(), 1) << by_party->ShortDebugString();
  EXPECT_EQ(by_party->entries(0).agency_id(), "procuratorate");
  EXPECT_EQ(by_party->entries(0).method(), "caselink.v1.WorkflowService/GetTransfer");
  EXPECT_THAT(by_party->entries(0).fields_full(), Contains("Transfer.subject"));

  // The sender reads other agencies' ID numbers masked, its own text too:
  // its write's one entry, sealed in the batch before the answer existed,
  // already names the text as masked (no second entry after the answer).
  int creates = 0;
  for (const v1::AuditEntry& e : WhoRead(id)) {
    if (e.method() != "caselink.v1.WorkflowService/CreateTransfer") continue;
    ++creates;
    EXPECT_THAT(e.fields_masked(), Contains("Transfer.subject")) << e.ShortDebugString();
    EXPECT_EQ(e.item_id(), sent->transfer().id());
  }
  EXPECT_EQ(creates, 1);
}

// AgencyAccess's own entry says which agency and which time it asked about.
TEST_F(AuditE2eTest, AnAgencyAccessQuestionNamesTheAgencyAskedAbout) {
  v1::AgencyAccessRequest agency;
  agency.set_agency_id("psb");
  agency.mutable_from()->set_seconds(1700000000);
  ASSERT_TRUE(district_->As("justice").AgencyAccess(agency).ok());
  v1::AgencyAccessRequest mine;
  mine.set_agency_id("justice");
  auto log = district_->As("procuratorate").AgencyAccess(mine);
  ASSERT_TRUE(log.ok()) << log.status();
  bool found = false;
  for (const auto& e : log->entries()) {
    if (e.method() != "caselink.v1.AuditService/AgencyAccess") continue;
    found = true;
    EXPECT_THAT(e.detail(), HasSubstr("agency 'psb'"));
    EXPECT_THAT(e.detail(), HasSubstr("2023-11-14"));
  }
  EXPECT_TRUE(found) << "justice's question is not in the log";
}

}  // namespace
}  // namespace caselink::testing
