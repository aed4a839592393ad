// Shared helpers of the workflow tests: a TestDistrict with a controllable
// clock, and one-line wrappers for cases, transfers and actions through the
// real client library.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "support/test_district.h"

namespace caselink::testing {

// The events an agency's stream holds now (replayed from cursor 0), waiting
// up to 5 s for `at_least` of them.
inline std::vector<v1::Event> EventsOf(Client& client, int at_least) {
  std::vector<v1::Event> got;
  WatchCanceller cancel;
  WatchOptions o;
  o.purpose = "test";
  std::thread timer([&cancel] {
    for (int i = 0; i < 100 && !cancel.cancelled(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel.Cancel();
  });
  (void)client.Watch(o, [&](const v1::Event& e) {
    got.push_back(e);
    return static_cast<int>(got.size()) < at_least;
  }, &cancel);
  cancel.Cancel();
  timer.join();
  return got;
}

class WorkflowTest : public ::testing::Test {
 protected:
  // 2024-03-05 10:00 Asia/Shanghai.
  static absl::Time Start() { return absl::FromUnixSeconds(1709604000); }

  void SetUp() override { StartDistrict(DistrictOptions{}); }

  void StartDistrict(DistrictOptions o) {
    now_ns_ = absl::ToUnixNanos(Start());
    o.now = [this] { return absl::FromUnixNanos(now_ns_.load()); };
    auto d = TestDistrict::Start(std::move(o));
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
  }

  void SetNow(absl::Time t) { now_ns_ = absl::ToUnixNanos(t); }
  void Advance(absl::Duration d) { now_ns_ += absl::ToInt64Nanoseconds(d); }
  static absl::TimeZone Shanghai() {
    absl::TimeZone tz;
    EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &tz));
    return tz;
  }
  // When a deadline falls due.
  static absl::Time Due(const v1::Deadline& d) {
    return absl::FromUnixSeconds(d.due_time().seconds()) + absl::Nanoseconds(d.due_time().nanos());
  }
  // The caller's overdue transfers (ListOverdue), -1 on error.
  static int OverdueTransfers(Client& c) {
    auto r = c.ListOverdue();
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->transfers_size() : -1;
  }
  static absl::Time Cst(int y, int m, int d, int hh, int mm) {
    return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), Shanghai());
  }

  Client& As(const std::string& agency) { return district_->As(agency); }

  std::string NewCase(const std::string& agency, v1::Domain domain = v1::MARKET_ORDER) {
    auto r = As(agency).SubmitCase(SampleCase(domain));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->case_().case_id() : "";
  }

  absl::StatusOr<v1::TransferResponse> Forward(const std::string& case_id,
                                               const std::string& from = "market",
                                               const std::string& to = "psb") {
    v1::CreateTransferRequest req;
    req.set_direction(v1::TRANSFER_FORWARD);
    req.set_receiver_agency(to);
    req.set_case_id(case_id);
    req.set_subject("涉嫌生产、销售伪劣产品罪");
    AddTransferMaterials(&req);
    return As(from).CreateTransfer(req);
  }

  // A fresh forward transfer market -> psb of a fresh market case.
  std::string NewForward() {
    auto t = Forward(NewCase("market"));
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? t->transfer().id() : "";
  }

  absl::StatusOr<v1::TransferResponse> Reverse(const std::string& to = "market",
                                               const std::string& case_id = "") {
    v1::CreateTransferRequest req;
    req.set_direction(v1::TRANSFER_REVERSE);
    req.set_receiver_agency(to);
    req.set_case_id(case_id);
    req.set_subject("检察意见: 被不起诉人应当给予行政处罚");
    return As("procuratorate").CreateTransfer(req);
  }

  absl::StatusOr<v1::SupervisionResponse> Supervise(const std::string& to,
                                                    const std::string& case_id) {
    v1::CreateSupervisionRequest req;
    req.set_kind(v1::SUPERVISION_RECOMMENDATION);
    req.set_receiver_agency(to);
    if (!case_id.empty()) req.add_case_ids(case_id);
    req.set_subject("建议规范涉案物品管理");
    req.set_document_number("某检行建〔2024〕5号");
    return As("procuratorate").CreateSupervision(req);
  }

  static v1::WorkflowActionRequest Action(const std::string& id, v1::WorkflowAction a,
                                          const std::string& reason = "",
                                          const std::string& linked = "") {
    v1::WorkflowActionRequest r;
    r.set_id(id);
    r.set_action(a);
    r.set_reason(reason);
    r.set_linked_case_id(linked);
    // A reply to the procuratorate declares whether it was adopted.
    if (a == v1::ACTION_REPLY) r.set_adoption(v1::ADOPTED);
    if (a == v1::ACTION_RESUBMIT || a == v1::ACTION_HAND_OVER_ITEMS) {
      auto* m = r.add_materials();
      m->set_title("补充材料");
      m->set_reference("某监补〔2024〕1号");
    }
    return r;
  }

  absl::StatusOr<v1::TransferResponse> ActT(const std::string& agency, const std::string& id,
                                            v1::WorkflowAction a, const std::string& reason = "",
                                            const std::string& linked = "") {
    return As(agency).ActOnTransfer(Action(id, a, reason, linked));
  }
  absl::StatusOr<v1::SupervisionResponse> ActS(const std::string& agency, const std::string& id,
                                               v1::WorkflowAction a, const std::string& reason = "") {
    return As(agency).ActOnSupervision(Action(id, a, reason));
  }

  // The access-log entries of `agency`'s successful calls whose method ends
  // with `method` (e.g. "CaseService/GetCase"), as the procuratorate reads
  // them through AuditService.AgencyAccess.
  std::vector<v1::AuditEntry> LoggedCalls(const std::string& agency, const std::string& method) {
    v1::AgencyAccessRequest audit;
    audit.mutable_from()->set_seconds(0);
    audit.set_limit(1000);
    audit.set_purpose("访问审计");
    audit.set_agency_id(agency);
    auto log = As("procuratorate").AgencyAccess(audit);
    EXPECT_TRUE(log.ok()) << log.status();
    std::vector<v1::AuditEntry> out;
    if (!log.ok()) return out;
    for (const v1::AuditEntry& e : log->entries()) {
      const std::string& m = e.method();
      const bool named = m.size() >= method.size() && m.compare(m.size() - method.size(), method.size(), method) == 0;
      if (e.status_code() == 0 && named) out.push_back(e);
    }
    return out;
  }

  std::atomic<int64_t> now_ns_{0};
  std::unique_ptr<TestDistrict> district_;
};

}  // namespace caselink::testing
