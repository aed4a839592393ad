// Materials of a workflow action that name a document of DocumentService:
// the document must be attached to the item acted on, and its kind, hash
// and file name complete (or must agree with) the reference, so the item's
// history records exactly which bytes went with the step.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "caselink/v1/workflow.pb.h"
#include "server/core/service_context.h"

namespace caselink::server {

// INVALID_ARGUMENT naming materials[i].document_id (or .kind, .sha256) if a
// named document is not attached to `item_id` or disagrees with the
// reference; fills kind, sha256 and title from the document otherwise.
absl::Status ResolveDocumentMaterials(const ServiceContext& sc, const std::string& item_id,
                                      google::protobuf::RepeatedPtrField<v1::Material>* materials);

}  // namespace caselink::server
