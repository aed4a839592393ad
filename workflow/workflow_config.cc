#include "workflow/workflow_config.h"

#include "absl/strings/str_cat.h"
#include "caselink_common/district_time_zone.h"

namespace caselink::workflow {
namespace {

constexpr char kOrder310[] = "国务院令第310号《行政执法机关移送涉嫌犯罪案件的规定》(2020年修订)";
constexpr char kEconomic2017[] =
    "《最高人民检察院 公安部关于公安机关办理经济犯罪案件的若干规定》(公通字〔2017〕25号) 第十六条";
constexpr char kMpsProcedure2020[] = "《公安机关办理刑事案件程序规定》(2020) 第一百八十二条";
constexpr char kSppRules2019[] = "《人民检察院刑事诉讼规则》(2019)";

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
          Make(0, 3, 0, o + " 第五条: 自接到报告之日起3日内作出批准移送或者不批准移送的决定"));
  Default(in.has_transfer_after_approval(), c.mutable_transfer_after_approval(),
          Make(0, 0, 24, o + " 第五条: 决定批准的, 应当在24小时内向同级公安机关移送"));
  Default(in.has_police_decision(), c.mutable_police_decision(),
          Make(0, 3, 0, o + " 第八条: 公安机关应当自接受移送之日起3日内审查, 决定是否立案"));
  if (in.police_decision_extension_size() == 0) {
    // Economic crimes (the bulk of agency transfers); a district whose police
    // follow other rules configures its own ladder.
    const std::string e16 = kEconomic2017;
    const struct {
      int days;
      const char* level;
      const char* quote;
    } kLadder[] = {
        {10, "公安机关办案部门负责人", ": 应当在三日以内进行审查并决定是否立案, 至迟应当在十日以内作出决定"},
        {30, "县级以上公安机关负责人", ": 案情重大、疑难、复杂或者跨区域性的, 经县级以上公安机关负责人批准, 应当在三十日以内决定是否立案"},
        {60, "上一级公安机关负责人", ": 情况特殊的, 经上一级公安机关负责人批准, 可以再延长三十日作出决定"},
    };
    for (const auto& rung : kLadder) {
      v1::Extension* e = c.add_police_decision_extension();
      *e->mutable_period() = Make(0, rung.days, 0, e16 + rung.quote);
      e->set_approving_level(rung.level);
    }
  }
  Default(in.has_reconsideration_request(), c.mutable_reconsideration_request(),
          Make(0, 3, 0, o + " 第九条: 自接到不予立案通知书之日起3日内可以提请复议"));
  Default(in.has_reconsideration_decision(), c.mutable_reconsideration_decision(),
          Make(0, 3, 0, o + " 第九条: 公安机关应当自收到提请复议的文件之日起3日内作出立案或者不予立案的决定"));
  Default(in.has_supervision_request(), c.mutable_supervision_request(),
          Make(0, 3, 0, o + " 第九条第二款: 对公安机关不予立案的复议决定仍有异议的, 应当自收到复议决定通知书之日起3日内建议人民检察院依法进行立案监督"));
  Default(in.has_explanation(), c.mutable_explanation(),
          Make(0, 7, 0, std::string(kSppRules2019) + " 第五百六十条, " + kMpsProcedure2020 +
                            "第一款: 公安机关应当在收到通知书后七日以内, 对不立案的情况、依据和理由作出书面说明"));
  Default(in.has_filing_after_notice(), c.mutable_filing_after_notice(),
          Make(0, 15, 0, std::string(kSppRules2019) + " 第五百六十三条, " + kMpsProcedure2020 +
                             "第二款: 公安机关应当在收到通知书后十五日以内立案"));
  Default(in.has_items_hand_over(), c.mutable_items_hand_over(),
          Make(0, 3, 0, o + " 第十二条: 应当自接到立案通知书之日起3日内将涉案物品以及与案件有关的其他材料移交公安机关"));
  Default(in.has_supervision_reply(), c.mutable_supervision_reply(),
          Make(2, 0, 0, "《人民检察院检察建议工作规定》(2019): 应当要求被建议单位自收到检察建议书之日起两个月以内作出相应处理, 并书面回复人民检察院"));
  Default(in.has_opinion_reply(), c.mutable_opinion_reply(),
          Make(2, 0, 0, "district setting: two months from receipt of the 检察意见书 (the law says only "
                        "要求其…移送 / 及时, 《人民检察院刑事诉讼规则》(2019) 第五百五十七条; docs/workflow.md)"));
  Default(in.has_urgent_reply(), c.mutable_urgent_reply(),
          Make(0, 15, 0, "《最高人民法院 最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释》 第二十一条第二款: 出现国家利益或者社会公共利益损害继续扩大等紧急情形的, 行政机关应当在十五日内书面回复"));
  Default(in.has_reverse_reply(), c.mutable_reverse_reply(),
          Make(2, 0, 0, "district setting: two months from service of the 检察意见 (刑事诉讼法 第一百七十七条第三款 and "
                        "《人民检察院刑事诉讼规则》(2019) 第三百七十三条 say only 及时通知 / 及时通报处理情况; docs/workflow.md)"));
  if (c.max_watch_streams_per_agency() <= 0) c.set_max_watch_streams_per_agency(4);
  if (c.reminder_working_days() == 0) c.set_reminder_working_days(2);
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
    case PeriodId::kSupervisionRequest: return c.supervision_request();
    case PeriodId::kExplanation: return c.explanation();
    case PeriodId::kFilingAfterNotice: return c.filing_after_notice();
    case PeriodId::kItemsHandOver: return c.items_hand_over();
    case PeriodId::kOpinionReply: return c.opinion_reply();
    case PeriodId::kCorrectionReply: return c.correction_reply();
    case PeriodId::kUrgentReply: return c.urgent_reply();
    case PeriodId::kReverseFinalReply: return c.reverse_final_reply();
    case PeriodId::kObjectionReview: return c.objection_review();
    case PeriodId::kSupervisionDecision: return c.supervision_decision();
    case PeriodId::kNone:
    case PeriodId::kItemDue: break;
  }
  return v1::Period::default_instance();
}

