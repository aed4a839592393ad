#include "auth/field_redactor.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "auth/hidden_values.h"
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
// `shown` (may be null) gets the identity numbers and credit codes left in
// full.
bool MaskFreeText(const MaskBook& masks, Message* msg, const FieldDescriptor* f,
                  const FieldStep& step, std::vector<std::string>* shown) {
  if (f->type() != FieldDescriptor::TYPE_STRING || !masks.free_text().enabled() || step.names_case) return false;
  const Reflection* r = msg->GetReflection();
  auto decide = [&](v1::Sensitivity cls) {
    return cls >= 0 && cls < static_cast<int>(step.text.size()) ? step.text[cls] : v1::DENY;
  };
  bool changed = false;
  std::string scratch, out;
  if (f->is_repeated()) {
    for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
      if (masks.free_text().Apply(r->GetRepeatedStringReference(*msg, f, i, &scratch), decide, &out, shown)) {
        if (step.output_only) return changed;
        r->SetRepeatedString(msg, f, i, std::move(out));
        changed = true;
      }
    }
  } else if (masks.free_text().Apply(r->GetStringReference(*msg, f, &scratch), decide, &out, shown)) {
    if (step.output_only) return false;
    r->SetString(msg, f, std::move(out));
    changed = true;
  }
  return changed;
}

// Every personal value (a string field with a mask shape) inside a message
// the caller does not receive: all of them are hidden.
void CollectWithheld(const MaskBook& masks, const Message& msg, HiddenValues* hidden) {
  const Reflection* r = msg.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(msg, &fields);
  std::string scratch;
  for (const FieldDescriptor* f : fields) {
    if (IsCaselinkMessage(f)) {
      const int n = f->is_repeated() ? r->FieldSize(msg, f) : 1;
      for (int i = 0; i < n; ++i) {
        CollectWithheld(masks, f->is_repeated() ? r->GetRepeatedMessage(msg, f, i) : r->GetMessage(msg, f),
                        hidden);
      }
    } else if (f->type() == FieldDescriptor::TYPE_STRING &&
               f->options().GetExtension(v1::mask_shape) != v1::MASK_SHAPE_UNSPECIFIED) {
      const int n = f->is_repeated() ? r->FieldSize(msg, f) : 1;
      for (int i = 0; i < n; ++i) {
        hidden->Add(f->is_repeated() ? r->GetRepeatedStringReference(msg, f, i, &scratch)
                                     : r->GetStringReference(msg, f, &scratch),
                    masks.free_text().deny_marker(), /*denied=*/true);
      }
    }
  }
}

// The personal values of `msg` the caller gets masked or not at all, as the
// walk will render them (before the walk changes anything).
void CollectHidden(const FieldPlan& plan, const MaskBook& masks, const MessagePlan& mp,
                   const Message& msg, HiddenValues* hidden) {
  if (!mp.hides_shaped()) return;
  const Reflection* r = msg.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(msg, &fields);
  std::string scratch;
  for (const FieldDescriptor* f : fields) {
    const FieldStep* step = mp.Step(f);
    const bool walked = step != nullptr && (step->action == v1::ALLOW || step->action == v1::MASK);
    const int n = f->is_repeated() ? r->FieldSize(msg, f) : 1;
    if (IsCaselinkMessage(f)) {
      for (int i = 0; i < n; ++i) {
        const Message& inner = f->is_repeated() ? r->GetRepeatedMessage(msg, f, i) : r->GetMessage(msg, f);
        if (!walked) {
          CollectWithheld(masks, inner, hidden);
        } else if (step->inside != nullptr) {
          CollectHidden(plan, masks, *step->inside, inner, hidden);
        } else {
          CompiledRedaction deeper(plan, inner.GetDescriptor(), step->path);
          CollectHidden(plan, masks, deeper.root(), inner, hidden);
        }
      }
      continue;
    }
    if (step == nullptr || step->action == v1::ALLOW || f->type() != FieldDescriptor::TYPE_STRING ||
        step->shape == v1::MASK_SHAPE_UNSPECIFIED) {
      continue;
    }
    for (int i = 0; i < n; ++i) {
      const std::string& value = f->is_repeated() ? r->GetRepeatedStringReference(msg, f, i, &scratch)
                                                  : r->GetStringReference(msg, f, &scratch);
      if (step->action == v1::MASK) {
        hidden->Add(value, masks.Mask(value, step->shape), /*denied=*/false);
      } else {
        hidden->Add(value, masks.free_text().deny_marker(), /*denied=*/true);
      }
    }
  }
}

