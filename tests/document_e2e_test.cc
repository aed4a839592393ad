// DocumentService end to end through the real server and client library
// (issue 16): a round trip with the hash checked, every refused upload
// storing nothing and logged, who may read (parties, the policy's rows) and a
// policy withholding a class, and a download resumed after the server
// restarts. Backup and restore of documents: e2e_backup_test.cc.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "support/sha256_hex.h"
#include "workflow_fixture.h"
#include <grpcpp/channel.h>
#include "caselink/v1/document.grpc.pb.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;


// A PDF-shaped file of about `n` bytes (the server checks the type by content).
std::string Pdf(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  while (s.size() + 7 < n) s.push_back(static_cast<char>(rng()));
  return s + "\n%%EOF\n";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DocumentTest : public WorkflowTest {
 protected:
  void SetUp() override {
    DistrictOptions o;
    o.documents_config = absl::StrCat("max_file_bytes: ", 8 << 20, " max_item_bytes: ", 12 << 20,
                                      " max_draft_bytes_per_agency: ", 1 << 20);
    StartDistrict(std::move(o));
    transfer_ = NewForward();
    ASSERT_FALSE(transfer_.empty());
  }

  v1::UploadHeader Header(const std::string& content, v1::MaterialKind kind = v1::MATERIAL_TRANSFER_LETTER) {
    v1::UploadHeader h;
    h.set_item_id(transfer_);
    h.set_kind(kind);
    h.set_file_name("涉嫌犯罪案件移送书.pdf");
    h.set_size(static_cast<int64_t>(content.size()));
    h.set_sha256(Sha256Hex(content));
    return h;
  }

  // Sends `send` (default: all of `content`) under `h`.
  absl::StatusOr<v1::UploadDocumentResponse> Upload(const std::string& agency, const v1::UploadHeader& h,
                                                    const std::string& send) {
    size_t at = 0;
    return As(agency).UploadDocument(h, [&](char* buf, size_t cap) -> absl::StatusOr<size_t> {
      const size_t n = std::min(cap, send.size() - at);
      std::memcpy(buf, send.data() + at, n);
      at += n;
      return n;
    });
  }

  std::string Put(const std::string& name, const std::string& bytes) {
    const std::string path = district_->dir() + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  v1::DownloadDocumentRequest Download(const std::string& id, const std::string& purpose = "审查移送材料") {
    v1::DownloadDocumentRequest r;
    r.set_id(id);
    r.set_purpose(purpose);
    return r;
  }

  int Documents() {
    v1::ListDocumentsRequest r;
    r.set_item_id(transfer_);
    auto l = As("market").ListDocuments(r);
    EXPECT_TRUE(l.ok()) << l.status();
    return l.ok() ? l->documents_size() : -1;
  }

  // The access-log entries of `agency`'s DocumentService calls, oldest first.
  std::vector<v1::AuditEntry> DocumentEntries(const std::string& agency) {
    v1::AgencyAccessRequest r;
    r.set_agency_id(agency);
    r.mutable_from()->set_seconds(0);
    r.set_limit(1000);
    r.set_purpose("审计文件访问");
    auto resp = As("procuratorate").AgencyAccess(r);
    EXPECT_TRUE(resp.ok()) << resp.status();
    std::vector<v1::AuditEntry> out;
    if (!resp.ok()) return out;
    for (const auto& e : resp->entries()) {
      if (absl::StrContains(e.method(), "DocumentService")) out.push_back(e);
    }
    return out;
  }

  // market's forward transfer of a new case to psb whose 移送书 is draft
  // `draft_id` (the other materials of 第六条 by reference).
  v1::CreateTransferRequest TransferWithLetter(const std::string& draft_id, const std::string& request_id) {
    v1::CreateTransferRequest create;
    create.set_direction(v1::TRANSFER_FORWARD);
    create.set_receiver_agency("psb");
    create.set_case_id(NewCase("market"));
    create.set_subject("涉嫌生产、销售伪劣产品罪");
    create.set_request_id(request_id);
    AddTransferMaterials(&create);
    create.mutable_materials(0)->Clear();
    create.mutable_materials(0)->set_document_id(draft_id);
    return create;
  }

  std::string transfer_;
};

TEST_F(DocumentTest, UploadAndDownloadRoundTripWithTheHashChecked) {
  const std::string pdf = Pdf(3 * (1 << 20) + 4321, 1);
  v1::UploadHeader h;
  h.set_item_id(transfer_);
  h.set_kind(v1::MATERIAL_TRANSFER_LETTER);
  h.set_reference("某监移〔2024〕3号");
  int64_t last_progress = 0;
  auto up = As("market").UploadDocumentFile(h, Put("移送书.pdf", pdf),
                                            [&](int64_t done, int64_t total) {
                                              EXPECT_EQ(total, static_cast<int64_t>(pdf.size()));
                                              EXPECT_GT(done, last_progress);
                                              last_progress = done;
                                            });
  ASSERT_TRUE(up.ok()) << up.status();
  const v1::Document& doc = up->document();
  EXPECT_EQ(last_progress, static_cast<int64_t>(pdf.size()));
  EXPECT_EQ(doc.size(), static_cast<int64_t>(pdf.size()));
  EXPECT_EQ(doc.sha256(), Sha256Hex(pdf));
  EXPECT_EQ(doc.content_type(), v1::CONTENT_PDF);
  EXPECT_EQ(doc.uploader_agency(), "market");
  EXPECT_EQ(doc.file_name(), "移送书.pdf");
  EXPECT_EQ(doc.sensitivity(), v1::INVESTIGATIVE) << "the default class";
  EXPECT_EQ(doc.item_id(), transfer_);
  EXPECT_FALSE(up->replayed());

  // The police, receiver of the transfer, list, get and download it.
  v1::ListDocumentsRequest list;
  list.set_item_id(transfer_);
  auto listed = As("psb").ListDocuments(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 1);
  EXPECT_EQ(listed->documents(0).id(), doc.id());
  v1::GetDocumentRequest get;
  get.set_id(doc.id());
  EXPECT_EQ(As("psb").GetDocument(get)->document().sha256(), doc.sha256());
  const std::string target = district_->dir() + "/psb-移送书.pdf";
  // Case material on the agency's disk: its user's alone, whatever the umask.
  const mode_t previous = ::umask(022);
  auto down = As("psb").DownloadDocumentFile(Download(doc.id()), target);
  ::umask(previous);
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(Slurp(target), pdf);
  EXPECT_FALSE(std::filesystem::exists(target + ".part"));
  EXPECT_EQ(std::filesystem::status(target).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // Uploading the same file again is answered with the first document.
  auto again = As("market").UploadDocumentFile(h, Put("移送书.pdf", pdf));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->document().id(), doc.id());
  EXPECT_EQ(Documents(), 1);

  // Both on the record, with the document's hash and the bytes moved.
  std::vector<v1::AuditEntry> market = DocumentEntries("market");
  ASSERT_GE(market.size(), 2u);
  EXPECT_EQ(market[0].method(), "caselink.v1.DocumentService/Upload");
  EXPECT_EQ(market[0].status_code(), 0);
  EXPECT_EQ(market[0].document_id(), doc.id());
  EXPECT_EQ(market[0].document_sha256(), doc.sha256());
  EXPECT_EQ(market[0].item_id(), transfer_);
  bool downloaded = false;
  for (const v1::AuditEntry& e : DocumentEntries("psb")) {
    if (e.method() != "caselink.v1.DocumentService/Download") continue;
    downloaded = true;
    EXPECT_EQ(e.status_code(), 0);
    EXPECT_EQ(e.document_sha256(), doc.sha256());
    EXPECT_EQ(e.document_bytes(), doc.size());
    EXPECT_EQ(e.purpose(), "审查移送材料");
  }
  EXPECT_TRUE(downloaded);
}

TEST_F(DocumentTest, RefusedUploadsStoreNothingAndAreLogged) {
  const std::string pdf = Pdf(600 << 10, 2);
  struct Refusal {
    const char* what;
    v1::UploadHeader header;
    std::string send;
    absl::StatusCode code;
    const char* names;
  };
  v1::UploadHeader wrong_hash = Header(pdf);
  wrong_hash.set_sha256(Sha256Hex("something else"));
  v1::UploadHeader too_big = Header(pdf);
  too_big.set_size(9 << 20);
  const std::string gif = std::string("GIF89a") + std::string(5000, '\x01');
  v1::UploadHeader no_kind = Header(pdf);
  no_kind.clear_kind();
  const std::vector<Refusal> refusals = {
      {"wrong hash", wrong_hash, pdf, absl::StatusCode::kInvalidArgument, "sha256"},
      {"short stream", Header(pdf), pdf.substr(0, 300 << 10), absl::StatusCode::kInvalidArgument, "stream ended"},
      {"long stream", Header(pdf), pdf + "tail", absl::StatusCode::kInvalidArgument, "longer than header.size"},
      {"over the file limit", too_big, pdf, absl::StatusCode::kOutOfRange, "max_file_bytes"},
      {"wrong type", Header(gif), gif, absl::StatusCode::kInvalidArgument, "GIF"},
      {"no kind", no_kind, pdf, absl::StatusCode::kInvalidArgument, "header.kind"},
  };
  for (const Refusal& r : refusals) {
    SCOPED_TRACE(r.what);
    auto out = Upload("market", r.header, r.send);
    ASSERT_EQ(out.status().code(), r.code) << out.status();
    EXPECT_THAT(std::string(out.status().message()), HasSubstr(r.names));
  }
  // An agency with no part in the transfer does not learn it exists.
  auto stranger = Upload("emergency", Header(pdf), pdf);
  EXPECT_EQ(stranger.status().code(), absl::StatusCode::kNotFound) << stranger.status();
  EXPECT_EQ(Documents(), 0);

  std::vector<v1::AuditEntry> entries = DocumentEntries("market");
  int refused = 0;
  for (const v1::AuditEntry& e : entries) {
    if (e.method() == "caselink.v1.DocumentService/Upload") {
      EXPECT_NE(e.status_code(), 0);
      EXPECT_EQ(e.item_id(), transfer_);
      ++refused;
    }
  }
  EXPECT_EQ(refused, static_cast<int>(refusals.size()));
  ASSERT_FALSE(DocumentEntries("emergency").empty());
  EXPECT_EQ(DocumentEntries("emergency")[0].status_code(), static_cast<int>(absl::StatusCode::kNotFound));

  // The item's limit counts what it holds already.
  const std::string big = Pdf(7 << 20, 3);
  ASSERT_TRUE(Upload("market", Header(big), big).ok());
  const std::string big2 = Pdf(6 << 20, 4);
  auto over = Upload("market", Header(big2, v1::MATERIAL_INVESTIGATION_REPORT), big2);
  ASSERT_EQ(over.status().code(), absl::StatusCode::kOutOfRange) << over.status();
  EXPECT_THAT(std::string(over.status().message()), HasSubstr("max_item_bytes"));
  EXPECT_EQ(Documents(), 1);
}

// documents.max_draft_bytes_per_agency: drafts nobody names cannot fill the
// disk. The limit counts the caller's own drafts not yet attached to an item:
// not another agency's, not uploads to an item, not a draft a creation took.
TEST_F(DocumentTest, AnAgencysDraftsAreLimitedUntilACreationAttachesThem) {
  auto draft_header = [&](const std::string& content, v1::MaterialKind kind) {
    v1::UploadHeader h = Header(content, kind);
    h.clear_item_id();
    h.set_draft(true);
    return h;
  };
  auto drafts_of = [&](const std::string& agency) {
    auto l = As(agency).ListDocuments(v1::ListDocumentsRequest());
    EXPECT_TRUE(l.ok()) << l.status();
    return l.ok() ? l->documents_size() : -1;
  };
  const std::string letter = Pdf(600 << 10, 61);
  auto first = Upload("market", draft_header(letter, v1::MATERIAL_TRANSFER_LETTER), letter);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string report = Pdf(600 << 10, 62);
  auto over = Upload("market", draft_header(report, v1::MATERIAL_INVESTIGATION_REPORT), report);
  ASSERT_EQ(over.status().code(), absl::StatusCode::kOutOfRange) << over.status();
  EXPECT_THAT(std::string(over.status().message()),
              HasSubstr(absl::StrCat("agency 'market' already holds ", 600 << 10, " bytes of drafts not attached to "
                                     "an item; ", 600 << 10, " more would pass the limit of ", 1 << 20,
                                     " bytes of drafts an agency (documents.max_draft_bytes_per_agency)")));
  EXPECT_EQ(drafts_of("market"), 1) << "the refused draft is not stored";
  bool logged = false;
  for (const v1::AuditEntry& e : DocumentEntries("market")) {
    logged |= e.method() == "caselink.v1.DocumentService/Upload" &&
              e.status_code() == static_cast<int>(absl::StatusCode::kOutOfRange);
  }
  EXPECT_TRUE(logged) << "the refusal is in the access log";

  // Another agency's drafts are its own; an upload to an item counts
  // against the item, not against the uploader's drafts.
  EXPECT_TRUE(Upload("psb", draft_header(report, v1::MATERIAL_INVESTIGATION_REPORT), report).ok());
  EXPECT_TRUE(Upload("market", Header(report, v1::MATERIAL_INVESTIGATION_REPORT), report).ok());
  const std::string list = Pdf(400 << 10, 63);
  auto second = Upload("market", draft_header(list, v1::MATERIAL_ITEM_LIST), list);
  ASSERT_TRUE(second.ok()) << second.status() << ": 600 + 400 KiB of drafts fit in 1 MiB";

  // A creation attaches the 移送书: it counts against the transfer now, and
  // the agency may upload another draft in its place.
  v1::CreateTransferRequest create = TransferWithLetter(first->document().id(), "transfer-with-draft-quota");
  auto made = As("market").CreateTransfer(create);
  ASSERT_TRUE(made.ok()) << made.status();
  auto after = Upload("market", draft_header(report, v1::MATERIAL_INVESTIGATION_REPORT), report);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(drafts_of("market"), 3) << "an attached draft stays listed as it was";
}

// What the client library never sends, a raw stream may: a second header,
// or a message carrying neither header nor chunk. Each is named for what it
// is, and nothing is stored.
TEST_F(DocumentTest, AStreamOfTheWrongShapeIsNamedForWhatItCarries) {
  const std::string content = Pdf(4 << 10, 5);
  auto stub = v1::DocumentService::NewStub(As("market").channel());
  struct Shape {
    const char* name;
    v1::UploadDocumentRequest second;
    const char* says;
  };
  v1::UploadDocumentRequest header;
  *header.mutable_header() = Header(content);
  v1::UploadDocumentRequest empty;
  for (const Shape& shape : {Shape{"second header", header, "header: only the first message of an upload is a header"},
                             Shape{"empty message", empty, "chunk: each message after the header must carry a chunk"}}) {
    SCOPED_TRACE(shape.name);
    v1::UploadDocumentRequest first = header;
    first.mutable_header()->set_request_id(absl::StrCat("raw-", std::string(1, shape.name[0])));
    grpc::ClientContext ctx;
    v1::UploadDocumentResponse resp;
    auto writer = stub->Upload(&ctx, &resp);
    ASSERT_TRUE(writer->Write(first));
    writer->Write(shape.second);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(shape.says));
  }
  v1::ListDocumentsRequest list;
  list.set_item_id(transfer_);
  auto listed = As("market").ListDocuments(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->documents_size(), 0);
}

TEST_F(DocumentTest, PartiesReadAPolicyWithholdsAClassAndOthersSeeNothing) {
  const std::string report = Pdf(200 << 10, 5);
  auto investigative = Upload("market", Header(report, v1::MATERIAL_INVESTIGATION_REPORT), report);
  ASSERT_TRUE(investigative.ok()) << investigative.status();
  const std::string receipt = Pdf(50 << 10, 6);
  v1::UploadHeader internal = Header(receipt, v1::MATERIAL_RECEIPT);
  internal.set_sensitivity(v1::INTERNAL);
  auto signed_receipt = Upload("psb", internal, receipt);
  ASSERT_TRUE(signed_receipt.ok()) << signed_receipt.status();
  const std::string inv_id = investigative->document().id();
  const std::string rec_id = signed_receipt->document().id();

  auto bytes_of = [&](const std::string& agency, const std::string& id) -> absl::StatusOr<std::string> {
    std::string got;
    auto doc = As(agency).DownloadDocument(Download(id), [&](int64_t, absl::string_view b) {
      got.append(b.data(), b.size());
      return absl::OkStatus();
    });
    if (!doc.ok()) return doc.status();
    return got;
  };
  // Parties and the procuratorate read both.
  EXPECT_EQ(*bytes_of("market", rec_id), receipt);
  EXPECT_EQ(*bytes_of("psb", inv_id), report);
  EXPECT_EQ(*bytes_of("procuratorate", inv_id), report);
  // The justice bureau sees the item but its rule withholds INVESTIGATIVE.
  v1::ListDocumentsRequest list;
  list.set_item_id(transfer_);
  EXPECT_EQ(As("justice").ListDocuments(list)->documents_size(), 2);
  auto withheld = bytes_of("justice", inv_id);
  ASSERT_EQ(withheld.status().code(), absl::StatusCode::kPermissionDenied) << withheld.status();
  EXPECT_THAT(std::string(withheld.status().message()), HasSubstr("INVESTIGATIVE"));
  EXPECT_THAT(std::string(withheld.status().message()), HasSubstr("documents-justice-read"));
  EXPECT_EQ(*bytes_of("justice", rec_id), receipt);
  // Another agency: as if neither existed.
  EXPECT_EQ(bytes_of("emergency", inv_id).status().code(), absl::StatusCode::kNotFound);
  auto hidden = As("emergency").ListDocuments(list);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), absl::StrCat("item '", transfer_, "' not found"));
  // ... worded exactly as for an item that does not exist.
  v1::ListDocumentsRequest missing;
  missing.set_item_id("T20240305-NOSUCHITEM000");
  EXPECT_EQ(As("emergency").ListDocuments(missing).status().message(), "item 'T20240305-NOSUCHITEM000' not found");
  v1::UploadHeader to_hidden = Header(report);
  auto hidden_upload = Upload("emergency", to_hidden, report);
  EXPECT_EQ(hidden_upload.status().message(), absl::StrCat("item '", transfer_, "' not found"));
  to_hidden.set_item_id("T20240305-NOSUCHITEM000");
  EXPECT_EQ(Upload("emergency", to_hidden, report).status().message(), "item 'T20240305-NOSUCHITEM000' not found");
  v1::GetDocumentRequest get;
  get.set_id(inv_id);
  EXPECT_EQ(As("emergency").GetDocument(get).status().code(), absl::StatusCode::kNotFound);
  get.set_id("D20240305-NOSUCHDOCUMENT");
  EXPECT_EQ(As("psb").GetDocument(get).status().code(), absl::StatusCode::kNotFound);
  // Another agency's document needs a purpose (查询事由).
  auto no_purpose = As("psb").DownloadDocument(Download(inv_id, ""), [](int64_t, absl::string_view) {
    return absl::OkStatus();
  });
  EXPECT_EQ(no_purpose.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_purpose.status().message()), HasSubstr("purpose"));

  // The refusals are on the record with the document they asked for.
  bool justice_refusal = false;
  for (const v1::AuditEntry& e : DocumentEntries("justice")) {
    if (e.method() == "caselink.v1.DocumentService/Download" && e.document_id() == inv_id) {
      EXPECT_EQ(e.status_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
      justice_refusal = true;
    }
  }
  EXPECT_TRUE(justice_refusal);
  bool emergency_refusal = false;
  for (const v1::AuditEntry& e : DocumentEntries("emergency")) {
    if (e.method() == "caselink.v1.DocumentService/Download") {
      EXPECT_EQ(e.status_code(), static_cast<int>(absl::StatusCode::kNotFound));
      EXPECT_EQ(e.document_sha256(), "") << "a refused caller learns nothing, and the entry holds no hash";
      emergency_refusal = true;
    }
  }
  EXPECT_TRUE(emergency_refusal);
}

