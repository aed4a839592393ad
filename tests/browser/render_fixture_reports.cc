// Writes an offline HTML report built from a hand-made fixture, for the
// real-browser test (tests/browser.cmake, ctest label `browser`):
//
//   render_fixture_reports OUT.html [KIND]
//
// KIND names the report (default `joint-meeting`). Each kind is one entry of
// kKinds below: a function building its fixture and rendering it, so a new
// report page (e.g. `campaign-summary`) is one more function and one more row.
//
// The joint-meeting fixture has several rows per agency with non-zero figures
// in every series, Chinese agency names and a few entries in every list (one
// campaign, two decision items), so that every chart of cli/report_html.cc
// draws bars and every table has rows.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "google/protobuf/descriptor.h"

#include "caselink/v1/oversight.pb.h"
#include "caselink/v1/report.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "campaign_summary_html.h"
#include "report_html.h"

namespace caselink {
namespace {

// The figures of one row, from a seed so that rows differ; every series the
// charts draw is non-zero and the sums are consistent (sent = accepted +
// refused + pending + withdrawn, and so on).
v1::ReportFigures RowFigures(int seed) {
  v1::ReportFigures f;
  f.set_cases(10 + 7 * seed);
  f.set_cases_decided(6 + 5 * seed);
  f.set_penalty_amount_fen(1234500 + 987654 * static_cast<int64_t>(seed));
  f.set_major_cases(1 + seed % 3);
  f.set_forward_accepted(2 + seed % 4);
  f.set_forward_refused(1 + seed % 2);
  f.set_forward_pending(1 + seed % 3);
  f.set_forward_withdrawn(1);
  f.set_forward_sent(f.forward_accepted() + f.forward_refused() + f.forward_pending() + f.forward_withdrawn());
  f.set_forward_overdue(1);
  f.set_forward_not_approved(seed % 2);
  f.set_reverse_answered(1 + seed % 2);
  f.set_reverse_pending(1 + seed % 3);
  f.set_reverse_sent(f.reverse_answered() + f.reverse_pending());
  f.set_reverse_overdue(1);
  f.set_reverse_penalized(1);
  f.set_supervision_issued(3 + seed % 4);
  f.set_supervision_answered(2 + seed % 2);
  f.set_supervision_rectified(1 + seed % 2);
  f.set_supervision_overdue(1);
  f.set_recommendation_replied(1 + seed % 2);
  f.set_recommendation_adopted(1);
  f.set_opinion_replied(1);
  f.set_opinion_adopted(1);
  f.set_correction_replied(0 + seed % 2);
  f.set_correction_adopted(0);
  f.set_entries_late(seed % 3);
  f.set_entries_timed(f.cases() - 1);
  f.set_entry_delay_median_days(2 + seed % 5);
  f.set_screening_open(1 + seed % 2);
  f.set_screening_supervised(seed % 2);
  f.set_screening_transferred(1);
  f.set_screening_dismissed(1);
  f.set_screening_hits(f.screening_open() + f.screening_supervised() + f.screening_transferred() +
                       f.screening_dismissed());
  return f;
}

// Adds every count of `b` to `a`, field by field (the median is kept as the
// larger one: the fixture does not need the real median of the cases).
void AddFigures(v1::ReportFigures* a, const v1::ReportFigures& b) {
  const auto* d = v1::ReportFigures::descriptor();
  const auto* refl = v1::ReportFigures::GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* field = d->field(i);
    const int64_t va = refl->GetInt64(*a, field), vb = refl->GetInt64(b, field);
    refl->SetInt64(a, field, field->name() == "entry_delay_median_days" ? std::max(va, vb) : va + vb);
  }
}

google::protobuf::Timestamp At(int64_t unix_seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(unix_seconds);
  return t;
}

v1::JointMeetingReport JointMeetingFixture() {
  struct Agency {
    const char* id;
    const char* name;
    std::vector<v1::Domain> domains;
  };
  const std::vector<Agency> agencies = {
      {"emergency", "区应急管理局", {v1::WORK_SAFETY, v1::CAMPUS_SAFETY}},
      {"env", "区生态环境局", {v1::OTHER_DOMAIN, v1::CROSS_DISTRICT}},
      {"hrss", "区人力资源和社会保障局", {v1::LABOUR_PROTECTION, v1::MASS_VICTIM_CRIME}},
      {"market", "区市场监督管理局", {v1::MARKET_ORDER, v1::PUBLIC_ORDER, v1::MASS_VICTIM_CRIME}},
      {"town-east", "东城镇人民政府", {v1::PUBLIC_ORDER, v1::WORK_SAFETY}},
  };
  v1::JointMeetingReport r;
  r.set_from_date("2024-04-01");
  r.set_to_date("2024-07-01");
  r.set_time_zone("Asia/Shanghai");
  *r.mutable_as_of() = At(1719800000);  // 2024-07-01 10:13 Asia/Shanghai
  r.set_late_entry_working_days(7);
  int seed = 0;
  for (const Agency& a : agencies) {
    v1::AgencyTotal* total = r.add_agency_totals();
    total->set_agency(a.id);
    total->set_agency_name(a.name);
    for (v1::Domain domain : a.domains) {
      v1::ReportRow* row = r.add_rows();
      row->set_agency(a.id);
      row->set_agency_name(a.name);
      row->set_domain(domain);
      *row->mutable_figures() = RowFigures(seed++);
      AddFigures(total->mutable_figures(), row->figures());
    }
    AddFigures(r.mutable_total(), total->figures());
  }

  struct Overdue {
    const char* id;
    v1::OverdueItem::Kind kind;
    const char* agency;
    const char* sender;
    const char* receiver;
    v1::WorkflowState state;
    v1::Domain domain;
    const char* case_id;
    const char* document_number;
    const char* rule;
    int64_t days;
  };
  const std::vector<Overdue> overdue = {
      {"T20240412-0003", v1::OverdueItem::FORWARD_TRANSFER, "market", "market", "police", v1::STATE_SENT,
       v1::MARKET_ORDER, "SCJG-2024-0107", "", "国务院令第310号 第八条", 41},
      {"R20240503-0001", v1::OverdueItem::REVERSE_TRANSFER, "emergency", "procuratorate", "emergency",
       v1::STATE_ACKNOWLEDGED, v1::WORK_SAFETY, "YJ-2024-0033", "", "行政执法与刑事司法衔接办法 第十五条", 17},
      {"S20240520-0002", v1::OverdueItem::SUPERVISION_RECORD, "hrss", "procuratorate", "hrss", v1::STATE_ISSUED,
       v1::LABOUR_PROTECTION, "RS-2024-0211", "某检行建〔2024〕5号", "人民检察院检察建议工作规定 第十九条", 9},
  };
  for (const Overdue& o : overdue) {
    v1::OverdueItem* item = r.add_overdue();
    item->set_id(o.id);
    item->set_kind(o.kind);
    item->set_agency(o.agency);
    item->set_sender_agency(o.sender);
    item->set_receiver_agency(o.receiver);
    item->set_state(o.state);
    item->set_domain(o.domain);
    item->set_case_id(o.case_id);
    item->set_document_number(o.document_number);
    *item->mutable_start_time() = At(1713000000);
    *item->mutable_deadline()->mutable_due_time() = At(1716000000);
    item->mutable_deadline()->set_rule(o.rule);
    item->set_days_overdue(o.days);
  }
  r.set_overdue_omitted(2);

  struct Major {
    const char* case_id;
    const char* owner;
    v1::Domain domain;
    const char* title;
    const char* decision_date;
    int64_t amount_fen;
  };
  const std::vector<Major> majors = {
      {"SCJG-2024-0107", "market", v1::MARKET_ORDER, "销售不符合食品安全标准的食品案", "2024-05-10", 15000000},
      {"YJ-2024-0033", "emergency", v1::WORK_SAFETY, "某化工企业未按规定排查事故隐患案", "2024-06-02", 48000000},
      {"HJ-2024-0019", "env", v1::OTHER_DOMAIN, "通过暗管排放含重金属废水案", "", 0},
  };
  for (const Major& m : majors) {
    v1::Case* c = r.add_major_cases();
    c->set_case_id(m.case_id);
    c->set_owner_agency(m.owner);
    c->set_domain(m.domain);
    c->set_title(m.title);
    c->set_major(true);
    if (m.decision_date[0] != '\0') {
      c->mutable_penalty()->set_decision_date(m.decision_date);
      c->mutable_penalty()->set_amount_fen(m.amount_fen);
    }
  }

  for (const auto& [id, name] : std::vector<std::pair<const char*, const char*>>{
           {"town-west", "西湖镇人民政府"}, {"culture", "区文化和旅游局"}}) {
    v1::AgencyTotal* silent = r.add_agencies_without_entries();
    silent->set_agency(id);
    silent->set_agency_name(name);
  }

  v1::ScreeningHit* h = r.add_dismissed_hits();
  h->set_case_id("RS-2024-0188");
  h->set_owner_agency("hrss");
  h->set_offence("拒不支付劳动报酬罪");
  h->set_threshold("（一）拒不支付一名劳动者三个月以上的劳动报酬且数额在五千元至二万元以上");
  h->set_dismiss_reason("立案前已全额支付并赔偿");
  h->set_dismissed_by("hrss");
  h = r.add_dismissed_hits();
  h->set_case_id("SCJG-2024-0150");
  h->set_owner_agency("market");
  h->set_offence("生产、销售伪劣产品罪");
  h->set_threshold("销售金额五万元以上");
  h->set_dismiss_reason("经核实销售金额不足五万元");
  h->set_dismissed_by("market");
  return r;
}

// The campaign summary fixture: three inspected agencies, each with its whole
// row and one row per criterion, every agency with cases in two or three
// grades (so both charts of cli/campaign_summary_html.cc draw bars), the
// district row, two reviews that differ and an overdue notice.
v1::CampaignSummary CampaignSummaryFixture() {
  v1::CampaignSummary s;
  v1::Campaign* c = s.mutable_campaign();
  c->set_id("CP20240105-0001");
  c->set_name("2024年上半年行政处罚案卷评查专项行动");
  c->set_from_date("2024-01-01");
  c->set_to_date("2024-07-01");
  c->set_organizer_agency("justice");
  struct Criterion {
    const char* id;
    const char* name;
    int weight;
  };
  const std::vector<Criterion> criteria = {
      {"law", "法律适用", 30}, {"procedure", "程序合法", 30}, {"evidence", "证据充分", 25}, {"documents", "文书规范", 15}};
  for (const Criterion& k : criteria) {
    v1::Criterion* out = c->add_criteria();
    out->set_id(k.id);
    out->set_name(k.name);
    out->set_weight(k.weight);
    out->set_max_score(10);
  }
  c->mutable_grades()->set_excellent_min(90);
  c->mutable_grades()->set_pass_min(60);
  *s.mutable_generate_time() = At(1719800000);

  struct Agency {
    const char* id;
    int64_t sampled, reviewed;
    int32_t average_centi;
    int64_t excellent, pass, fail, findings, notices, open, overdue, accepted;
  };
  const std::vector<Agency> agencies = {
      {"emergency", 6, 6, 8875, 2, 4, 0, 5, 2, 1, 1, 1},
      {"hrss", 4, 4, 7350, 0, 3, 1, 7, 2, 2, 0, 0},
      {"market", 8, 7, 9125, 5, 1, 1, 3, 1, 0, 0, 1},
  };
  v1::SummaryRow district;
  for (const Agency& a : agencies) {
    c->add_agencies(a.id);
    v1::SummaryRow* whole = s.add_rows();
    whole->set_agency_id(a.id);
    whole->set_cases_sampled(a.sampled);
    whole->set_cases_reviewed(a.reviewed);
    whole->set_average_centi(a.average_centi);
    whole->set_excellent(a.excellent);
    whole->set_pass(a.pass);
    whole->set_fail(a.fail);
    whole->set_findings(a.findings);
    whole->set_notices(a.notices);
    whole->set_notices_open(a.open);
    whole->set_notices_overdue(a.overdue);
    whole->set_notices_accepted(a.accepted);
    for (size_t k = 0; k < criteria.size(); ++k) {
      v1::SummaryRow* row = s.add_rows();
      *row = *whole;
      row->set_criterion_id(criteria[k].id);
      row->set_average_centi(std::min<int32_t>(10000, a.average_centi - 400 + 250 * static_cast<int32_t>(k)));
      row->set_findings(k == 1 ? a.findings : 0);
      row->clear_notices();
      row->clear_notices_open();
      row->clear_notices_overdue();
      row->clear_notices_accepted();
    }
    const auto* d = v1::SummaryRow::descriptor();
    const auto* refl = v1::SummaryRow::GetReflection();
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* field = d->field(i);
      if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT64) continue;
      refl->SetInt64(&district, field, refl->GetInt64(district, field) + refl->GetInt64(*whole, field));
    }
  }
  district.set_average_centi(8450);
  *s.add_rows() = district;

  v1::ReviewDifference* diff = s.add_differences();
  diff->set_case_id("RS-2024-0211");
  diff->set_agency_id("hrss");
  for (const auto& [reviewer, total, grade] : std::vector<std::tuple<const char*, int32_t, v1::Grade>>{
           {"justice", 6150, v1::GRADE_PASS}, {"procuratorate", 5200, v1::GRADE_FAIL}}) {
    v1::Review* r = diff->add_reviews();
    r->set_campaign_id(c->id());
    r->set_case_id(diff->case_id());
    r->set_case_agency("hrss");
    r->set_reviewer_agency(reviewer);
    r->set_version(1);
    r->set_total_centi(total);
    r->set_grade(grade);
    v1::Finding* f = r->add_findings();
    f->set_criterion_id("procedure");
    f->set_description("未告知当事人陈述、申辩权利");
    f->set_legal_basis("《中华人民共和国行政处罚法》第四十四条");
  }

  v1::Rectification* n = s.add_overdue();
  n->set_id("RN20240510-0002");
  n->set_campaign_id(c->id());
  n->set_state(v1::STATE_ISSUED);
  n->set_sender_agency("justice");
  n->set_receiver_agency("emergency");
  n->add_case_ids("YJ-2024-0033");
  n->add_case_ids("YJ-2024-0041");
  n->set_document_number("某司执监〔2024〕3号");
  n->set_due_date("2024-06-14");
  n->set_subject("规范现场检查笔录和证据收集程序，逐案补正");
  n->set_overdue(true);
  return s;
}

