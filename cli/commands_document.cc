// The document subcommands (DocumentService): `doc put`, `doc get`, `doc ls`
// and `doc info`, the files of a transfer or supervision record (移送书,
// 调查报告, 检察建议书, 回复函, ...; docs/documents.md). Transfers stream in
// pieces, never held whole; on a terminal a progress line goes to stderr
// (never when stderr is a file or a pipe: scripts parse the output). `put`
// is idempotent by default (the client derives the request id from the
// item, kind, name and content); `get` resumes an interrupted download from
// OUT_FILE.part and checks the SHA-256 before the file appears.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "caselink/v1/document.pb.h"
#include "command.h"
#include "enum_args.h"
#include "output.h"

namespace caselink::cli {
namespace {

namespace fs = std::filesystem;

struct PutArgs {
  std::string item;
  std::string file;
  std::string kind;
  std::string sensitivity;
  std::string reference;
  std::string name;
  std::string request_id;
};

struct GetArgs {
  std::string id;
  std::string out;
  std::string purpose;
};

// "\r上传 移送书.pdf  42% 12.3/29.1 MiB" on stderr while a file moves, when
// stderr is a terminal; nothing otherwise.
class ProgressLine {
 public:
  ProgressLine(std::string verb, std::string name)
      : verb_(std::move(verb)), name_(std::move(name)), tty_(isatty(2) == 1) {}
  ~ProgressLine() { End(); }

  // The callback for the client, null (no progress calls) off a terminal.
  TransferProgress Callback() {
    if (!tty_) return nullptr;
    return [this](int64_t done, int64_t total) { Update(done, total); };
  }

  // Ends the line if a transfer stopped part-way (before an error line).
  void End() {
    if (!open_) return;
    std::fputc('\n', stderr);
    std::fflush(stderr);
    open_ = false;
  }

