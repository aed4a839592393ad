// Who sees a meeting (meeting.proto): its convener, its attendees, and the
// government, justice bureau and procuratorate; anyone else gets the
// NOT_FOUND of a missing meeting. MeetingAccess is what DocumentService needs
// of a meeting its minutes are attached to (workflow_engine.h LoadItemAccess).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "caselink/v1/meeting.pb.h"
#include "server/core/call_guard.h"
#include "server/core/service_context.h"
#include "server/workflow/workflow_engine.h"
#include "workflow/actor.h"

namespace caselink::server {

inline constexpr char kMeetingIdPrefix = 'M';

bool CanSeeMeeting(const workflow::Actor& actor, const v1::Meeting& meeting);

// "meeting 'M…' not found": a missing meeting and one the caller may not see.
absl::Status MeetingNotFound(const std::string& id);

// The meeting `id` as a document's item: visible per CanSeeMeeting, its
// cases, and the sender part for the convener (who alone attaches documents
// after the creation). NOT_FOUND if there is no such meeting.
absl::StatusOr<ItemAccess> MeetingAccess(const ServiceContext& sc, const CallScope& scope, const std::string& id);

}  // namespace caselink::server
