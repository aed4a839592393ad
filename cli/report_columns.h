// The columns of the joint-meeting report as every output format shows them
// (terminal table, CSV, HTML): label, figure, and whether it is an amount in
// fen. One list, so the formats cannot disagree. Also the Chinese labels of
// domains, workflow states and item kinds. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caselink/v1/report.pb.h"

namespace caselink::cli {

struct ReportColumn {
  const char* label;  // Chinese header, e.g. "罚没金额(元)"
  int64_t (*get)(const v1::ReportFigures&);
  bool money = false;  // fen, shown as 元 with two decimals
};

// In report order: cases, forward transfers, reverse transfers, supervision.
const std::vector<ReportColumn>& ReportColumns();

// The figure as shown: "1,234.56" for money (fen -> 元), else the count.
std::string FormatFigure(const ReportColumn& col, const v1::ReportFigures& f);
// fen -> "1,234.56"
std::string FormatYuan(int64_t fen);

std::string DomainLabel(v1::Domain d);        // 市场秩序, … ; "(无案件)" for unspecified
std::string StateLabel(v1::WorkflowState s);  // 已移送, …
std::string OverdueKindLabel(v1::OverdueItem::Kind k);
// "2024-03-09 00:00" in Asia/Shanghai.
std::string ShanghaiTime(const google::protobuf::Timestamp& t);

}  // namespace caselink::cli
