// Screening through the real server, the real client library and the
// shipped rules (config/screening-rules.textproto): a hand-built ledger on
// which every shipped rule fires exactly where the law puts its threshold
// (刑法 第九十九条: 以上 includes the figure) and not one unit below; who sees
// which hits; dismissal, 建议移送 and transfer moving a hit's state; a new
// version and a rule change rescreening; every listing in the access log.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "rocksdb/iterator.h"
#include "server/server_config.h"
#include "storage/database.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::Contains;

using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;

struct Row {
  std::string agency;
  v1::Domain domain;
  std::string legal_basis;
  std::string facts;  // CaseFacts text format
  std::string fires;  // the rule id, or "" for none
};

// Every shipped rule at its figure and one unit (one fen, one month, one
// person, one kilogram, one percent) below.
const Row kLedger[] = {
    {"market", v1::MARKET_ORDER, "《产品质量法》第五十条", "sales_amount_fen: 5000000", "art140-fake-products"},
    {"market", v1::MARKET_ORDER, "《产品质量法》第五十条", "sales_amount_fen: 4999999", ""},
    {"market", v1::MARKET_ORDER, "《产品质量法》第五十条", "unsold_goods_value_fen: 15000000", "art140-fake-products"},
    {"market", v1::MARKET_ORDER, "《产品质量法》第五十条", "unsold_goods_value_fen: 14999999", ""},
    {"market", v1::MARKET_ORDER, "《产品质量法》第五十条",
     "sales_amount_fen: 4000000 unsold_goods_value_fen: 3000000", "art140-fake-products"},
    {"market", v1::MARKET_ORDER, "《产品质量法》第五十条",
     "sales_amount_fen: 4000000 unsold_goods_value_fen: 2999999", ""},
    {"hrss", v1::LABOUR_PROTECTION, "《保障农民工工资支付条例》第五十五条",
     "months_unpaid: 3 single_worker_unpaid_fen: 500000 order_to_pay_ignored: true", "art276-1-unpaid-wages"},
    {"hrss", v1::LABOUR_PROTECTION, "《保障农民工工资支付条例》第五十五条",
     "months_unpaid: 2 single_worker_unpaid_fen: 900000 order_to_pay_ignored: true", ""},
    {"hrss", v1::LABOUR_PROTECTION, "《保障农民工工资支付条例》第五十五条",
     "months_unpaid: 3 single_worker_unpaid_fen: 499999 order_to_pay_ignored: true", ""},
    {"hrss", v1::LABOUR_PROTECTION, "《保障农民工工资支付条例》第五十五条",
     "workers_unpaid: 10 unpaid_wages_fen: 3000000 order_to_pay_ignored: true", "art276-1-unpaid-wages"},
    {"hrss", v1::LABOUR_PROTECTION, "《保障农民工工资支付条例》第五十五条",
     "workers_unpaid: 9 unpaid_wages_fen: 9000000 order_to_pay_ignored: true", ""},
    {"hrss", v1::LABOUR_PROTECTION, "《保障农民工工资支付条例》第五十五条",
     "workers_unpaid: 10 unpaid_wages_fen: 3000000", ""},  // no order to pay ignored
    {"market", v1::MARKET_ORDER, "《食品安全法》第一百二十四条", "food_diseased_or_uninspected_meat: true",
     "art143-unsafe-food"},
    {"market", v1::MARKET_ORDER, "《食品安全法》第一百二十四条", "food_diseased_or_uninspected_meat: false", ""},
    {"market", v1::MARKET_ORDER, "《无证无照经营查处办法》", "illegal_business_amount_fen: 5000000",
     "art225-illegal-business"},
    {"market", v1::MARKET_ORDER, "《无证无照经营查处办法》", "illegal_business_amount_fen: 4999999", ""},
    {"emergency", v1::WORK_SAFETY, "《安全生产法》第一百一十四条", "deaths: 1", "art134-major-liability-accident"},
    {"emergency", v1::WORK_SAFETY, "《安全生产法》第一百一十四条", "serious_injuries: 2", ""},
    {"emergency", v1::WORK_SAFETY, "《安全生产法》第一百一十四条", "direct_economic_loss_fen: 100000000",
     "art134-major-liability-accident"},
    {"emergency", v1::WORK_SAFETY, "《安全生产法》第一百一十四条", "direct_economic_loss_fen: 99999999", ""},
    {"emergency", v1::WORK_SAFETY, "《安全生产法》第九十九条",
     "real_danger_of_serious_accident: true hazard_order_refused: true", "art134-1-dangerous-operation"},
    {"emergency", v1::WORK_SAFETY, "《安全生产法》第九十九条", "hazard_order_refused: true", ""},
    {"market", v1::OTHER_DOMAIN, "《固体废物污染环境防治法》第一百一十二条", "hazardous_waste_kg: 3000",
     "art338-pollution"},
    {"market", v1::OTHER_DOMAIN, "《固体废物污染环境防治法》第一百一十二条", "hazardous_waste_kg: 2999", ""},
    {"market", v1::OTHER_DOMAIN, "《水污染防治法》第八十三条",
     "pollutant_group: POLLUTANT_PB_HG_CD_CR_AS_TL_SB pollutant_percent_of_standard: 300", "art338-pollution"},
    {"market", v1::OTHER_DOMAIN, "《水污染防治法》第八十三条",
     "pollutant_group: POLLUTANT_NI_CU_ZN_AG_V_MN_CO pollutant_percent_of_standard: 999", ""},
    // The facts of a threshold under a law no rule of that offence names.
    {"market", v1::MARKET_ORDER, "《广告法》第五十五条", "sales_amount_fen: 9000000", ""},
};