// Replaces the hidden values met in the text field `f` (not itself a
// personal value: those are masked by their shape). Returns whether any was.
bool ReplaceHidden(const HiddenValues* hidden, Message* msg, const FieldDescriptor* f,
                   const FieldStep& step) {
  if (hidden == nullptr || hidden->empty() || f->type() != FieldDescriptor::TYPE_STRING ||
      step.shape != v1::MASK_SHAPE_UNSPECIFIED || step.output_only || step.names_case) {
    return false;
  }
  const Reflection* r = msg->GetReflection();
  bool changed = false;
  std::string scratch, out;
  if (f->is_repeated()) {
    for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
      if (hidden->Apply(r->GetRepeatedStringReference(*msg, f, i, &scratch), &out)) {
        r->SetRepeatedString(msg, f, i, std::move(out));
        changed = true;
      }
    }
  } else if (hidden->Apply(r->GetStringReference(*msg, f, &scratch), &out)) {
    r->SetString(msg, f, std::move(out));
    changed = true;
  }
  return changed;
}

void Walk(const FieldPlan& plan, const MaskBook& masks, const HiddenValues* hidden,
          const MessagePlan& mp, Message* msg, RedactionReport* report, std::vector<std::string>* shown);

// Walks into a caselink message field's value: with the compiled plan of its
// path, or one compiled now for a type nested deeper than the cache compiles.
void WalkInside(const FieldPlan& plan, const MaskBook& masks, const HiddenValues* hidden,
                const FieldStep& step, Message* inner, RedactionReport* report, std::vector<std::string>* shown) {
  if (step.inside != nullptr) {
    Walk(plan, masks, hidden, *step.inside, inner, report, shown);
    return;
  }
  CompiledRedaction deeper(plan, inner->GetDescriptor(), step.path);
  Walk(plan, masks, hidden, deeper.root(), inner, report, shown);
}

void Walk(const FieldPlan& plan, const MaskBook& masks, const HiddenValues* hidden,
          const MessagePlan& mp, Message* msg, RedactionReport* report, std::vector<std::string>* shown) {
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
          WalkInside(plan, masks, hidden, *step, r->MutableRepeatedMessage(msg, f, i), report, shown);
        }
      } else {
        WalkInside(plan, masks, hidden, *step, r->MutableMessage(msg, f), report, shown);
      }
      continue;
    }
    if (step->action == v1::ALLOW) {
      // Returned in full unless a hidden value or an identifier inside it
      // was masked.
      const bool replaced = ReplaceHidden(hidden, msg, f, *step);
      const bool masked = MaskFreeText(masks, msg, f, *step, shown) || replaced;
      if (report) (masked ? report->masked : report->full).insert(step->reported);
      continue;
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      // Hidden values and identifiers first: the field mask keeps the
      // value's ends, which could otherwise hold one.
      ReplaceHidden(hidden, msg, f, *step);
      MaskFreeText(masks, msg, f, *step, /*shown=*/nullptr);  // the field's mask then hides part of it
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
                   RedactionReport* report, std::vector<std::string>* shown_party_ids) {
  std::shared_ptr<const CompiledRedaction> compiled =
      plan.cache() != nullptr ? plan.cache()->Get(plan, msg->GetDescriptor())
                              : std::make_shared<const CompiledRedaction>(plan, msg->GetDescriptor());
  HiddenValues hidden;
  CollectHidden(plan, masks, compiled->root(), *msg, &hidden);
  Walk(plan, masks, hidden.empty() ? nullptr : &hidden, compiled->root(), msg, report, shown_party_ids);
}

void CollectHiddenValues(const FieldPlan* plan, const MaskBook& masks, const Message& msg, HiddenValues* out) {
  if (plan == nullptr) {
    CollectWithheld(masks, msg, out);
    return;
  }
  std::shared_ptr<const CompiledRedaction> compiled =
      plan->cache() != nullptr ? plan->cache()->Get(*plan, msg.GetDescriptor())
                               : std::make_shared<const CompiledRedaction>(*plan, msg.GetDescriptor());
  CollectHidden(*plan, masks, compiled->root(), msg, out);
}

absl::Status CheckWritable(const FieldPlan& writable, const Message& msg) {
  return WalkWritable(writable, msg, "");
}

}  // namespace caselink::auth
