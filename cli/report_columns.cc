#include "report_columns.h"

#include "caselink_common/district_time_zone.h"
#include "caselink_common/proto_time.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "campaign_summary_render.h"

namespace caselink::cli {

const std::vector<ReportColumn>& ReportColumns() {
  using F = v1::ReportFigures;
  static const auto* cols = new std::vector<ReportColumn>{
      {"案件", [](const F& f) { return f.cases(); }},
      {"已决定", [](const F& f) { return f.cases_decided(); }},
      {"罚没金额(元)", [](const F& f) { return f.penalty_amount_fen(); }, true},
      {"重大案件", [](const F& f) { return f.major_cases(); }},
      {"正向移送", [](const F& f) { return f.forward_sent(); }},
      {"立案", [](const F& f) { return f.forward_accepted(); }},
      {"不予立案", [](const F& f) { return f.forward_refused(); }},
      {"待决定", [](const F& f) { return f.forward_pending(); }},
      {"撤回", [](const F& f) { return f.forward_withdrawn(); }},
      {"移送逾期", [](const F& f) { return f.forward_overdue(); }},
      {"反向衔接", [](const F& f) { return f.reverse_sent(); }},
      {"已回复", [](const F& f) { return f.reverse_answered(); }},
      {"待回复", [](const F& f) { return f.reverse_pending(); }},
      {"反向逾期", [](const F& f) { return f.reverse_overdue(); }},
      {"检察监督", [](const F& f) { return f.supervision_issued(); }},
      {"书面回复", [](const F& f) { return f.supervision_answered(); }},
      {"已整改", [](const F& f) { return f.supervision_rectified(); }},
      {"监督逾期", [](const F& f) { return f.supervision_overdue(); }},
      {"建议回复", [](const F& f) { return f.recommendation_replied(); }},
      {"建议采纳", [](const F& f) { return f.recommendation_adopted(); }},
      {"意见回复", [](const F& f) { return f.opinion_replied(); }},
      {"意见采纳", [](const F& f) { return f.opinion_adopted(); }},
      {"纠违回复", [](const F& f) { return f.correction_replied(); }},
      {"纠违采纳", [](const F& f) { return f.correction_adopted(); }},
      {"反向处罚", [](const F& f) { return f.reverse_penalized(); }},
      {"不批准移送", [](const F& f) { return f.forward_not_approved(); }},
      {"迟录", [](const F& f) { return f.entries_late(); }},
      {"录入天数中位", [](const F& f) { return f.entry_delay_median_days(); }},
      {"应移未移线索", [](const F& f) { return f.screening_hits(); }},
      {"线索待处理", [](const F& f) { return f.screening_open(); }},
      {"建议移送", [](const F& f) { return f.screening_supervised(); }},
      {"线索已移送", [](const F& f) { return f.screening_transferred(); }},
      {"线索已排除", [](const F& f) { return f.screening_dismissed(); }},
  };
  return *cols;
}

std::string FormatYuan(int64_t fen) {
  const bool negative = fen < 0;
  uint64_t v = negative ? -static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string yuan = absl::StrCat(v / 100);
  for (int i = static_cast<int>(yuan.size()) - 3; i > 0; i -= 3) yuan.insert(i, ",");
  return absl::StrFormat("%s%s.%02d", negative ? "-" : "", yuan, static_cast<int>(v % 100));
}

std::string FormatFigure(const ReportColumn& col, const v1::ReportFigures& f) {
  return col.money ? FormatYuan(col.get(f)) : absl::StrCat(col.get(f));
}

ReportGrid FigureGrid(const v1::JointMeetingReport& r, bool with_agency_id) {
  ReportGrid g;
  std::vector<std::string> header;
  if (with_agency_id) header.push_back("单位代码");
  header.push_back("单位");
  header.push_back("领域");
  for (const ReportColumn& c : ReportColumns()) header.push_back(c.label);
  g.push_back(header);
  auto add = [&](const std::string& id, const std::string& name, const std::string& domain,
                 const v1::ReportFigures& f) {
    std::vector<std::string> row;
    if (with_agency_id) row.push_back(id);
    row.push_back(name);
    row.push_back(domain);
    for (const ReportColumn& c : ReportColumns()) row.push_back(FormatFigure(c, f));
    g.push_back(std::move(row));
  };
  for (const v1::AgencyTotal& t : r.agency_totals()) {
    for (const v1::ReportRow& row : r.rows()) {
      if (row.agency() == t.agency()) add(row.agency(), row.agency_name(), DomainLabel(row.domain()), row.figures());
    }
    add(t.agency(), t.agency_name(), "小计", t.figures());
  }
  add("", "全区合计", "", r.total());
  return g;
}

ReportGrid OverdueGrid(const v1::JointMeetingReport& r) {
  ReportGrid g{{"类别", "编号", "单位", "发送方", "接收方", "状态", "领域", "案件", "文书号", "期限", "逾期天数", "依据"}};
  for (const v1::OverdueItem& o : r.overdue()) {
    g.push_back({OverdueKindLabel(o.kind()), o.id(), o.agency(), o.sender_agency(), o.receiver_agency(),
                 StateLabel(o.state()), DomainLabel(o.domain()), o.case_id(), o.document_number(),
                 ReportTime(o.deadline().due_time(), r.time_zone()), absl::StrCat(o.days_overdue()), o.deadline().rule()});
  }
  return g;
}

ReportGrid MajorGrid(const v1::JointMeetingReport& r) {
  ReportGrid g{{"案件编号", "单位", "领域", "案件名称", "决定日期", "罚没金额(元)"}};
  for (const v1::Case& c : r.major_cases()) {
    g.push_back({c.case_id(), c.owner_agency(), DomainLabel(c.domain()), c.title(),
                 c.penalty().decision_date(),
                 // An undecided case has no amount rather than 0.00.
                 c.has_penalty() && (c.penalty().amount_fen() != 0 || !c.penalty().decision_date().empty())
                     ? FormatYuan(c.penalty().amount_fen())
                     : ""});
  }
  return g;
}

ReportGrid SilentGrid(const v1::JointMeetingReport& r) {
  ReportGrid g{{"单位代码", "未报送单位"}};
  for (const v1::AgencyTotal& a : r.agencies_without_entries()) g.push_back({a.agency(), a.agency_name()});
  return g;
}

ReportGrid DismissedGrid(const v1::JointMeetingReport& r) {
  ReportGrid g{{"案件编号", "单位", "罪名", "追诉标准", "排除理由", "排除单位"}};
  for (const v1::ScreeningHit& h : r.dismissed_hits()) {
    g.push_back({h.case_id(), h.owner_agency(), h.offence(), h.threshold(), h.dismiss_reason(), h.dismissed_by()});
  }
  return g;
}

ReportGrid CampaignsGrid(const v1::JointMeetingReport& r) {
  ReportGrid g{{"专项行动编号", "专项行动", "检查期间"}};
  const ReportGrid header = WholeRowsGrid(v1::CampaignSummary());  // the header row alone
  g[0].insert(g[0].end(), header.front().begin(), header.front().end());
  for (const v1::CampaignSummary& s : r.campaigns()) {
    ReportGrid rows = WholeRowsGrid(s);
    for (size_t i = 1; i < rows.size(); ++i) {
      std::vector<std::string> row{s.campaign().id(), s.campaign().name(), CampaignPeriod(s.campaign())};
      for (std::string& cell : rows[i]) row.push_back(std::move(cell));
      g.push_back(std::move(row));
    }
  }
  return g;
}

ReportGrid DecisionGrid(const v1::JointMeetingReport& r) {
  ReportGrid g{{"编号", "会议", "承办单位", "议定事项", "办结期限", "状态", "逾期"}};
  for (const v1::DecisionItem& d : r.decisions()) {
    g.push_back({d.id(), d.meeting_id(), d.receiver_agency(), d.subject(), d.due_date(), StateLabel(d.state()),
                 d.overdue() ? "是" : "否"});
  }
  return g;
}

ReportGrid DecisionCountsGrid(const v1::JointMeetingReport& r) {
  return {{"未办结议定事项", "逾期议定事项"}, {absl::StrCat(r.decisions_open()), absl::StrCat(r.decisions_overdue())}};
}

std::string DomainLabel(v1::Domain d) {
  switch (d) {
    case v1::PUBLIC_ORDER: return "社会治安";
    case v1::WORK_SAFETY: return "安全生产";
    case v1::CAMPUS_SAFETY: return "校园安全";
    case v1::MASS_VICTIM_CRIME: return "涉众型犯罪";
    case v1::MARKET_ORDER: return "市场秩序";
    case v1::LABOUR_PROTECTION: return "劳动保障";
    case v1::CROSS_DISTRICT: return "跨区域";
    case v1::OTHER_DOMAIN: return "其他";
    default: return "(无案件)";
  }
}

std::string StateLabel(v1::WorkflowState s) {
  switch (s) {
    case v1::STATE_SENT: return "已移送待决定";
    case v1::STATE_RETURNED: return "退回补充材料";
    case v1::STATE_RECONSIDERATION_REQUESTED: return "提请复议";
    case v1::STATE_UNDER_SUPERVISION: return "立案监督中";
    case v1::STATE_DELIVERED: return "已送达待签收";
    case v1::STATE_ACKNOWLEDGED: return "已签收待回复";
    case v1::STATE_ISSUED: return "已送达待回复";
    case v1::STATE_REPLIED: return "已回复";
    case v1::STATE_RECTIFIED: return "已报告整改";
    case v1::STATE_ASSIGNED: return "已交办";
    case v1::STATE_DONE_REPORTED: return "报告办结待确认";
    case v1::STATE_CLOSED: return "已办结";
    default: return v1::WorkflowState_Name(s);
  }
}

std::string OverdueKindLabel(v1::OverdueItem::Kind k) {
  switch (k) {
    case v1::OverdueItem::FORWARD_TRANSFER: return "正向移送";
    case v1::OverdueItem::REVERSE_TRANSFER: return "反向衔接";
    case v1::OverdueItem::SUPERVISION_RECORD: return "检察监督";
    default: return "";
  }
}

std::string ReportTime(const google::protobuf::Timestamp& t, const std::string& zone) {
  // Display only: a zone this machine does not know shows in the default one.
  absl::StatusOr<absl::TimeZone> tz = LoadDistrictTimeZone(zone);
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(t),
                          tz.ok() ? *tz : DefaultDistrictTimeZone());
}

}  // namespace caselink::cli
