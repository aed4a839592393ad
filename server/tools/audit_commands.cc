// `caselink-admin audit verify` and `audit export`: the access log read
// offline, from a database directory opened read-only (a stopped server's,
// a backup restored aside, or a live one: RocksDB allows a read-only open
// beside the writer) or from an export. Format reference: docs/audit.md.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "caselink_common/private_file.h"
#include "server/tools/commands.h"
#include "server/tools/tool_io.h"
#include "storage/audit_chain.h"
#include "storage/audit_store.h"
#include "storage/database.h"

namespace caselink::admin_tool {
namespace {

struct VerifyArgs {
  std::string db;
  std::string file;
  std::string public_key;
  uint64_t checkpoint_every = storage::AuditVerifier::kDefaultCheckpointEvery;
  std::string expect_head;  // "SEQ" or "SEQ:HASH"; empty: none
};

struct ExportArgs {
  std::string db;
  uint64_t from = 1;
  uint64_t to = 0;
  std::string out;
};

int RunVerify(const VerifyArgs& args) {
  if (args.db.empty() == args.file.empty()) {
    return ReportError(absl::InvalidArgumentError("give exactly one of --db DIR or --file EXPORT.jsonl"));
  }
  std::string key_pem;
  if (!args.public_key.empty()) {
    auto k = ReadInputFile(args.public_key);
    if (!k.ok()) return ReportError(k.status());
    key_pem = *k;
    // A wrong file is a usage error, not a log whose signatures all fail
    // (which would read as tampering).
    if (absl::Status key = storage::audit::PublicKeyFingerprint(key_pem).status(); !key.ok()) {
      return ReportError(absl::InvalidArgumentError(
          absl::StrCat("--public-key ", args.public_key, ": ", key.message(),
                       " (give the public key the checkpoints are signed with, a PEM \"PUBLIC KEY\")")));
    }
  }
  storage::AuditHead expected_head;
  if (!args.expect_head.empty()) {
    // An export is a range: its head is the auditor's own archive, not
    // something a copy of the database could have rolled back.
    if (args.db.empty()) {
      return ReportError(absl::InvalidArgumentError("--expect-head checks a database: give it with --db"));
    }
    auto head = storage::ParseAuditHead(args.expect_head);
    if (!head.ok()) return ReportError(head.status());
    expected_head = *std::move(head);
  }
  absl::StatusOr<storage::AuditVerifyReport> report;
  if (!args.db.empty()) {
    auto db = storage::Database::OpenReadOnly(args.db);
    if (!db.ok()) return ReportError(db.status());
    report = storage::VerifyAuditLog(**db, key_pem, args.checkpoint_every, expected_head);
  } else {
    auto text = ReadInputFile(args.file);
    if (!text.ok()) return ReportError(text.status());
    report = storage::VerifyAuditExport(*text, key_pem, args.checkpoint_every);
  }
  if (!report.ok()) return ReportError(report.status());
  std::cout << report->Summary() << std::endl;
  if (!report->ok()) {
    std::cerr << "caselink-admin: audit log NOT intact: first broken seq " << report->seq << " ("
              << storage::AuditProblemName(report->problem) << ")" << std::endl;
    return kExitBroken;
  }
  return kExitOk;
}

int RunExport(const ExportArgs& args) {
  auto db = storage::Database::OpenReadOnly(args.db);
  if (!db.ok()) return ReportError(db.status());
  // The export names who read which case and why: its owner's alone.
  if (absl::Status made = CreatePrivateFile(args.out); !made.ok()) return ReportError(made);
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  if (!out) return ReportError(absl::InvalidArgumentError(absl::StrCat("cannot write ", args.out)));
  auto n = storage::ExportAuditLog(**db, args.from, args.to, out);
  if (!n.ok()) return ReportError(n.status());
  out.close();
  if (!out) return ReportError(absl::UnavailableError(absl::StrCat("writing ", args.out, " failed")), kExitFailed);
  std::cout << "exported " << *n << " entries to " << args.out << std::endl;
  return kExitOk;
}

}  // namespace

void AddAuditCommands(CLI::App& app, Action* action) {
  CLI::App* audit = app.add_subcommand("audit", "The tamper-evident access log, offline (docs/audit.md)");
  audit->require_subcommand(1);
  {
    auto args = std::make_shared<VerifyArgs>();
    CLI::App* sub = audit->add_subcommand(
        "verify", "Checks the hash chain, the checkpoint signatures, that no checkpoint is missing, "
                  "(--db) that the log starts at seq 1 and the index, and (--expect-head) that it reaches "
                  "a head recorded outside it; exit 3 and the first broken seq if the log was altered");
    sub->add_option("--db", args->db, "A caselink database directory (opened read-only)");
    sub->add_option("--file", args->file, "An export made by `caselink-admin audit export`");
    sub->add_option("--public-key", args->public_key,
                    "PEM public key the checkpoints must be signed with (the server's)");
    sub->add_option("--checkpoint-every-entries", args->checkpoint_every,
                    "The server's audit.checkpoint_every_entries (default 1000): a log's first checkpoint, "
                    "or any at all, is due within this many entries; later ones within what the one before "
                    "promised (0: do not check the start)");
    sub->add_option("--expect-head", args->expect_head,
                    "SEQ[:HASH] recorded outside the database (the head an earlier OK line printed, e.g. "
                    "of --file on the last archived export): the log must reach SEQ (else MISSING) and the "
                    "entry at SEQ have HASH (else CHANGED). Only this detects a rollback of the whole "
                    "database, checkpoints included (--db only)");
    sub->callback([action, args] { *action = [args] { return RunVerify(*args); }; });
  }
  {
    auto args = std::make_shared<ExportArgs>();
    CLI::App* sub = audit->add_subcommand("export", "Writes entries and checkpoints as JSON lines");
    sub->add_option("--db", args->db, "A caselink database directory (opened read-only)")->required();
    sub->add_option("--from", args->from, "First seq (default 1)");
    sub->add_option("--to", args->to, "Last seq (default: the end)");
    sub->add_option("--out", args->out, "Output file")->required();
    sub->callback([action, args] { *action = [args] { return RunExport(*args); }; });
  }
}

}  // namespace caselink::admin_tool