std::string RenderCampaignSummary() { return cli::RenderCampaignSummaryHtml(CampaignSummaryFixture()); }

// The joint-meeting report with its 行政执法监督 (the campaign summary above,
// so the section draws its two charts) and two 议定事项, one overdue.
std::string RenderJointMeeting() {
  v1::JointMeetingReport r = JointMeetingFixture();
  *r.add_campaigns() = CampaignSummaryFixture();
  struct Decision {
    const char* id;
    v1::WorkflowState state;
    const char* owner;
    const char* subject;
    const char* due_date;
    bool overdue;
  };
  const std::vector<Decision> decisions = {
      {"A20240412-0001", v1::STATE_ASSIGNED, "market", "牵头开展食品安全领域“两法衔接”案件回头看，逐案说明移送情况",
       "2024-05-31", true},
      {"A20240412-0002", v1::STATE_CLOSED, "emergency", "建立危险化学品案件线索双向通报机制", "2024-06-28", false},
  };
  for (const Decision& d : decisions) {
    v1::DecisionItem* item = r.add_decisions();
    item->set_id(d.id);
    item->set_meeting_id("M20240412-0001");
    item->set_state(d.state);
    item->set_sender_agency("government");
    item->set_receiver_agency(d.owner);
    item->set_subject(d.subject);
    item->set_due_date(d.due_date);
    item->set_overdue(d.overdue);
    if (d.state != v1::STATE_CLOSED) r.set_decisions_open(r.decisions_open() + 1);
    if (d.overdue) r.set_decisions_overdue(r.decisions_overdue() + 1);
  }
  return cli::RenderReportHtml(r);
}

struct Kind {
  const char* name;
  std::string (*render)();
};
// Add a report kind here.
constexpr Kind kKinds[] = {
    {"joint-meeting", RenderJointMeeting},
    {"campaign-summary", RenderCampaignSummary},
};

}  // namespace
}  // namespace caselink

int main(int argc, char** argv) {
  using caselink::kKinds;
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: " << argv[0] << " OUT.html [KIND]\nkinds:";
    for (const auto& k : kKinds) std::cerr << ' ' << k.name;
    std::cerr << '\n';
    return 2;
  }
  const std::string kind = argc == 3 ? argv[2] : kKinds[0].name;
  for (const auto& k : kKinds) {
    if (kind != k.name) continue;
    const std::string html = k.render();
    std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
    out << html;
    out.close();
    if (!out) {
      std::perror(argv[1]);
      return 1;
    }
    std::cout << "wrote " << argv[1] << " (" << kind << ", " << html.size() << " bytes)\n";
    return 0;
  }
  std::cerr << "unknown report kind: " << kind << '\n';
  return 2;
}