class ScreeningTest : public WorkflowTest {
 protected:
  void SetUp() override {
    rules_dir_ = std::filesystem::temp_directory_path() /
                 absl::StrCat("caselink-screening-", ::testing::UnitTest::GetInstance()->random_seed(), "-", getpid());
    std::filesystem::create_directories(rules_dir_);
    rules_path_ = (rules_dir_ / "screening-rules.textproto").string();
    std::filesystem::copy_file(std::string(CASELINK_SOURCE_DIR) + "/config/screening-rules.textproto", rules_path_,
                               std::filesystem::copy_options::overwrite_existing);
    DistrictOptions o;
    o.screening_config = absl::StrCat("rules_file: \"", rules_path_, "\"");
    o.policy_text = policy_text_;
    StartDistrict(std::move(o));
  }
  std::string policy_text_;  // empty: the example policy
  void TearDown() override {
    district_.reset();
    std::error_code ec;
    std::filesystem::remove_all(rules_dir_, ec);
  }

  // Submits the ledger as the import does (SubmitCases per agency); returns
  // the case id of each row.
  std::vector<std::string> SubmitLedger() {
    std::vector<std::string> ids(std::size(kLedger));
    std::map<std::string, std::vector<int>> by_agency;
    for (int i = 0; i < static_cast<int>(std::size(kLedger)); ++i) by_agency[kLedger[i].agency].push_back(i);
    for (const auto& [agency, rows] : by_agency) {
      v1::SubmitCasesRequest req;
      for (int i : rows) {
        v1::SubmitCaseRequest* item = req.add_items();
        *item->mutable_case_() = CaseOf(kLedger[i], i);
        item->set_request_id(absl::StrCat("ledger-row-", i));
      }
      auto resp = As(agency).SubmitCases(req);
      EXPECT_TRUE(resp.ok()) << resp.status();
      if (!resp.ok()) continue;
      for (size_t k = 0; k < rows.size(); ++k) {
        const auto& r = resp->results(static_cast<int>(k));
        EXPECT_EQ(r.code(), 0) << "row " << rows[k] << ": " << r.ShortDebugString();
        ids[rows[k]] = r.case_id();
      }
    }
    return ids;
  }

