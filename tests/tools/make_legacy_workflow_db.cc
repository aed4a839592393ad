// Writes a small caselink database with workflow items in every flow and at
// several steps, for tests that check a newer server still opens data an
// older one wrote (tests/data/legacy-*/, workflow_legacy_data_test.cc).
// Built on demand only; run it at the commit whose schema it should capture:
//   cmake --build build --target make_legacy_workflow_db
//   build/tests/make_legacy_workflow_db OUT_DIR
// It prints the item ids and states it made (kept in OUT_DIR/items.txt).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/time/time.h"
#include "support/test_district.h"

using namespace caselink;
using caselink::testing::DistrictOptions;
using caselink::testing::TestDistrict;

namespace {

v1::WorkflowActionRequest Act(const std::string& id, v1::WorkflowAction a, const std::string& reason) {
  v1::WorkflowActionRequest r;
  r.set_id(id);
  r.set_action(a);
  r.set_reason(reason);
  return r;
}

template <class T>
T Must(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::cerr << what << ": " << v.status() << "\n";
    std::exit(1);
  }
  return *std::move(v);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_legacy_workflow_db OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  // 2024-03-05 10:00 Asia/Shanghai, advanced by hand below.
  auto now = std::make_shared<absl::Time>(absl::FromUnixSeconds(1709604000));
  DistrictOptions o;
  o.now = [now] { return *now; };
  auto d = Must(TestDistrict::Start(o), "start");
  std::filesystem::create_directories(out);
  std::ofstream items(out / "items.txt");

  auto c1 = Must(d->As("market").SubmitCase(caselink::testing::SampleCase()), "case");
  auto c2 = Must(d->As("market").SubmitCase(caselink::testing::SampleCase()), "case");
  auto forward = [&](const std::string& case_id) {
    v1::CreateTransferRequest req;
    req.set_direction(v1::TRANSFER_FORWARD);
    req.set_receiver_agency("psb");
    req.set_case_id(case_id);
    req.set_subject("涉嫌生产、销售伪劣产品罪");
    auto* m = req.add_materials();
    m->set_title("涉嫌犯罪案件移送书");
    m->set_reference("某监移〔2024〕3号");
    return Must(d->As("market").CreateTransfer(req), "forward").transfer().id();
  };
  // A forward transfer accepted after one day, and one refused then in reconsideration.
  const std::string accepted = forward(c1.case_().case_id());
  *now += absl::Hours(24);
  Must(d->As("psb").ActOnTransfer(Act(accepted, v1::ACTION_ACCEPT, "")), "accept");
  const std::string refused = forward(c2.case_().case_id());
  Must(d->As("psb").ActOnTransfer(Act(refused, v1::ACTION_REFUSE, "犯罪事实显著轻微")), "refuse");
  Must(d->As("market").ActOnTransfer(Act(refused, v1::ACTION_REQUEST_RECONSIDERATION, "数额已达追诉标准")),
       "reconsider");
  // A reverse transfer acknowledged ten days after delivery.
  v1::CreateTransferRequest rev;
  rev.set_direction(v1::TRANSFER_REVERSE);
  rev.set_receiver_agency("market");
  rev.set_subject("检察意见: 被不起诉人应当给予行政处罚");
  const std::string reverse = Must(d->As("procuratorate").CreateTransfer(rev), "reverse").transfer().id();
  *now += absl::Hours(24 * 10);
  Must(d->As("market").ActOnTransfer(Act(reverse, v1::ACTION_ACKNOWLEDGE, "")), "acknowledge");
  // A supervision record replied to.
  v1::CreateSupervisionRequest sup;
  sup.set_kind(v1::SUPERVISION_RECOMMENDATION);
  sup.set_receiver_agency("market");
  sup.add_case_ids(c1.case_().case_id());
  sup.set_subject("建议规范涉案物品管理");
  sup.set_document_number("某检行建〔2024〕5号");
  const std::string record = Must(d->As("procuratorate").CreateSupervision(sup), "supervision").record().id();
  *now += absl::Hours(24 * 3);
  Must(d->As("market").ActOnSupervision(Act(record, v1::ACTION_REPLY, "已制定涉案物品管理办法")), "reply");

  items << "accepted " << accepted << "\nrefused " << refused << "\nreverse " << reverse
        << "\nrecord " << record << "\ncase " << c1.case_().case_id() << "\n";
  items.close();
  const std::string db = d->db_path();
  const std::string dir = d->dir();
  d->Stop();
  std::filesystem::copy(db, out / "db", std::filesystem::copy_options::recursive);
  std::filesystem::copy_file(std::filesystem::path(dir) / "audit-hmac.key", out / "audit-hmac.key");
  for (const auto& e : std::filesystem::directory_iterator(out / "db")) {
    // RocksDB's info logs are noise in a fixture.
    if (e.path().filename().string().rfind("LOG", 0) == 0) std::filesystem::remove(e.path());
  }
  std::cout << "wrote " << out << "\n";
  return 0;
}