// Download's first message carries the document's metadata: it is filtered
// as GetDocument's answer is (an identity number typed into the file name is
// masked for an agency whose policy masks identity numbers of other agencies'
// cases), and the download's entry names the masked path.
TEST_F(DocumentTest, ADownloadShowsTheMetadataAsGetDocumentDoes) {
  const std::string receipt = Pdf(20 << 10, 11);
  v1::UploadHeader h = Header(receipt, v1::MATERIAL_RECEIPT);
  h.set_sensitivity(v1::INTERNAL);
  const std::string id_number = "510105199001011237";
  h.set_file_name("张三" + id_number + "询问笔录.pdf");
  auto up = Upload("psb", h, receipt);
  ASSERT_TRUE(up.ok()) << up.status();
  const std::string doc_id = up->document().id();

  v1::GetDocumentRequest get;
  get.set_id(doc_id);
  auto got = As("justice").GetDocument(get);
  ASSERT_TRUE(got.ok()) << got.status();
  const std::string shown = got->document().file_name();
  EXPECT_THAT(shown, ::testing::Not(HasSubstr(id_number)));
  auto down = As("justice").DownloadDocument(Download(doc_id), [](int64_t, absl::string_view) {
    return absl::OkStatus();
  });
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->file_name(), shown);
  EXPECT_EQ(down->sha256(), Sha256Hex(receipt));
  auto owner = As("psb").DownloadDocument(Download(doc_id), [](int64_t, absl::string_view) {
    return absl::OkStatus();
  });
  ASSERT_TRUE(owner.ok()) << owner.status();

  bool logged = false;
  for (const v1::AuditEntry& e : DocumentEntries("justice")) {
    if (e.method() != "caselink.v1.DocumentService/Download" || e.document_id() != doc_id) continue;
    EXPECT_THAT(e.fields_masked(), ::testing::Contains("Document.file_name"));
    logged = true;
  }
  EXPECT_TRUE(logged);
}

