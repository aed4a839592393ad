// Materials of a workflow step that name a document of DocumentService. An
// action names documents already attached to its item; a creation names the
// caller's drafts (uploaded before the item existed), which are attached to
// the new item in its creation batch. Either way the document's kind, hash
// and file name complete (or must agree with) the reference, so the item's
// history records exactly which bytes went with the step.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/workflow.pb.h"
#include "server/core/service_context.h"
#include "storage/commit_pipeline.h"

namespace caselink::server {

using Materials = google::protobuf::RepeatedPtrField<v1::Material>;

// INVALID_ARGUMENT naming materials[i].document_id (or .kind, .sha256) if a
// named document is not attached to `item_id` or disagrees with the
// reference; fills kind, sha256 and title from the document otherwise.
absl::Status ResolveDocumentMaterials(const ServiceContext& sc, const std::string& item_id, Materials* materials);

// The same for a creation by `agency`: each named document must be one of
// its drafts, named once, and together within the limit of an item's bytes.
absl::Status ResolveDraftMaterials(const ServiceContext& sc, const std::string& agency, Materials* materials);

// Attaches the drafts `materials` name (resolved above) to the new item
// `item_id`: each gets a copy of its record under a new id, which replaces
// the draft's id in the material. Returns the puts for the creation batch.
absl::StatusOr<std::vector<storage::Put>> AttachDrafts(const ServiceContext& sc, const std::string& item_id,
                                                       absl::Time now, Materials* materials);

}  // namespace caselink::server
