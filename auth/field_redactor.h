// The one generic mechanism that applies field decisions: it walks a caselink
// message with protobuf reflection, reads each field's sensitivity annotation
// and the caller's FieldPlan, and keeps, masks or clears the value. No code
// anywhere decides about a particular field by name.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "auth/field_path_set.h"
#include "auth/field_plan.h"
#include "auth/hidden_values.h"
#include "auth/masking.h"
#include "google/protobuf/message.h"

namespace caselink::auth {

// Which field paths of a message were returned in full, masked or withheld
// (for the access log); paths not listed were empty.
struct RedactionReport {
  FieldPathSet full;
  FieldPathSet masked;
  FieldPathSet withheld;
};

// Applies `plan` to every set field of `msg`, recursing into caselink
// messages. Messages of other packages (Timestamp) are single values. A MASK
// decision on a value that is not a string clears it (a number cannot be half
// shown). Inside every string returned (ALLOW or MASK), identifiers found by
// `masks.free_text()` get the caller's decision for their class at that
// field, and a personal value of `msg` the caller does not get in full (a
// party's name, phone or address: a string field with a mask shape, masked
// or withheld) is rendered in the rest of `msg`'s text as in its own field
// (auth/hidden_values.h: "张三" in the facts becomes "张*" or the DENY
// marker); a field so changed is reported as masked. `report` may be null.
// `shown_party_ids` (may be null) gets every identity number and credit code
// the text of a field returned in full still shows (a witness's number in the
// facts), so the access log can name the parties the answer reveals beyond
// the message's own party fields.
void RedactMessage(const FieldPlan& plan, const MaskBook& masks, google::protobuf::Message* msg,
                   RedactionReport* report, std::vector<std::string>* shown_party_ids = nullptr);

// The personal values of `msg` (a case) that a caller reading it under
// `plan` does not get in full, each as RedactMessage renders it; with no
// plan (the caller may not read the case) every one is withheld. For text
// outside the case that names it (a meeting's summary, a transition's
// reason), rendered by the same rule as the case's own text.
void CollectHiddenValues(const FieldPlan* plan, const MaskBook& masks, const google::protobuf::Message& msg,
                         HiddenValues* out);

// For writes: every field set in `msg` must be ALLOWed by `writable`; the
// first one that is not gives PermissionDenied naming its path. Fields marked
// output_only are skipped (the server assigns them).
absl::Status CheckWritable(const FieldPlan& writable, const google::protobuf::Message& msg);

}  // namespace caselink::auth
