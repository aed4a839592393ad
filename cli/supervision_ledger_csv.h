// Reading a 检察监督台账 (the procuratorate's supervision ledger) exported as
// CSV (docs/ledger-format.md) into CreateSupervisionRequest messages, one per
// 文书号. Bad rows are reported with their line number and reason and do not
// stop the good ones; only a file that is not such a ledger (missing
// required columns, broken CSV) is an error. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/workflow.pb.h"
#include "ledger_table.h"

namespace caselink::cli {

// One row of the ledger as the act it records. A 检察意见 about a person not
// prosecuted (不起诉: a 不起诉决定书 column is filled, or the 监督事项 says
// 不起诉) is a reverse transfer (反向衔接, 刑事诉讼法 第一百七十七条第三款), not a
// supervision record: one act, one channel, counted once in the report.
struct SupervisionRow {
  std::optional<v1::CreateSupervisionRequest> record;
  std::optional<v1::CreateTransferRequest> reverse;
};

// key = 文书号; the requests carry everything but request_id, which the
// importer derives from the key.
using SupervisionEntry = LedgerEntry<SupervisionRow>;
using SupervisionLedger = ParsedLedger<SupervisionRow>;

// 送达日期 becomes service_time at 00:00 of that day in Asia/Shanghai (the
// reply period counts from the day after, so the hour does not matter).
absl::StatusOr<SupervisionLedger> ParseSupervisionLedger(absl::string_view csv);

// The headers the reader understands, in the order of the example file.
std::vector<std::string> SupervisionLedgerHeaders();

}  // namespace caselink::cli
