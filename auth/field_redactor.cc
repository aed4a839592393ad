#include "auth/field_redactor.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "auth/redaction_plan.h"
#include "caselink/v1/annotations.pb.h"

namespace caselink::auth {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Join(const std::string& prefix, const FieldDescriptor* f) {
  return prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
}

void MaskField(const MaskBook& masks, Message* msg, const FieldDescriptor* f, v1::MaskShape shape) {
  const Reflection* r = msg->GetReflection();
  if (f->is_repeated()) {
    for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
      r->SetRepeatedString(msg, f, i, masks.Mask(r->GetRepeatedString(*msg, f, i), shape));
    }
  } else {
    r->SetString(msg, f, masks.Mask(r->GetString(*msg, f), shape));
  }
}

// Content-aware masking (auth/free_text_masker.h): identifiers inside the
// string field `f` get the caller's decision for their class at the field's
// path. Returns whether any value changed. Server-assigned fields hold none.
bool MaskFreeText(const MaskBook& masks, Message* msg, const FieldDescriptor* f,
                  const FieldStep& step) {
  if (f->type() != FieldDescriptor::TYPE_STRING || !masks.free_text().enabled()) return false;
  const Reflection* r = msg->GetReflection();
  auto decide = [&](v1::Sensitivity cls) {
    return cls >= 0 && cls < static_cast<int>(step.text.size()) ? step.text[cls] : v1::DENY;
  };
  bool changed = false;
  std::string scratch, out;
  if (f->is_repeated()) {
    for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
      if (masks.free_text().Apply(r->GetRepeatedStringReference(*msg, f, i, &scratch), decide, &out)) {
        if (step.output_only) return changed;
        r->SetRepeatedString(msg, f, i, std::move(out));
        changed = true;
      }
    }
  } else if (masks.free_text().Apply(r->GetStringReference(*msg, f, &scratch), decide, &out)) {
    if (step.output_only) return false;
    r->SetString(msg, f, std::move(out));
    changed = true;
  }
  return changed;
}

void Walk(const FieldPlan& plan, const MaskBook& masks, const MessagePlan& mp, Message* msg,
          RedactionReport* report);

// Walks into a caselink message field's value: with the compiled plan of its
// path, or one compiled now for a type nested deeper than the cache compiles.
void WalkInside(const FieldPlan& plan, const MaskBook& masks, const FieldStep& step, Message* inner,
                RedactionReport* report) {
  if (step.inside != nullptr) {
    Walk(plan, masks, *step.inside, inner, report);
    return;
  }
  CompiledRedaction deeper(plan, inner->GetDescriptor(), step.path);
  Walk(plan, masks, deeper.root(), inner, report);
}

void Walk(const FieldPlan& plan, const MaskBook& masks, const MessagePlan& mp, Message* msg,
          RedactionReport* report) {
  const Reflection* r = msg->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(*msg, &fields);
  for (const FieldDescriptor* f : fields) {
    const FieldStep* step = mp.Step(f);
    if (step == nullptr || (step->action != v1::ALLOW && step->action != v1::MASK)) {
      // Not in the plan (an extension) or denied: withheld.
      r->ClearField(msg, f);
      if (report) report->withheld.insert(step != nullptr ? step->reported : InternFieldPath(f->full_name()));
      continue;
    }
    if (step->caselink_message) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
          WalkInside(plan, masks, *step, r->MutableRepeatedMessage(msg, f, i), report);
        }
      } else {
        WalkInside(plan, masks, *step, r->MutableMessage(msg, f), report);
      }
      continue;
    }
    if (step->action == v1::ALLOW) {
      // Returned in full unless identifiers inside it were masked.
      const bool masked = MaskFreeText(masks, msg, f, *step);
      if (report) (masked ? report->masked : report->full).insert(step->reported);
      continue;
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      // Identifiers first: the field mask keeps the value's ends, which
      // could otherwise hold one.
      MaskFreeText(masks, msg, f, *step);
      MaskField(masks, msg, f, step->shape);
      if (report) report->masked.insert(step->reported);
    } else {
      r->ClearField(msg, f);
      if (report) report->withheld.insert(step->reported);
    }
  }
}

absl::Status WalkWritable(const FieldPlan& writable, const Message& msg, const std::string& prefix) {
  const Reflection* r = msg.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(msg, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->options().GetExtension(v1::output_only)) continue;
    const std::string path = Join(prefix, f);
    if (IsCaselinkMessage(f)) {
      // A container is writable if what it holds is; check the leaves.
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(msg, f); ++i) {
          absl::Status s = WalkWritable(writable, r->GetRepeatedMessage(msg, f, i), path);
          if (!s.ok()) return s;
        }
      } else {
        absl::Status s = WalkWritable(writable, r->GetMessage(msg, f), path);
        if (!s.ok()) return s;
      }
      continue;
    }
    if (writable.Decide(path, FieldSensitivity(f)) != v1::ALLOW) {
      return absl::PermissionDeniedError(absl::StrCat(
          "field '", path, "' may not be set by this agency (",
          writable.empty() ? "no rule grants writes"
                           : absl::StrCat("not writable under rule(s) ",
                                          absl::StrJoin(writable.rule_names(), ", ")),
          ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

void RedactMessage(const FieldPlan& plan, const MaskBook& masks, Message* msg,
                   RedactionReport* report) {
  std::shared_ptr<const CompiledRedaction> compiled =
      plan.cache() != nullptr ? plan.cache()->Get(plan, msg->GetDescriptor())
                              : std::make_shared<const CompiledRedaction>(plan, msg->GetDescriptor());
  Walk(plan, masks, compiled->root(), msg, report);
}

absl::Status CheckWritable(const FieldPlan& writable, const Message& msg) {
  return WalkWritable(writable, msg, "");
}

}  // namespace caselink::auth