  static v1::Case CaseOf(const Row& row, int i) {
    v1::Case c = SampleCase(row.domain);
    c.set_legal_basis(row.legal_basis);
    c.set_agency_reference(absl::StrCat("台账第", i, "行"));
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(row.facts, c.mutable_measured_facts())) << row.facts;
    return c;
  }

  // case id -> rule ids of the hits `agency` sees.
  std::map<std::string, std::set<std::string>> Hits(const std::string& agency, v1::ListHitsRequest req = {}) {
    std::map<std::string, std::set<std::string>> out;
    for (;;) {
      auto resp = As(agency).ListHits(req);
      EXPECT_TRUE(resp.ok()) << resp.status();
      if (!resp.ok()) return out;
      for (const auto& h : resp->hits()) out[h.case_id()].insert(h.rule_id());
      if (resp->next_page_token().empty()) return out;
      req.set_page_token(resp->next_page_token());
    }
  }

  v1::ScreeningHit HitOf(const std::string& agency, const std::string& case_id) {
    auto resp = As(agency).ListHits({});
    EXPECT_TRUE(resp.ok()) << resp.status();
    for (const auto& h : resp->hits()) {
      if (h.case_id() == case_id) return h;
    }
    ADD_FAILURE() << "no hit of " << case_id << " for " << agency;
    return {};
  }

  std::filesystem::path rules_dir_;
  std::string rules_path_;
};

TEST_F(ScreeningTest, EveryShippedRuleFiresAtItsFigureAndNotOneUnitBelow) {
  const std::vector<std::string> ids = SubmitLedger();
  std::map<std::string, std::set<std::string>> want;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!kLedger[i].fires.empty()) want[ids[i]].insert(kLedger[i].fires);
  }
  const auto got = Hits("procuratorate");
  for (size_t i = 0; i < ids.size(); ++i) {
    const bool hit = got.count(ids[i]) > 0;
    EXPECT_EQ(hit, !kLedger[i].fires.empty()) << "row " << i << " (" << kLedger[i].facts << ")";
  }
  EXPECT_EQ(got, want);
  // Every shipped rule is exercised.
  std::set<std::string> rules;
  for (const auto& [id, r] : want) rules.insert(r.begin(), r.end());
  EXPECT_EQ(rules.size(), 7u);

  // The hit carries the article, the threshold and the figures met.
  const v1::ScreeningHit first = HitOf("procuratorate", ids[0]);
  EXPECT_EQ(first.article(), "刑法第一百四十条");
  EXPECT_EQ(first.state(), v1::HIT_OPEN);
  EXPECT_EQ(first.owner_agency(), "market");
  ASSERT_EQ(first.figures_size(), 1);
  EXPECT_EQ(first.figures(0).fact(), "sales_amount_fen");
  EXPECT_EQ(first.figures(0).value(), 5000000);
  EXPECT_EQ(first.figures(0).figure(), 5000000);
  EXPECT_THAT(first.threshold(), HasSubstr("五万元以上"));
}

TEST_F(ScreeningTest, TheProcuratorateSeesEveryHitAnAgencyItsOwnOthersNone) {
  const std::vector<std::string> ids = SubmitLedger();
  const auto all = Hits("procuratorate");
  for (const char* agency : {"market", "hrss", "emergency"}) {
    const auto own = Hits(agency);
    EXPECT_FALSE(own.empty()) << agency;
    for (const auto& [case_id, rules] : own) {
      const auto row = std::find(ids.begin(), ids.end(), case_id) - ids.begin();
      EXPECT_EQ(kLedger[row].agency, agency) << "a hit of another agency's case reached " << agency;
    }
  }
  size_t owned = Hits("market").size() + Hits("hrss").size() + Hits("emergency").size();
  EXPECT_EQ(owned, all.size());
  for (const char* agency : {"psb", "justice", "government"}) {
    auto r = As(agency).ListHits({});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << agency << ": " << r.status();
  }
  // A town owns cases, so it may list its own hits: it has none here.
  EXPECT_TRUE(Hits("town-a").empty());
  // A filter by owner narrows the procuratorate's list.
  v1::ListHitsRequest only_hrss;
  only_hrss.set_owner_agency("hrss");
  EXPECT_EQ(Hits("procuratorate", only_hrss), Hits("hrss"));
  // Paging walks the same set.
  v1::ListHitsRequest paged;
  paged.set_page_size(2);
  EXPECT_EQ(Hits("procuratorate", paged), all);

  // The listing is in the access log with the cases it returned.
  v1::AgencyAccessRequest audit;
  audit.set_agency_id("procuratorate");
  audit.mutable_from()->set_seconds(0);
  audit.set_limit(1000);
  audit.set_purpose("审计线索查询");
  auto log = As("justice").AgencyAccess(audit);
  ASSERT_TRUE(log.ok()) << log.status();
  bool logged = false;
  for (const auto& e : log->entries()) {
    if (e.method() != "caselink.v1.ScreeningService/ListHits") continue;
    std::set<std::string> cases(e.case_ids().begin(), e.case_ids().end());
    if (cases.count(ids[0]) == 0) continue;
    logged = true;
    // ...and with what of them: each hit's figures are its case's facts.
    EXPECT_THAT(e.fields_full(), Contains("MetFigure.value")) << "the figures returned are not in the entry";
  }
  EXPECT_TRUE(logged) << "the procuratorate's ListHits is logged with the cases it returned";
}

