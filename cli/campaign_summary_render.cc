#include "campaign_summary_render.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "report_columns.h"

namespace caselink::cli {
namespace {

// A count shown only on the rows it is kept for (notices: the whole rows).
std::string CountIf(bool shown, int64_t n) { return shown ? absl::StrCat(n) : ""; }

std::string TitleLine(const v1::CampaignSummary& s) {
  std::string line = absl::StrCat("专项行动总结报告 ", s.campaign().name(), " ", CampaignPeriod(s.campaign()));
  if (s.has_generate_time()) absl::StrAppend(&line, " · 生成时点 ", ReportTime(s.generate_time(), ""));
  return line;
}

}  // namespace

std::string FormatCenti(int64_t centi) {
  const bool negative = centi < 0;
  const uint64_t v = negative ? 0 - static_cast<uint64_t>(centi) : static_cast<uint64_t>(centi);
  return absl::StrFormat("%s%d.%02d", negative ? "-" : "", v / 100, v % 100);
}

std::string GradeLabel(v1::Grade g) {
  switch (g) {
    case v1::GRADE_EXCELLENT: return "优秀";
    case v1::GRADE_PASS: return "合格";
    case v1::GRADE_FAIL: return "不合格";
    default: return "";
  }
}

std::string RectificationStateLabel(v1::WorkflowState s) {
  switch (s) {
    case v1::STATE_ISSUED: return "待整改";
    case v1::STATE_CLOSED: return "已验收";
    default: return StateLabel(s);  // STATE_RECTIFIED: 已报告整改
  }
}

std::string SummaryAgencyLabel(const std::string& agency_id) {
  return agency_id.empty() ? "全区合计" : agency_id;
}

std::string CampaignPeriod(const v1::Campaign& c) {
  return absl::StrCat(c.from_date(), " 至 ", c.to_date(), " (不含)");
}

std::string CampaignTitle(const v1::Campaign& c) {
  return absl::StrCat(c.id(), " ", c.name(), " ", CampaignPeriod(c));
}

ReportGrid SummaryRowsGrid(const v1::CampaignSummary& s) {
  ReportGrid g{{"单位", "评查项目", "抽查案件", "已评查", "平均分", "优秀", "合格", "不合格", "问题", "整改通知",
                "整改中", "逾期", "已验收"}};
  for (const v1::SummaryRow& r : s.rows()) {
    const bool whole = r.criterion_id().empty();
    g.push_back({SummaryAgencyLabel(r.agency_id()), whole ? "(all)" : r.criterion_id(),
                 absl::StrCat(r.cases_sampled()), absl::StrCat(r.cases_reviewed()),
                 r.cases_reviewed() > 0 ? FormatCenti(r.average_centi()) : "", absl::StrCat(r.excellent()),
                 absl::StrCat(r.pass()), absl::StrCat(r.fail()), absl::StrCat(r.findings()),
                 CountIf(whole, r.notices()), CountIf(whole, r.notices_open()), CountIf(whole, r.notices_overdue()),
                 CountIf(whole, r.notices_accepted())});
  }
  return g;
}

ReportGrid WholeRowsGrid(const v1::CampaignSummary& s) {
  // SummaryRowsGrid's columns that are left out: 评查项目 and 整改通知.
  constexpr size_t kCriterion = 1, kNotices = 9;
  ReportGrid all = SummaryRowsGrid(s);
  ReportGrid g;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0 && !s.rows(static_cast<int>(i - 1)).criterion_id().empty()) continue;
    std::vector<std::string> row;
    for (size_t k = 0; k < all[i].size(); ++k) {
      if (k != kCriterion && k != kNotices) row.push_back(std::move(all[i][k]));
    }
    g.push_back(std::move(row));
  }
  return g;
}

ReportGrid ReviewDifferencesGrid(const v1::CampaignSummary& s) {
  ReportGrid g{{"案件编号", "被检查单位", "评查单位", "等次", "版本", "总分", "问题"}};
  for (const v1::ReviewDifference& d : s.differences()) {
    for (const v1::Review& r : d.reviews()) {
      g.push_back({d.case_id(), d.agency_id(), r.reviewer_agency(), GradeLabel(r.grade()), absl::StrCat(r.version()),
                   FormatCenti(r.total_centi()), absl::StrCat(r.findings_size())});
    }
  }
  return g;
}

ReportGrid OverdueNoticesGrid(const v1::CampaignSummary& s) {
  ReportGrid g{{"编号", "被检查单位", "案件", "文书号", "整改期限", "状态", "整改事项"}};
  for (const v1::Rectification& n : s.overdue()) {
    g.push_back({n.id(), n.receiver_agency(), absl::StrJoin(n.case_ids(), " "), n.document_number(), n.due_date(),
                 RectificationStateLabel(n.state()), n.subject()});
  }
  return g;
}

std::string RenderCampaignSummaryTable(const v1::CampaignSummary& s) {
  std::string out = absl::StrCat(TitleLine(s), "\n\n", AlignedTable(SummaryRowsGrid(s)));
  absl::StrAppend(&out, "\n评查分歧 (", s.differences_size(), ")\n");
  if (s.differences_size() > 0) absl::StrAppend(&out, AlignedTable(ReviewDifferencesGrid(s)));
  absl::StrAppend(&out, "\n逾期未整改 (", s.overdue_size(), ")\n");
  if (s.overdue_size() > 0) absl::StrAppend(&out, AlignedTable(OverdueNoticesGrid(s)));
  return out;
}

std::string RenderCampaignSummaryCsv(const v1::CampaignSummary& s) {
  std::string out = "\xEF\xBB\xBF";  // BOM: Excel then reads UTF-8
  absl::StrAppend(&out, CsvTable(SummaryRowsGrid(s)), "\r\n", CsvTable(ReviewDifferencesGrid(s)), "\r\n",
                  CsvTable(OverdueNoticesGrid(s)));
  return out;
}

}  // namespace caselink::cli
