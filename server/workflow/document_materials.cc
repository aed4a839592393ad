#include "server/workflow/document_materials.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/status_macros.h"
#include "storage/case_id.h"

namespace caselink::server {
namespace {

// The reference takes what the document is; what it states must agree.
absl::Status Complete(const std::string& at, const v1::Document& doc, v1::Material* m) {
  if (m->kind() == v1::MATERIAL_KIND_UNSPECIFIED) {
    m->set_kind(doc.kind());
  } else if (m->kind() != doc.kind()) {
    return absl::InvalidArgumentError(absl::StrCat(at, ".kind: ", v1::MaterialKind_Name(m->kind()),
                                                   " is not the kind of document '", doc.id(), "' (",
                                                   v1::MaterialKind_Name(doc.kind()), ")"));
  }
  if (!m->sha256().empty() && m->sha256() != doc.sha256()) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, ".sha256: differs from the SHA-256 of document '", doc.id(), "' (", doc.sha256(), ")"));
  }
  m->set_sha256(doc.sha256());
  if (m->title().empty()) m->set_title(doc.file_name());
  return absl::OkStatus();
}

// The document a material names if `belongs` accepts it; `missing` for
// one that does not exist or does not belong, the same answer so a
// reference never tells that someone else's document exists.
template <class Belongs>
absl::StatusOr<v1::Document> Named(const ServiceContext& sc, const v1::Material& m, const absl::Status& missing,
                                   Belongs belongs) {
  if (sc.documents == nullptr) return missing;
  absl::StatusOr<v1::Document> doc = sc.documents->Get(m.document_id());
  if (absl::IsNotFound(doc.status())) return missing;
  if (!doc.ok()) return doc.status();
  if (!belongs(*doc)) return missing;
  return doc;
}

}  // namespace

absl::Status ResolveDocumentMaterials(const ServiceContext& sc, const std::string& item_id, Materials* materials) {
  for (int i = 0; i < materials->size(); ++i) {
    v1::Material& m = (*materials)[i];
    if (m.document_id().empty()) continue;
    const std::string at = absl::StrCat("materials[", i, "]");
    const absl::Status missing = absl::InvalidArgumentError(
        absl::StrCat(at, ".document_id: no document '", m.document_id(), "' is attached to item '", item_id,
                     "'; upload it to the item first (DocumentService.Upload)"));
    CASELINK_ASSIGN_OR_RETURN(v1::Document doc, Named(sc, m, missing, [&](const v1::Document& d) {
                                return d.item_id() == item_id;
                              }));
    CASELINK_RETURN_IF_ERROR(Complete(at, doc, &m));
  }
  return absl::OkStatus();
}

absl::Status ResolveDraftMaterials(const ServiceContext& sc, const std::string& agency, Materials* materials) {
  absl::flat_hash_map<std::string, int> named;
  int64_t bytes = 0;
  for (int i = 0; i < materials->size(); ++i) {
    v1::Material& m = (*materials)[i];
    if (m.document_id().empty()) continue;
    const std::string at = absl::StrCat("materials[", i, "]");
    auto [first, fresh] = named.emplace(m.document_id(), i);
    if (!fresh) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".document_id: names the same draft as materials[",
                                                     first->second, "]"));
    }
    const absl::Status missing = absl::InvalidArgumentError(absl::StrCat(
        at, ".document_id: agency '", agency, "' has no draft '", m.document_id(),
        "'; a new item takes documents uploaded as drafts (DocumentService.Upload with header.draft set, "
        "`caselink doc put draft FILE`)"));
    CASELINK_ASSIGN_OR_RETURN(v1::Document doc, Named(sc, m, missing, [&](const v1::Document& d) {
                                return d.item_id().empty() && d.uploader_agency() == agency;
                              }));
    CASELINK_RETURN_IF_ERROR(Complete(at, doc, &m));
    bytes += doc.size();
    if (bytes > sc.max_item_document_bytes) {
      return absl::OutOfRangeError(absl::StrCat(at, ".document_id: the drafts named hold ", bytes,
                                                " bytes, above the limit of ", sc.max_item_document_bytes,
                                                " bytes an item (documents.max_item_bytes)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<storage::Put>> AttachDrafts(const ServiceContext& sc, const std::string& item_id,
                                                       absl::Time now, Materials* materials) {
  std::vector<storage::Put> puts;
  for (v1::Material& m : *materials) {
    if (m.document_id().empty()) continue;
    if (sc.documents == nullptr) return absl::InternalError("documents named without a document store");
    CASELINK_ASSIGN_OR_RETURN(v1::Document attached, sc.documents->Get(m.document_id()));
    attached.set_draft_id(attached.id());
    std::string id = storage::NewCaseId(now, sc.workflow->settings->Get()->tz);
    id[0] = 'D';
    attached.set_id(id);
    attached.set_item_id(item_id);
    *attached.mutable_upload_time() = ToProtoTime(now);
    m.set_document_id(attached.id());
    for (storage::Put& p : storage::DocumentStore::AttachmentPuts(attached)) puts.push_back(std::move(p));
  }
  return puts;
}

}  // namespace caselink::server