TEST_F(ScreeningTest, DismissalSupervisionAndTransferMoveTheHitsState) {
  const std::vector<std::string> ids = SubmitLedger();
  const std::string sold = ids[0];     // market, art140
  const std::string unsold = ids[2];   // market, art140
  const std::string wages = ids[6];    // hrss, art276-1

  // Dismissal: the owner only, with a reason; the reason is kept.
  v1::DismissHitRequest d;
  d.set_case_id(wages);
  d.set_rule_id("art276-1-unpaid-wages");
  auto no_reason = As("hrss").DismissHit(d);
  ASSERT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument) << no_reason.status();
  EXPECT_THAT(std::string(no_reason.status().message()), HasSubstr("reason"));
  d.set_reason("欠薪已于立案前全额支付并依法赔偿（法释〔2013〕3号 第六条）");
  auto not_theirs = As("market").DismissHit(d);
  EXPECT_EQ(not_theirs.status().code(), absl::StatusCode::kNotFound) << not_theirs.status();
  auto not_a_hit = As("hrss").DismissHit([&] {
    v1::DismissHitRequest x = d;
    x.set_rule_id("art140-fake-products");
    return x;
  }());
  EXPECT_EQ(not_a_hit.status().code(), absl::StatusCode::kNotFound) << not_a_hit.status();
  EXPECT_EQ(HitOf("procuratorate", wages).state(), v1::HIT_OPEN) << "refusals changed nothing";
  auto dismissed = As("hrss").DismissHit(d);
  ASSERT_TRUE(dismissed.ok()) << dismissed.status();
  EXPECT_EQ(dismissed->hit().state(), v1::HIT_DISMISSED);
  const v1::ScreeningHit seen = HitOf("procuratorate", wages);
  EXPECT_EQ(seen.state(), v1::HIT_DISMISSED);
  EXPECT_EQ(seen.dismiss_reason(), d.reason());
  EXPECT_EQ(seen.dismissed_by(), "hrss");
  auto again = As("hrss").DismissHit(d);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());

  // 建议移送 (310号 第十四条) on a hit: SUPERVISED, naming the record.
  auto rec = Supervise("market", sold);
  ASSERT_TRUE(rec.ok()) << rec.status();
  v1::ScreeningHit supervised = HitOf("procuratorate", sold);
  EXPECT_EQ(supervised.state(), v1::HIT_SUPERVISED);
  EXPECT_EQ(supervised.item_id(), rec->record().id());
  EXPECT_EQ(HitOf("market", sold).item_id(), rec->record().id()) << "addressed to market: it sees it";
  // A supervision record addressed to another agency (the police, about
  // market's case) is not market's to see: its hit neither names the record
  // nor turns SUPERVISED, as GetSupervision answers NOT_FOUND for it.
  auto to_police = Supervise("psb", unsold);
  ASSERT_TRUE(to_police.ok()) << to_police.status();
  EXPECT_EQ(HitOf("procuratorate", unsold).state(), v1::HIT_SUPERVISED);
  const v1::ScreeningHit markets_view = HitOf("market", unsold);
  EXPECT_EQ(markets_view.state(), v1::HIT_OPEN);
  EXPECT_EQ(markets_view.item_id(), "");
  v1::GetItemRequest get_record;
  get_record.set_id(to_police->record().id());
  EXPECT_EQ(As("market").GetSupervision(get_record).status().code(), absl::StatusCode::kNotFound);
  // Nor does market's own report count that hit as supervised (it counted
  // every record, telling market of the one addressed to the police).
  v1::JointMeetingReportRequest q;
  q.set_from_date("2024-01-01");
  q.set_to_date("2030-01-01");
  q.set_purpose("联席会议");
  auto district = As("procuratorate").GetJointMeetingReport(q);
  ASSERT_TRUE(district.ok()) << district.status();
  EXPECT_EQ(district->total().screening_supervised(), 2);
  auto mine = As("market").GetJointMeetingReport(q);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->total().screening_supervised(), 1) << "the record addressed to the police is not market's to count";
  // The agency transfers: TRANSFERRED, and no longer dismissable.
  auto t = Forward(sold);
  ASSERT_TRUE(t.ok()) << t.status();
  v1::ScreeningHit transferred = HitOf("market", sold);
  EXPECT_EQ(transferred.state(), v1::HIT_TRANSFERRED);
  EXPECT_EQ(transferred.item_id(), t->transfer().id());
  v1::DismissHitRequest late;
  late.set_case_id(sold);
  late.set_rule_id("art140-fake-products");
  late.set_reason("已移送");
  EXPECT_EQ(As("market").DismissHit(late).status().code(), absl::StatusCode::kFailedPrecondition);
  // A transfer the head did not approve (不批准移送) leaves the hit open.
  v1::CreateTransferRequest refused;
  refused.set_direction(v1::TRANSFER_FORWARD);
  refused.set_case_id(unsold);
  refused.set_subject("涉嫌生产、销售伪劣产品罪");
  refused.set_not_approved_reason("负责人认为情节显著轻微");
  ASSERT_TRUE(As("market").CreateTransfer(refused).ok());
  EXPECT_EQ(HitOf("market", unsold).state(), v1::HIT_OPEN);

  v1::ListHitsRequest open_only;
  open_only.add_states(v1::HIT_OPEN);
  const auto open = Hits("procuratorate", open_only);
  EXPECT_EQ(open.count(sold), 0u);
  EXPECT_EQ(open.count(wages), 0u);
  EXPECT_EQ(open.count(unsold), 0u) << "supervised (the police's record), as the procuratorate sees it";
}