// A step names the documents that go with it by id: the step's history then
// holds their kind and hash (310号 第六条's 检验报告 sent on resubmission).
TEST_F(DocumentTest, AnActionNamesDocumentsOfItsItemByIdAndRecordsTheirHash) {
  ASSERT_TRUE(ActT("psb", transfer_, v1::ACTION_RETURN_FOR_MATERIAL, "缺少检验报告").ok());
  const std::string report = Pdf(100 << 10, 8);
  v1::UploadHeader h = Header(report, v1::MATERIAL_EXPERT_REPORT);
  h.set_file_name("检验报告.pdf");
  auto up = Upload("market", h, report);
  ASSERT_TRUE(up.ok()) << up.status();
  // A document of another transfer cannot be named (nor its existence learnt).
  const std::string other = NewForward();
  const std::string elsewhere_pdf = Pdf(10 << 10, 9);
  v1::UploadHeader eh = Header(elsewhere_pdf);
  eh.set_item_id(other);
  auto elsewhere = Upload("market", eh, elsewhere_pdf);
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();

  auto resubmit = [&](const std::string& doc_id, v1::MaterialKind kind) {
    v1::WorkflowActionRequest r;
    r.set_id(transfer_);
    r.set_action(v1::ACTION_RESUBMIT);
    v1::Material* m = r.add_materials();
    m->set_document_id(doc_id);
    m->set_kind(kind);
    return As("market").ActOnTransfer(r);
  };
  auto wrong_item = resubmit(elsewhere->document().id(), v1::MATERIAL_KIND_UNSPECIFIED);
  ASSERT_EQ(wrong_item.status().code(), absl::StatusCode::kInvalidArgument) << wrong_item.status();
  EXPECT_THAT(std::string(wrong_item.status().message()), HasSubstr("materials[0].document_id"));
  auto wrong_kind = resubmit(up->document().id(), v1::MATERIAL_TRANSFER_LETTER);
  ASSERT_EQ(wrong_kind.status().code(), absl::StatusCode::kInvalidArgument) << wrong_kind.status();
  EXPECT_THAT(std::string(wrong_kind.status().message()), HasSubstr("materials[0].kind"));
  v1::GetItemRequest get;
  get.set_id(transfer_);
  EXPECT_EQ(As("market").GetTransfer(get)->transfer().state(), v1::STATE_RETURNED) << "refusals changed nothing";

  // An agency that cannot see the transfer learns nothing from naming its
  // documents: not the document's kind or hash, not that the transfer exists.
  // Every answer is the one a missing transfer gets.
  auto outsider = [&](const std::string& item, v1::MaterialKind kind, const std::string& sha256) {
    v1::WorkflowActionRequest r;
    r.set_id(item);
    r.set_action(v1::ACTION_RESUBMIT);
    v1::Material* m = r.add_materials();
    m->set_document_id(up->document().id());
    m->set_kind(kind);
    m->set_sha256(sha256);
    return As("hrss").ActOnTransfer(r);
  };
  const std::string missing = "T20240305-NOSUCHITEM00";
  for (auto answer : {outsider(transfer_, v1::MATERIAL_TRANSFER_LETTER, ""),
                      outsider(transfer_, v1::MATERIAL_KIND_UNSPECIFIED, std::string(64, '0')),
                      outsider(transfer_, v1::MATERIAL_KIND_UNSPECIFIED, "")}) {
    ASSERT_EQ(answer.status().code(), absl::StatusCode::kNotFound) << answer.status();
    EXPECT_EQ(std::string(answer.status().message()),
              absl::StrReplaceAll(std::string(outsider(missing, v1::MATERIAL_TRANSFER_LETTER, "").status().message()),
                                  {{missing, transfer_}}));
    EXPECT_THAT(std::string(answer.status().message()), ::testing::Not(HasSubstr(Sha256Hex(report))));
  }

  auto done = resubmit(up->document().id(), v1::MATERIAL_KIND_UNSPECIFIED);
  ASSERT_TRUE(done.ok()) << done.status();
  auto history = As("psb").GetTransfer(get);
  ASSERT_TRUE(history.ok());
  const v1::Transition& step = history->history(history->history_size() - 1);
  ASSERT_EQ(step.materials_size(), 1);
  EXPECT_EQ(step.materials(0).document_id(), up->document().id());
  EXPECT_EQ(step.materials(0).sha256(), Sha256Hex(report));
  EXPECT_EQ(step.materials(0).kind(), v1::MATERIAL_EXPERT_REPORT);
  EXPECT_EQ(step.materials(0).title(), "检验报告.pdf");

  // A creation cannot name an item's document: it takes drafts only.
  v1::CreateTransferRequest create;
  create.set_direction(v1::TRANSFER_FORWARD);
  create.set_receiver_agency("psb");
  create.set_case_id(NewCase("market"));
  create.set_subject("涉嫌生产、销售伪劣产品罪");
  AddTransferMaterials(&create);
  create.mutable_materials(0)->set_document_id(up->document().id());
  auto refused = As("market").CreateTransfer(create);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("materials[0].document_id"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("has no draft"));
}