 private:
  void Update(int64_t done, int64_t total) {
    const bool last = done >= total;
    const auto now = std::chrono::steady_clock::now();
    if (!last && open_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    const int percent = total <= 0 ? 100 : static_cast<int>(done * 100 / total);
    std::fprintf(stderr, "\r%s %s %3d%% %s", verb_.c_str(), name_.c_str(), percent, Amount(done, total).c_str());
    open_ = true;
    if (last) End();
    std::fflush(stderr);
  }

  static std::string Amount(int64_t done, int64_t total) {
    char buf[64];
    if (total >= (int64_t{1} << 20)) {
      std::snprintf(buf, sizeof(buf), "%.1f/%.1f MiB", done / 1048576.0, total / 1048576.0);
    } else if (total >= (int64_t{1} << 10)) {
      std::snprintf(buf, sizeof(buf), "%.1f/%.1f KiB", done / 1024.0, total / 1024.0);
    } else {
      std::snprintf(buf, sizeof(buf), "%lld/%lld B", static_cast<long long>(done), static_cast<long long>(total));
    }
    return buf;
  }

  std::string verb_, name_;
  bool tty_;
  bool open_ = false;  // a progress line is on the screen, unterminated
  std::chrono::steady_clock::time_point last_draw_;
};

// --output text: one line per document.
std::string DocumentLine(const v1::Document& d) {
  return absl::StrJoin(std::vector<std::string>{d.id(), v1::MaterialKind_Name(d.kind()), absl::StrCat(d.size()),
                                                v1::ContentType_Name(d.content_type()), d.uploader_agency(),
                                                d.file_name()},
                       "\t");
}

void PrintDocumentLines(const google::protobuf::RepeatedPtrField<v1::Document>& docs) {
  for (const v1::Document& d : docs) std::cout << DocumentLine(d) << "\n";
  std::cout.flush();
}

// Connects, runs `call`, prints its answer: as JSON, or with --output text
// through `text` (one line per document).
template <typename Call, typename Text>
int Run(const CommandContext& ctx, Call call, Text text) {
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  auto response = call(**client);
  if (!response.ok()) return ReportRpcError(response.status());
  if (ctx.globals.output == OutputFormat::kText) {
    text(*response);
  } else {
    PrintMessage(*response, ctx.globals.output);
  }
  return kExitOk;
}

int RunPut(const CommandContext& ctx, const PutArgs& a) {
  v1::UploadHeader header;
  v1::MaterialKind kind;
  if (!ParseMaterialKind(a.kind, &kind)) {
    return ReportUsageError(absl::StrCat("unknown --kind \"", a.kind, "\"; one of ", MaterialKindChoices()));
  }
  header.set_kind(kind);
  if (!a.sensitivity.empty()) {
    v1::Sensitivity s;
    if (!ParseEnum<v1::Sensitivity>("", a.sensitivity, &v1::Sensitivity_Parse, &s) ||
        s == v1::SENSITIVITY_UNSPECIFIED) {
      return ReportUsageError(absl::StrCat("unknown --sensitivity \"", a.sensitivity,
                                           "\"; public, internal, personal, personal-id or investigative"));
    }
    header.set_sensitivity(s);
  }
  // The file first: a missing or empty one is reported even without
  // certificates, and is a usage error, not the server's.
  {
    std::ifstream in(a.file, std::ios::binary);
    std::error_code ec;
    if (!in) {
      return ReportUsageError(absl::StrCat("cannot read \"", a.file, "\": ", std::strerror(errno)));
    }
    if (!fs::is_regular_file(a.file, ec)) {
      return ReportUsageError(absl::StrCat("cannot read \"", a.file, "\": not a regular file"));
    }
    if (fs::file_size(a.file, ec) == 0 && !ec) {
      return ReportUsageError(absl::StrCat("\"", a.file, "\" is empty"));
    }
  }
  // "draft": for an item not yet created (named by its creation's --document).
  if (a.item == "draft") {
    header.set_draft(true);
  } else {
    header.set_item_id(a.item);
  }
  header.set_reference(a.reference);
  header.set_file_name(a.name);         // empty: the file's base name
  header.set_request_id(a.request_id);  // empty: derived from the upload
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  ProgressLine progress("上传", a.name.empty() ? fs::path(a.file).filename().string() : a.name);
  auto response = (*client)->UploadDocumentFile(header, a.file, progress.Callback());
  progress.End();
  if (!response.ok()) return ReportRpcError(response.status());
  if (ctx.globals.output == OutputFormat::kText) {
    std::cout << DocumentLine(response->document()) << "\n";
    if (response->replayed()) std::cout << "replayed: true\n";
    std::cout.flush();
  } else {
    PrintMessage(*response, ctx.globals.output);
  }
  return kExitOk;
}

int RunGet(const CommandContext& ctx, const GetArgs& a) {
  const fs::path out(a.out);
  std::error_code ec;
  if (fs::is_directory(out, ec)) {
    return ReportUsageError(absl::StrCat("\"", a.out, "\" is a directory; give the file to write"));
  }
  if (out.has_parent_path() && !fs::is_directory(out.parent_path(), ec)) {
    return ReportUsageError(
        absl::StrCat("cannot write \"", a.out, "\": no directory \"", out.parent_path().string(), "\""));
  }
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  v1::DownloadDocumentRequest req;
  req.set_id(a.id);
  req.set_purpose(a.purpose);
  ProgressLine progress("下载", out.filename().string());
  auto doc = (*client)->DownloadDocumentFile(req, a.out, progress.Callback());
  progress.End();
  if (!doc.ok()) {
    const int code = ReportRpcError(doc.status());
    // What was received stays in OUT_FILE.part, and the same command picks
    // up from there. An empty one (nothing received) is no use: removed.
    const std::string part = a.out + ".part";
    if (fs::exists(part, ec)) {
      const uintmax_t have = fs::file_size(part, ec);
      if (!ec && have == 0) {
        fs::remove(part, ec);
      } else if (!ec) {
        std::cerr << "caselink: \"" << part << "\" keeps the " << have
                  << " bytes received; re-running the same command resumes the download from there" << std::endl;
      }
    }
    return code;
  }
  if (ctx.globals.output == OutputFormat::kText) {
    std::cout << DocumentLine(*doc) << std::endl;
  } else {
    PrintMessage(*doc, ctx.globals.output);
  }
  return kExitOk;
}

}  // namespace

void AddDocumentCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* doc = app.add_subcommand("doc", "Documents of transfers and supervision records (移送书, 调查报告, ...)");
  doc->require_subcommand(1);
  {
    auto args = std::make_shared<PutArgs>();
    CLI::App* sub = doc->add_subcommand("put", "Uploads a file as a document of an item");
    sub->add_option("ITEM", args->item,
                    "The transfer or supervision record id, or `draft` for one you are about to create "
                    "(name the draft with `transfer create --document ID`)")
        ->required();
    sub->add_option("FILE", args->file, "The file (PDF, OFD, JPEG, PNG, TIFF, DOCX or XLSX)")->required();
    sub->add_option("--kind", args->kind,
                    "What it is: the standard name (移送书, 调查报告, 涉案物品清单, 检验报告/鉴定意见, 回执, "
                    "不予立案通知书, 检察建议书, 检察意见书, 回复函, 整改报告, 会议纪要, 其他) or the kind "
                    "(transfer-letter, investigation-report, item-list, ...)")
        ->required();
    sub->add_option("--sensitivity", args->sensitivity,
                    "Who may read it: public, internal, personal, personal-id or investigative (default)");
    sub->add_option("--reference", args->reference, "Its document number, e.g. 某监移〔2024〕3号");
    sub->add_option("--name", args->name, "The file name to store (default: FILE's base name)");
    sub->add_option("--request-id", args->request_id,
                    "Idempotency key. Default: a digest of the item, kind, name and content, so re-running "
                    "is idempotent");
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunPut(ctx, *args); }); });
  }
  {
    auto args = std::make_shared<GetArgs>();
    CLI::App* sub = doc->add_subcommand(
        "get", "Downloads a document into OUT_FILE (resuming from OUT_FILE.part; the SHA-256 is checked)");
    sub->add_option("DOC_ID", args->id, "The document id")->required();
    sub->add_option("OUT_FILE", args->out, "Where to write it (replaced if it exists)")->required();
    sub->add_option("--purpose", args->purpose, "Why you read it (查询事由, recorded in the access log)");
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunGet(ctx, *args); }); });
  }
  {
    auto item = std::make_shared<std::string>();
    CLI::App* sub = doc->add_subcommand("ls", "Lists the documents of an item you may see (oldest first)");
    sub->add_option("ITEM", *item, "The transfer or supervision record id, or `draft` for your drafts")
        ->required();
    sub->callback([&ctx, item] {
      ctx.SetAction([&ctx, item] {
        v1::ListDocumentsRequest req;
        if (*item != "draft") req.set_item_id(*item);
        return Run(
            ctx, [&](Client& c) { return c.ListDocuments(req); },
            [](const v1::ListDocumentsResponse& r) { PrintDocumentLines(r.documents()); });
      });
    });
  }
  {
    auto id = std::make_shared<std::string>();
    CLI::App* sub = doc->add_subcommand("info", "Reads a document's metadata (not its content)");
    sub->add_option("DOC_ID", *id, "The document id")->required();
    sub->callback([&ctx, id] {
      ctx.SetAction([&ctx, id] {
        v1::GetDocumentRequest req;
        req.set_id(*id);
        return Run(
            ctx, [&](Client& c) { return c.GetDocument(req); },
            [](const v1::GetDocumentResponse& r) { std::cout << DocumentLine(r.document()) << std::endl; });
      });
    });
  }
}

CASELINK_REGISTER_COMMANDS(AddDocumentCommands);

}  // namespace caselink::cli