// The joint-meeting report (docs/reports.md): hits by state per agency, the
// dismissed ones with their reasons, late entries (有案必录) and the
// agencies that entered nothing (未报送单位), listed rather than left out.
// The "same reason already on record: replay" check reads, then the
// dismissal is written: identical dismissals at once must still store one.
// Each call is at its own time (the clock moves a millisecond per call), so
// duplicates would be separate records, not one key written over.
TEST_F(ScreeningTest, IdenticalConcurrentDismissalsStoreOneAndReplayTheRest) {
  const std::vector<std::string> ids = SubmitLedger();
  const std::string wages = ids[6];  // hrss, art276-1
  const std::string rule = "art276-1-unpaid-wages";
  v1::DismissHitRequest d;
  d.set_case_id(wages);
  d.set_rule_id(rule);
  d.set_reason("欠薪已于立案前全额支付");
  constexpr int kThreads = 8;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kThreads; ++i) {
    auto c = district_->ClientWith(*district_->AgencyCert("hrss"));
    ASSERT_TRUE(c.ok()) << c.status();
    clients.push_back(std::move(*c));
  }
  std::vector<absl::StatusOr<v1::DismissHitResponse>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Advance(absl::Milliseconds(1));
      results[i] = clients[i]->DismissHit(d);
    });
  }
  for (auto& t : threads) t.join();
  int fresh = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    if (!r->replayed()) ++fresh;
    EXPECT_EQ(r->hit().state(), v1::HIT_DISMISSED);
  }
  EXPECT_EQ(fresh, 1) << "one dismissal is made, the others replay it";

  clients.clear();
  district_->Stop();
  auto db = storage::Database::Open(district_->db_path());
  ASSERT_TRUE(db.ok()) << db.status();
  const std::string prefix = absl::StrCat(wages, absl::string_view("\0", 1), rule, absl::string_view("\0", 1));
  std::unique_ptr<rocksdb::Iterator> it = (*db)->NewIterator(rocksdb::ReadOptions(), storage::Table::kHitDismissals);
  int stored = 0;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++stored;
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();
  EXPECT_EQ(stored, 1);
}

