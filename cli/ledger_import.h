// The sending half of every `caselink import …`: rows already read from a
// ledger file go to the server a few at a time (so its group commit batches
// the synced writes), with a progress bar on a terminal; each row's problem is
// reported as FILE:LINE: reason, and one summary line tells what happened.
// The ledger-specific commands only say how to send row i.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "command.h"
#include "ledger_table.h"

namespace caselink::cli {

struct ImportArgs {
  std::string file;
  int concurrency = 16;
  bool dry_run = false;
};

struct ImportRows {
  const char* noun;                // "case(s)", "record(s)" in the summary
  std::vector<int> lines;          // line of each row to send
  std::vector<LedgerProblem> problems;  // found while reading the file
  // Rows sent per call: a batch RPC takes a page of rows in one call (and one
  // synced write on the server); 1 for RPCs that take one item.
  size_t batch = 1;
  // Sends rows [first, first + count) and returns one outcome per row: true
  // if the server replayed an earlier identical request. An error of the
  // whole call is every row's outcome.
  std::function<std::vector<absl::StatusOr<bool>>(Client&, size_t first, size_t count)> send = nullptr;
  // The message for row i when its key was imported before with other
  // content (ALREADY_EXISTS).
  std::function<std::string(size_t)> conflict = nullptr;
};

// Sends the rows (unless args.dry_run), prints problems sorted by line and
// the summary "FILE: N case(s) read, C created, R already imported, P row(s)
// with problems". Returns the exit code: 0 if no row had a problem, else 1.
int SendLedgerRows(const CommandContext& ctx, const ImportArgs& args, ImportRows rows);

}  // namespace caselink::cli