// 310号 第六条: the 移送书 goes with the transfer itself. It is uploaded as
// a draft, its uploader's alone, and the creation attaches it in its batch.
TEST_F(DocumentTest, ATransferIsCreatedWithTheDraftItNamesAttached) {
  const std::string letter = Pdf(300 << 10, 21);
  v1::UploadHeader h = Header(letter);
  h.clear_item_id();
  h.set_draft(true);
  h.set_file_name("移送书.pdf");
  auto draft = Upload("market", h, letter);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_TRUE(draft->document().item_id().empty());
  const std::string draft_id = draft->document().id();

  // A draft is its uploader's alone: others get the NOT_FOUND of a missing one.
  v1::GetDocumentRequest get_draft;
  get_draft.set_id(draft_id);
  EXPECT_TRUE(As("market").GetDocument(get_draft).ok());
  for (const char* other : {"psb", "procuratorate"}) {
    auto seen = As(other).GetDocument(get_draft);
    ASSERT_EQ(seen.status().code(), absl::StatusCode::kNotFound) << other << ": " << seen.status();
    EXPECT_EQ(std::string(seen.status().message()), absl::StrCat("document '", draft_id, "' not found"));
    auto read = As(other).DownloadDocument(Download(draft_id), [](int64_t, absl::string_view) {
      return absl::OkStatus();
    });
    EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound) << other;
  }
  v1::ListDocumentsRequest drafts;  // no item: the caller's drafts
  auto mine = As("market").ListDocuments(drafts);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->documents_size(), 1);
  EXPECT_EQ(mine->documents(0).id(), draft_id);
  EXPECT_EQ(As("psb").ListDocuments(drafts)->documents_size(), 0);
  // Its uploader reads it back.
  std::string back;
  ASSERT_TRUE(As("market").DownloadDocument(Download(draft_id), [&](int64_t, absl::string_view b) {
    back.append(b.data(), b.size());
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(back, letter);

  // The 移送书 is the draft: its kind counts for 第六条's required kinds.
  v1::CreateTransferRequest create = TransferWithLetter(draft_id, "transfer-with-draft-1");
  // Another agency cannot name it; an unknown id is refused the same way.
  v1::CreateTransferRequest foreign = create;
  foreign.set_case_id(NewCase("emergency"));
  auto theirs = As("emergency").CreateTransfer(foreign);
  ASSERT_EQ(theirs.status().code(), absl::StatusCode::kInvalidArgument) << theirs.status();
  EXPECT_THAT(std::string(theirs.status().message()), HasSubstr("materials[0].document_id: agency 'emergency' has no draft"));
  // Named twice: refused.
  v1::CreateTransferRequest twice = create;
  twice.add_materials()->set_document_id(draft_id);
  auto doubled = As("market").CreateTransfer(twice);
  ASSERT_EQ(doubled.status().code(), absl::StatusCode::kInvalidArgument) << doubled.status();
  EXPECT_THAT(std::string(doubled.status().message()), HasSubstr("materials[3].document_id: names the same draft"));
  // A kind that is not the draft's: refused.
  v1::CreateTransferRequest wrong_kind = create;
  wrong_kind.mutable_materials(0)->set_kind(v1::MATERIAL_ITEM_LIST);
  auto mismatched = As("market").CreateTransfer(wrong_kind);
  ASSERT_EQ(mismatched.status().code(), absl::StatusCode::kInvalidArgument) << mismatched.status();
  EXPECT_THAT(std::string(mismatched.status().message()), HasSubstr("materials[0].kind"));

  auto made = As("market").CreateTransfer(create);
  ASSERT_TRUE(made.ok()) << made.status();
  const v1::Transfer& t = made->transfer();
  const v1::Material& m = t.materials(0);
  EXPECT_EQ(m.kind(), v1::MATERIAL_TRANSFER_LETTER);
  EXPECT_EQ(m.sha256(), Sha256Hex(letter));
  EXPECT_EQ(m.title(), "移送书.pdf");
  EXPECT_NE(m.document_id(), draft_id) << "the item holds its own record of the document";

  // The receiver lists it on the transfer and reads the draft's bytes.
  v1::ListDocumentsRequest list;
  list.set_item_id(t.id());
  auto listed = As("psb").ListDocuments(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 1);
  const v1::Document& attached = listed->documents(0);
  EXPECT_EQ(attached.id(), m.document_id());
  EXPECT_EQ(attached.item_id(), t.id());
  EXPECT_EQ(attached.draft_id(), draft_id);
  EXPECT_EQ(attached.sha256(), Sha256Hex(letter));
  EXPECT_EQ(attached.uploader_agency(), "market");
  std::string received;
  ASSERT_TRUE(As("psb").DownloadDocument(Download(attached.id()), [&](int64_t, absl::string_view b) {
    received.append(b.data(), b.size());
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(received, letter);
  bool logged = false;
  for (const v1::AuditEntry& e : DocumentEntries("psb")) {
    logged |= e.method() == "caselink.v1.DocumentService/Download" && e.document_id() == attached.id() &&
              e.document_sha256() == Sha256Hex(letter);
  }
  EXPECT_TRUE(logged) << "psb's read of the attached 移送书 is in the access log";

  // A retry of the creation attaches nothing more.
  auto again = As("market").CreateTransfer(create);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->transfer().id(), t.id());
  EXPECT_EQ(As("psb").ListDocuments(list)->documents_size(), 1);
}

TEST_F(DocumentTest, ADownloadResumesAfterTheServerRestarts) {
  const std::string pdf = Pdf(3 * (1 << 20), 7);
  auto up = Upload("market", Header(pdf), pdf);
  ASSERT_TRUE(up.ok()) << up.status();
  const std::string target = district_->dir() + "/resumed.pdf";
  // The first attempt breaks off after the first megabyte.
  {
    std::ofstream part(target + ".part", std::ios::binary);
    auto broken = As("psb").DownloadDocument(Download(up->document().id()), [&](int64_t, absl::string_view b) {
      if (part.tellp() >= (1 << 20)) return absl::UnavailableError("the line dropped");
      part.write(b.data(), static_cast<std::streamsize>(b.size()));
      return absl::OkStatus();
    });
    ASSERT_FALSE(broken.ok());
  }
  const int64_t have = static_cast<int64_t>(std::filesystem::file_size(target + ".part"));
  ASSERT_GE(have, 1 << 20);
  ASSERT_LT(have, static_cast<int64_t>(pdf.size()));
  ASSERT_TRUE(district_->Restart().ok());

  int64_t first_progress = -1;
  auto down = As("psb").DownloadDocumentFile(Download(up->document().id()), target, [&](int64_t done, int64_t) {
    if (first_progress < 0) first_progress = done;
  });
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(Slurp(target), pdf);
  EXPECT_GT(first_progress, have) << "resumed, not started over";
  bool resumed_entry = false;
  for (const v1::AuditEntry& e : DocumentEntries("psb")) {
    if (e.method() == "caselink.v1.DocumentService/Download" && e.document_offset() == have) {
      EXPECT_EQ(e.document_bytes(), static_cast<int64_t>(pdf.size()) - have);
      resumed_entry = true;
    }
  }
  EXPECT_TRUE(resumed_entry);
  // A .part that is not a prefix of the document is caught by the hash.
  std::ofstream(target + "2.part", std::ios::binary) << std::string(1000, 'x');
  auto caught = As("psb").DownloadDocumentFile(Download(up->document().id()), target + "2");
  ASSERT_EQ(caught.status().code(), absl::StatusCode::kDataLoss) << caught.status();
  EXPECT_FALSE(std::filesystem::exists(target + "2.part"));
}

}  // namespace
}  // namespace caselink::testing