TEST_F(ScreeningTest, TheJointMeetingReportCountsHitsLateEntriesAndSilentAgencies) {
  const std::vector<std::string> ids = SubmitLedger();
  v1::DismissHitRequest d;
  d.set_case_id(ids[6]);
  d.set_rule_id("art276-1-unpaid-wages");
  d.set_reason("立案前已全额支付");
  ASSERT_TRUE(As("hrss").DismissHit(d).ok());
  ASSERT_TRUE(Supervise("market", ids[0]).ok());
  ASSERT_TRUE(Forward(ids[2]).ok());
  // Entered 2024-03-05 (the server's clock) for a decision of 2024-02-01:
  // 33 days, 23 working days after it, late against the default of 7.
  v1::Case late = CaseOf(kLedger[1], 100);
  late.mutable_penalty()->set_decision_date("2024-02-01");
  v1::SubmitCaseRequest r;
  *r.mutable_case_() = late;
  ASSERT_TRUE(As("market").SubmitCase(r).ok());

  v1::JointMeetingReportRequest q;
  q.set_from_date("2024-01-01");
  q.set_to_date("2025-01-01");
  q.set_purpose("联席会议");
  auto report = As("procuratorate").GetJointMeetingReport(q);
  ASSERT_TRUE(report.ok()) << report.status();
  std::map<std::string, std::set<std::string>> hits = Hits("procuratorate");
  size_t n = 0;
  for (const auto& [c, rules] : hits) n += rules.size();
  const v1::ReportFigures& total = report->total();
  EXPECT_EQ(total.screening_hits(), static_cast<int64_t>(n));
  EXPECT_EQ(total.screening_dismissed(), 1);
  EXPECT_EQ(total.screening_supervised(), 1);
  EXPECT_EQ(total.screening_transferred(), 1);
  EXPECT_EQ(total.screening_open(), static_cast<int64_t>(n) - 3);
  ASSERT_EQ(report->dismissed_hits_size(), 1);
  EXPECT_EQ(report->dismissed_hits(0).case_id(), ids[6]);
  EXPECT_EQ(report->dismissed_hits(0).dismiss_reason(), "立案前已全额支付");
  EXPECT_EQ(report->late_entry_working_days(), 7);
  EXPECT_EQ(total.entries_late(), 1);
  EXPECT_EQ(total.entries_timed(), total.cases());
  for (const v1::AgencyTotal& a : report->agency_totals()) {
    if (a.agency() == "market") {
      EXPECT_EQ(a.figures().entries_late(), 1);
      EXPECT_GT(a.figures().screening_hits(), 0);
    }
  }
  std::set<std::string> silent;
  for (const v1::AgencyTotal& a : report->agencies_without_entries()) silent.insert(a.agency());
  EXPECT_EQ(silent, (std::set<std::string>{"town-a"})) << "the town entered nothing and is listed";
}

