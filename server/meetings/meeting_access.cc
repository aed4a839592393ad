#include "server/meetings/meeting_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "server/workflow/workflow_actor.h"
#include "storage/meeting_store.h"
#include "workflow/workflow_rules.h"

namespace caselink::server {

bool CanSeeMeeting(const workflow::Actor& actor, const v1::Meeting& meeting) {
  if (meeting.convener_agency() == actor.agency_id) return true;
  if (std::find(meeting.attendees().begin(), meeting.attendees().end(), actor.agency_id) !=
      meeting.attendees().end()) {
    return true;
  }
  return actor.Has(v1::GOVERNMENT) || actor.Has(v1::JUSTICE) || actor.Has(v1::PROCURATORATE);
}

absl::Status MeetingNotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("meeting '", id, "' not found"));
}

absl::StatusOr<ItemAccess> MeetingAccess(const ServiceContext& sc, const CallScope& scope, const std::string& id) {
  // The service context carries no meeting store; the workflow store's head
  // read reads any table by key, and meetings are one record per id.
  absl::StatusOr<std::string> bytes = sc.workflow->store->Head(storage::Table::kMeetings, id);
  if (absl::IsNotFound(bytes.status())) return MeetingNotFound(id);
  if (!bytes.ok()) return bytes.status();
  CASELINK_ASSIGN_OR_RETURN(v1::Meeting meeting, storage::MeetingStore::Parse(*bytes));
  const workflow::Actor actor = ActorOf(scope);
  ItemAccess out;
  out.id = id;
  out.case_ids.assign(meeting.case_ids().begin(), meeting.case_ids().end());
  out.visible = CanSeeMeeting(actor, meeting);
  if (meeting.convener_agency() == actor.agency_id) out.parties = workflow::kSender;
  return out;
}

}  // namespace caselink::server
