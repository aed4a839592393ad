#include "workflow/workflow_config.h"

#include "caselink_common/district_time_zone.h"

namespace caselink::workflow {
namespace {

constexpr char kOrder310[] = "国务院令第310号《行政执法机关移送涉嫌犯罪案件的规定》(2020年修订)";

v1::Period Make(int months, int days, int hours, const std::string& citation) {
  v1::Period p;
  p.set_months(months);
  p.set_days(days);
  p.set_hours(hours);
  p.set_citation(citation);
  return p;
}

void Default(bool has, v1::Period* p, const v1::Period& value) {
  if (!has) *p = value;
}

}  // namespace

v1::WorkflowConfig EffectiveWorkflowConfig(const v1::WorkflowConfig& in) {
  v1::WorkflowConfig c = in;
  const std::string o = kOrder310;
  if (c.time_zone().empty()) c.set_time_zone(kDefaultDistrictTimeZone);
  Default(in.has_approval_decision(), c.mutable_approval_decision(),
          Make(0, 3, 0, o + " 第五条: 负责人自接到报告之日起3日内作出批准或者不批准移送的决定"));
  Default(in.has_transfer_after_approval(), c.mutable_transfer_after_approval(),
          Make(0, 0, 24, o + " 第五条: 决定批准的, 应当在24小时内向同级公安机关移送"));
  Default(in.has_police_decision(), c.mutable_police_decision(),
          Make(0, 3, 0, o + " 第八条: 公安机关自接受移送之日起3日内决定是否立案"));
  Default(in.has_reconsideration_request(), c.mutable_reconsideration_request(),
          Make(0, 3, 0, o + " 第九条: 自接到不予立案通知书之日起3日内可以提请复议"));
  Default(in.has_reconsideration_decision(), c.mutable_reconsideration_decision(),
          Make(0, 3, 0, o + " 第九条: 公安机关自收到提请复议文件之日起3日内作出决定"));
  Default(in.has_supervision_reply(), c.mutable_supervision_reply(),
          Make(2, 0, 0, "《人民检察院检察建议工作规定》(2019): 自收到检察建议书之日起两个月以内书面回复"));
  Default(in.has_reverse_reply(), c.mutable_reverse_reply(),
          Make(2, 0, 0, "district setting: reply to a 检察意见 within two months (by analogy with "
                        "《人民检察院检察建议工作规定》; no national period verified)"));
  if (c.max_watch_streams_per_agency() <= 0) c.set_max_watch_streams_per_agency(4);
  return c;
}

const v1::Period& PeriodOf(const v1::WorkflowConfig& c, PeriodId id) {
  switch (id) {
    case PeriodId::kPoliceDecision: return c.police_decision();
    case PeriodId::kReconsiderationRequest: return c.reconsideration_request();
    case PeriodId::kReconsiderationDecision: return c.reconsideration_decision();
    case PeriodId::kSupervisionReply: return c.supervision_reply();
    case PeriodId::kReverseReply: return c.reverse_reply();
    case PeriodId::kSupplement: return c.supplement();
    case PeriodId::kNone: break;
  }
  return v1::Period::default_instance();
}

std::optional<absl::Time> PeriodEnd(absl::Time start, const v1::Period& p, absl::TimeZone tz) {
  if (p.months() <= 0 && p.days() <= 0 && p.hours() <= 0) return std::nullopt;
  absl::Time end = start;
  if (p.months() > 0 || p.days() > 0) {
    const absl::CivilDay day = absl::ToCivilDay(start, tz);
    // Same day-of-month N months later, clamped to the month's last day.
    absl::CivilMonth month = absl::CivilMonth(day) + p.months();
    absl::CivilDay last = absl::CivilDay(month);
    const absl::CivilDay month_end = absl::CivilDay(month + 1) - 1;
    last += day.day() - 1;
    if (last > month_end) last = month_end;
    last += p.days();
    end = absl::FromCivil(last + 1, tz);  // 24:00 of the last day
  }
  return end + absl::Hours(p.hours());
}

}  // namespace caselink::workflow
