// Reading a 检察监督台账 (the procuratorate's supervision ledger) exported as
// CSV (docs/ledger-format.md) into CreateSupervisionRequest messages, one per
// 文书号. Bad rows are reported with their line number and reason and do not
// stop the good ones; only a file that is not such a ledger (missing
// required columns, broken CSV) is an error. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/workflow.pb.h"
#include "ledger_table.h"

namespace caselink::cli {

// A record: key = 文书号, content = the request (all but request_id, which
// the importer derives from the key).
using SupervisionEntry = LedgerEntry<v1::CreateSupervisionRequest>;
using SupervisionLedger = ParsedLedger<v1::CreateSupervisionRequest>;

// 送达日期 becomes service_time at 00:00 of that day in Asia/Shanghai (the
// reply period counts from the day after, so the hour does not matter).
absl::StatusOr<SupervisionLedger> ParseSupervisionLedger(absl::string_view csv);

// The headers the reader understands, in the order of the example file.
std::vector<std::string> SupervisionLedgerHeaders();

}  // namespace caselink::cli
