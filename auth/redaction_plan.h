// RedactionPlan: one FieldPlan's decisions compiled for one message type, so
// the redaction walk (field_redactor.h) asks no string questions per row:
// each field's path, action, mask shape and the actions for identifiers found
// in its text are worked out once per (grant tables, message type) from the
// same FieldPlan::Decide the walk would ask. RedactionPlanCache keeps them for
// the Authorizer whose tables they come from (a policy reload starts afresh).
// Compiled plans are immutable; the cache is thread-safe.
#pragma once

#include <array>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "auth/field_plan.h"
#include "caselink/v1/annotations.pb.h"
#include "google/protobuf/descriptor.h"

namespace caselink::auth {

class MessagePlan;

// What the walk does with one field of a message at one path.
struct FieldStep {
  std::string path;  // "parties.person.name"
  const std::string* reported = nullptr;  // `path` interned (field_path_set.h)
  // ALLOW, MASK or DENY. A denied caselink message that a longer path grant
  // reaches into is MASK: it is walked and its fields decide for themselves.
  v1::FieldAction action = v1::DENY;
  // A caselink.v1 message (walked into); other messages (Timestamp) are
  // single values.
  bool caselink_message = false;
  // For caselink_message fields that are walked: the plan inside; null when
  // the type nests deeper than compiled (the walk compiles it then).
  const MessagePlan* inside = nullptr;
  // The caller's action for an identifier of each sensitivity class found in
  // the field's text (auth/free_text_masker.h).
  std::array<v1::FieldAction, v1::Sensitivity_ARRAYSIZE> text{};
  v1::MaskShape shape = v1::MASK_SHAPE_UNSPECIFIED;
  bool output_only = false;
  // A (caselink.v1.case_ref) field: a case's id, never free text, so no
  // identifier or hidden value is looked for in it (the random part of an
  // id, joined to its date over the "-", can pass a number's check).
  bool names_case = false;
};

// The steps of one message type at one path prefix.
class MessagePlan {
 public:
  // The step of `f`, a field of this type; null for a field the plan does not
  // know (an extension), which the walk withholds.
  const FieldStep* Step(const google::protobuf::FieldDescriptor* f) const {
    if (f->is_extension() || f->containing_type() != type_) return nullptr;
    return &steps_[f->index()];
  }
  const google::protobuf::Descriptor* type() const { return type_; }
  // Whether a value of this type can hold a personal value (a string field
  // with a mask shape) that the caller does not get in full: then the walk
  // collects those values first, to find them in the message's other text
  // (auth/hidden_values.h). False for a caller who reads every one in full,
  // who pays nothing for it.
  bool hides_shaped() const { return hides_shaped_; }

 private:
  friend class CompiledRedaction;
  const google::protobuf::Descriptor* type_ = nullptr;
  bool hides_shaped_ = false;
  std::vector<FieldStep> steps_;
};

// A compiled plan for a message type and everything nested in it.
class CompiledRedaction {
 public:
  // Compiles `plan` for `type` whose fields sit at `prefix` ("" at the top).
  CompiledRedaction(const FieldPlan& plan, const google::protobuf::Descriptor* type,
                    const std::string& prefix = "");
  const MessagePlan& root() const { return nodes_.front(); }

 private:
  const MessagePlan* Compile(const FieldPlan& plan, const google::protobuf::Descriptor* type,
                             const std::string& prefix, int depth);
  std::deque<MessagePlan> nodes_;  // stable addresses; nodes_.front() is the root
};

// Whether the plan compiled in `compiled` shows the field at `path` ("a.b",
// fields of the compiled message type) in full: every message on the way is
// walked (ALLOW, or MASK for one a longer path grant reaches into) and the
// field itself is ALLOW. False for a path the type does not have.
bool ShowsInFull(const CompiledRedaction& compiled, absl::string_view path);

class RedactionPlanCache {
 public:
  // Distinct (tables, type) pairs kept; past it plans are compiled per call.
  static constexpr size_t kMaxPlans = 4096;

  // The compiled form of `plan` for messages of `type`, compiled on first use.
  // Types outside the generated pool (built at run time) are compiled for the
  // call and not kept: their descriptors may not outlive it.
  std::shared_ptr<const CompiledRedaction> Get(const FieldPlan& plan,
                                               const google::protobuf::Descriptor* type)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  using Key = absl::InlinedVector<const void*, 4>;  // the type, then the plan's tables
  absl::Mutex mu_;
  absl::flat_hash_map<Key, std::shared_ptr<const CompiledRedaction>> plans_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::auth