TEST_F(ScreeningTest, ANewVersionBelowTheThresholdClearsItsHitAndARuleChangeRescreens) {
  const std::vector<std::string> ids = SubmitLedger();
  // A corrected version below the figure: the hit goes with it.
  auto current = As("market").GetCase([&] {
    v1::GetCaseRequest g;
    g.set_case_id(ids[2]);
    g.set_purpose("更正");
    return g;
  }());
  ASSERT_TRUE(current.ok()) << current.status();
  v1::SubmitCaseRequest fix;
  *fix.mutable_case_() = *current;
  fix.mutable_case_()->mutable_measured_facts()->set_unsold_goods_value_fen(10000000);
  fix.set_expected_version(current->version());
  ASSERT_TRUE(As("market").SubmitCase(fix).ok());
  EXPECT_EQ(Hits("procuratorate").count(ids[2]), 0u);

  // The district raises the sales figure: after the restart the store is
  // rescreened, and the case exactly at ¥50,000 no longer meets it.
  std::string text;
  {
    std::ifstream in(rules_path_);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string from = "all_of { fact: \"sales_amount_fen\" comparison: AT_LEAST figure: 5000000 }";
  ASSERT_TRUE(absl::StrContains(text, from));
  absl::StrReplaceAll({{from, "all_of { fact: \"sales_amount_fen\" comparison: AT_LEAST figure: 6000000 }"}}, &text);
  std::ofstream(rules_path_, std::ios::trunc) << text;
  ASSERT_TRUE(district_->Restart().ok());
  bool cleared = false;
  for (int i = 0; i < 200 && !cleared; ++i) {
    cleared = Hits("procuratorate").count(ids[0]) == 0;
    if (!cleared) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(cleared) << "the rescreen removed the hit the old figure gave";
  EXPECT_EQ(Hits("procuratorate").count(ids[4]), 1u) << "hits the new rules still give stay";
  // The operator follows the rescreen in the metrics: every case read, the
  // one whose hits changed rewritten.
  auto gauge = [&](const std::string& name) {
    httplib::Client http("127.0.0.1", district_->server().admin_port());
    auto res = http.Get("/metrics");
    if (!res || res->status != 200) return -1.0;
    for (absl::string_view line : absl::StrSplit(res->body, '\n')) {
      if (absl::StartsWith(line, name + " ")) return std::stod(std::string(line.substr(name.size() + 1)));
    }
    return -1.0;
  };
  for (int i = 0; i < 200 && gauge("caselink_screening_rescreen_running") != 0; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(gauge("caselink_screening_rescreen_running"), 0);
  EXPECT_EQ(gauge("caselink_screening_rescreen_cases_read"), static_cast<double>(std::size(kLedger)));
  EXPECT_EQ(gauge("caselink_screening_rescreen_cases_changed"), 1);
}

// The operator's reload (SIGHUP) re-reads the rules: a good file rescreens
// the store; a bad one fails the reload naming file and line, and the rules
// in force stay. --check-config finds the same problem before a start.
TEST_F(ScreeningTest, AReloadRescreensWithGoodRulesAndKeepsTheOldOnesOnABadFile) {
  const std::vector<std::string> ids = SubmitLedger();
  std::string text;
  {
    std::ifstream in(rules_path_);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  absl::StrReplaceAll({{"all_of { fact: \"hazardous_waste_kg\" comparison: AT_LEAST figure: 3000 }",
                        "all_of { fact: \"hazardous_waste_kg\" comparison: AT_LEAST figure: 2999 }"}},
                      &text);
  std::ofstream(rules_path_, std::ios::trunc) << text;
  ASSERT_TRUE(district_->server().ReloadPolicy().ok());
  bool rescreened = false;
  for (int i = 0; i < 200 && !rescreened; ++i) {
    rescreened = Hits("procuratorate").count(ids[23]) == 1;  // 2,999 kg: now at the figure
    if (!rescreened) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(rescreened) << "the reload rescreened with the new figure";

  std::ofstream(rules_path_, std::ios::trunc) << "rules { id: \"x\" offence: \"罪\" article: \"刑法\"\n"
                                                 "  any_of { label: \"l\" all_of { fact: \"no_such_fact\" } } }\n";
  absl::Status reload = district_->server().ReloadPolicy();
  ASSERT_FALSE(reload.ok());
  EXPECT_THAT(std::string(reload.message()), HasSubstr("no_such_fact"));
  // The rules in force are still those of the last good file.
  v1::SubmitCaseRequest r;
  *r.mutable_case_() = CaseOf(kLedger[23], 200);  // 2,999 kg again
  auto made = As("market").SubmitCase(r);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(Hits("procuratorate").count(made->case_().case_id()), 1u);

  v1::ServerConfig config;
  config.mutable_screening()->set_rules_file(rules_path_);
  absl::Status checked = server::CheckServerConfig(config);
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(std::string(checked.message()), HasSubstr(rules_path_));
  EXPECT_THAT(std::string(checked.message()), HasSubstr("'no_such_fact' is not a CaseFacts field"));
}


// A hit says its case's measured facts meet a threshold (its figures give
// them exactly for IS_TRUE), and its dismissal weighs them: a reader whose
// rule withholds the case's `measured_facts` gets no hit of the case at all,
// in ListHits, in the report's list or in the report's screening figures, and
// no entry names the case for it. Before, it got the hit (rule, threshold,
// state) with the values withheld. Declared in screening.proto
// (existence_governed_by; aggregates on the figures), applied by the response
// filter and the report's tally.
class ScreeningFactsWithheldTest : public ScreeningTest {
 protected:
  void SetUp() override {
    std::string policy = TestDistrict::ExamplePolicyText();
    for (const char* rule : {"screening-procuratorate", "report-district"}) {
      const std::string head = absl::StrCat("name: \"", rule, "\"");
      const size_t at = policy.find(head);
      ASSERT_NE(at, std::string::npos) << rule;
      const std::string grant = "fields { sensitivity: INTERNAL action: ALLOW }";
      const size_t g = policy.find(grant, at);
      ASSERT_NE(g, std::string::npos) << rule;
      policy.insert(g + grant.size(), "\n  fields { path: \"measured_facts\" action: DENY }");
    }
    policy_text_ = policy;
    ScreeningTest::SetUp();
  }
};

TEST_F(ScreeningFactsWithheldTest, AHitReachesOnlyReadersOfTheCasesFacts) {
  const std::vector<std::string> ids = SubmitLedger();
  const std::string wages = ids[6];  // hrss, art276-1
  v1::DismissHitRequest d;
  d.set_request_id("dismiss-wages");
  d.set_case_id(wages);
  d.set_rule_id("art276-1-unpaid-wages");
  d.set_reason("欠薪已于立案前全额支付");
  auto dismissed = As("hrss").DismissHit(d);
  ASSERT_TRUE(dismissed.ok()) << dismissed.status();
  EXPECT_EQ(dismissed->hit().dismiss_reason(), d.reason()) << "the owner reads its own facts";

  const v1::ScreeningHit owners = HitOf("hrss", wages);
  ASSERT_GT(owners.figures_size(), 0);
  EXPECT_GT(owners.figures(0).value(), 0);
  EXPECT_EQ(owners.dismiss_reason(), d.reason());
  EXPECT_EQ(owners.owner_agency(), "hrss");

  EXPECT_TRUE(Hits("procuratorate").empty()) << "no hit reaches a reader its rule withholds the facts from";
  // Nor does a page token count them (hits left out before paging).
  v1::ListHitsRequest one;
  one.set_page_size(1);
  auto page = As("procuratorate").ListHits(one);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->hits_size(), 0);
  EXPECT_EQ(page->next_page_token(), "") << "a page token would tell that hidden hits exist";

  v1::JointMeetingReportRequest q;
  q.set_from_date("2024-01-01");
  q.set_to_date("2030-01-01");
  q.set_purpose("联席会议");
  auto report = As("government").GetJointMeetingReport(q);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->dismissed_hits_size(), 0);
  EXPECT_EQ(report->total().screening_hits(), 0);
  EXPECT_EQ(report->total().screening_dismissed(), 0);
  EXPECT_GT(report->total().cases(), 0) << "the cases themselves still count";
  // The owner's own report counts its hits.
  auto own = As("hrss").GetJointMeetingReport(q);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_GT(own->total().screening_hits(), 0);
  EXPECT_EQ(own->total().screening_dismissed(), 1);

  // No ListHits entry of the procuratorate names the case.
  v1::AgencyAccessRequest audit;
  audit.mutable_from()->set_seconds(0);
  audit.set_limit(1000);
  audit.set_purpose("审计线索查询");
  audit.set_agency_id("procuratorate");
  auto log = As("justice").AgencyAccess(audit);
  ASSERT_TRUE(log.ok()) << log.status();
  int listings = 0;
  for (const auto& e : log->entries()) {
    if (e.method() != "caselink.v1.ScreeningService/ListHits") continue;
    ++listings;
    EXPECT_THAT(e.case_ids(), Not(Contains(wages)));
  }
  EXPECT_GT(listings, 0);
}

}  // namespace
}  // namespace caselink::testing
