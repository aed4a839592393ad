#include "server/workflow/document_materials.h"

#include "absl/strings/str_cat.h"

namespace caselink::server {

absl::Status ResolveDocumentMaterials(const ServiceContext& sc, const std::string& item_id,
                                      google::protobuf::RepeatedPtrField<v1::Material>* materials) {
  for (int i = 0; i < materials->size(); ++i) {
    v1::Material& m = (*materials)[i];
    if (m.document_id().empty()) continue;
    const std::string at = absl::StrCat("materials[", i, "]");
    // Another item's document, or none: the same answer, so a reference
    // never tells that a document of an item the caller cannot see exists.
    const absl::Status not_attached = absl::InvalidArgumentError(
        absl::StrCat(at, ".document_id: no document '", m.document_id(), "' is attached to item '", item_id,
                     "'; upload it to the item first (DocumentService.Upload)"));
    if (sc.documents == nullptr) return not_attached;
    absl::StatusOr<v1::Document> doc = sc.documents->Get(m.document_id());
    if (absl::IsNotFound(doc.status())) return not_attached;
    if (!doc.ok()) return doc.status();
    if (doc->item_id() != item_id) return not_attached;
    if (m.kind() == v1::MATERIAL_KIND_UNSPECIFIED) {
      m.set_kind(doc->kind());
    } else if (m.kind() != doc->kind()) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".kind: ", v1::MaterialKind_Name(m.kind()),
                                                     " is not the kind of document '", doc->id(), "' (",
                                                     v1::MaterialKind_Name(doc->kind()), ")"));
    }
    if (!m.sha256().empty() && m.sha256() != doc->sha256()) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".sha256: differs from the SHA-256 of document '", doc->id(), "' (", doc->sha256(), ")"));
    }
    m.set_sha256(doc->sha256());
    if (m.title().empty()) m.set_title(doc->file_name());
  }
  return absl::OkStatus();
}

}  // namespace caselink::server