std::optional<absl::Time> PeriodEnd(absl::Time start, const v1::Period& p, absl::TimeZone tz,
                                    const WorkingCalendar& calendar) {
  const absl::CivilDay day = absl::ToCivilDay(start, tz);
  if (p.working_days() > 0) return absl::FromCivil(calendar.AddWorkingDays(day, p.working_days()) + 1, tz);
  if (p.months() <= 0 && p.days() <= 0 && p.hours() <= 0) return std::nullopt;
  absl::Time end = start;
  if (p.months() > 0 || p.days() > 0) {
    // Same day-of-month N months later, clamped to the month's last day.
    absl::CivilMonth month = absl::CivilMonth(day) + p.months();
    absl::CivilDay last = absl::CivilDay(month);
    const absl::CivilDay month_end = absl::CivilDay(month + 1) - 1;
    last += day.day() - 1;
    if (last > month_end) last = month_end;
    last += p.days();
    last = calendar.MoveToWorkingDay(last);
    end = absl::FromCivil(last + 1, tz);  // 24:00 of the last day
  }
  return end + absl::Hours(p.hours());
}

absl::Status ValidateWorkflowConfig(const v1::WorkflowConfig& config) {
  const google::protobuf::Descriptor* d = config.GetDescriptor();
  const google::protobuf::Reflection* r = config.GetReflection();
  // Every Period field, found by type rather than by name, so a new period is
  // checked without a line here.
  auto check = [](const std::string& field, const v1::Period& p) -> absl::Status {
    if (p.months() < 0 || p.days() < 0 || p.hours() < 0 || p.working_days() < 0) {
      return absl::InvalidArgumentError(absl::StrCat("workflow.", field, ": a period cannot be negative"));
    }
    if (p.working_days() > 0 && (p.months() > 0 || p.days() > 0 || p.hours() > 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("workflow.", field, ": working_days cannot be combined with months, days or hours"));
    }
    return absl::OkStatus();
  };
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->message_type() != v1::Period::descriptor() || f->is_repeated()) continue;
    absl::Status s = check(f->name(), static_cast<const v1::Period&>(r->GetMessage(config, f)));
    if (!s.ok()) return s;
  }
  for (int i = 0; i < config.police_decision_extension_size(); ++i) {
    const std::string at = absl::StrCat("police_decision_extension[", i, "].period");
    absl::Status s = check(at, config.police_decision_extension(i).period());
    if (!s.ok()) return s;
    if (config.police_decision_extension(i).approving_level().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("workflow.police_decision_extension[", i, "].approving_level: is required"));
    }
  }
  return absl::OkStatus();
}

}  // namespace caselink::workflow
