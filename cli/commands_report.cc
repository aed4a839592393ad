// `caselink report --from --to [--format table|csv|html|json] [--out FILE]`:
// the joint-meeting report (ReportService.GetJointMeetingReport) for a
// period, rendered for the terminal, a spreadsheet or a browser (one offline
// HTML file with inline SVG charts).
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "command.h"
#include "output.h"
#include "report_html.h"
#include "report_output.h"
#include "report_render.h"

namespace caselink::cli {
namespace {

struct ReportArgs {
  std::string from;
  std::string to;
  std::string format = "table";
  std::string out;
  std::string purpose = "联席会议报告 (caselink report)";
};

int RunReport(const CommandContext& ctx, const ReportArgs& a) {
  if (!IsReportFormat(a.format)) {
    return ReportUsageError(absl::StrCat("unknown --format \"", a.format, "\"; ", kReportFormats));
  }
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  v1::JointMeetingReportRequest req;
  req.set_from_date(a.from);
  req.set_to_date(a.to);
  req.set_purpose(a.purpose);
  absl::StatusOr<v1::JointMeetingReport> r = (*client)->GetJointMeetingReport(req);
  if (!r.ok()) return ReportRpcError(r.status());
  const v1::JointMeetingReport& report = *r;
  return EmitReport(report, a.format, a.out,
                    {[&] { return RenderReportTable(report); }, [&] { return RenderReportCsv(report); },
                     [&] { return RenderReportHtml(report); }},
                    "report");
}

void AddReportCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand(
      "report", "The joint-meeting report (联席会议) for a period (figures: docs/reports.md)");
  sub->add_option("--from", args->from, "First day, YYYY-MM-DD (Asia/Shanghai)")->required();
  sub->add_option("--to", args->to, "Day after the last, YYYY-MM-DD (a quarter: 2024-04-01 .. 2024-07-01)")->required();
  sub->add_option("--format", args->format, "table (default), csv, html or json");
  sub->add_option("--out", args->out, "Write to this file instead of stdout");
  sub->add_option("--purpose", args->purpose, "查询事由, recorded in the access log");
  sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunReport(ctx, *args); }); });
}

CASELINK_REGISTER_COMMANDS(AddReportCommands);

}  // namespace
}  // namespace caselink::cli
