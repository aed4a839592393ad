#include "auth/field_redactor.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "caselink/v1/annotations.pb.h"

namespace caselink::auth {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsCaselinkMessage(const FieldDescriptor* f) {
  return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         f->message_type()->file()->package() == "caselink.v1";
}

std::string Join(const std::string& prefix, const FieldDescriptor* f) {
  return prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
}

void MaskField(const MaskBook& masks, Message* msg, const FieldDescriptor* f) {
  const Reflection* r = msg->GetReflection();
  const v1::MaskShape shape = f->options().GetExtension(v1::mask_shape);
  if (f->is_repeated()) {
    for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
      r->SetRepeatedString(msg, f, i, masks.Mask(r->GetRepeatedString(*msg, f, i), shape));
    }
  } else {
    r->SetString(msg, f, masks.Mask(r->GetString(*msg, f), shape));
  }
}

// Content-aware masking (auth/free_text_masker.h): identifiers inside the
// string field `f` get the caller's decision for their class at `path`.
// Returns whether any value changed. Server-assigned fields hold none.
bool MaskFreeText(const FieldPlan& plan, const MaskBook& masks, Message* msg,
                  const FieldDescriptor* f, const std::string& path) {
  if (f->type() != FieldDescriptor::TYPE_STRING || !masks.free_text().enabled()) return false;
  const Reflection* r = msg->GetReflection();
  auto decide = [&](v1::Sensitivity cls) { return plan.Decide(path, cls); };
  bool changed = false;
  std::string scratch, out;
  // Checked only once something is found: the option lookup costs more than
  // the scan of a short value.
  auto assigned = [&] { return f->options().GetExtension(v1::output_only); };
  if (f->is_repeated()) {
    for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
      if (masks.free_text().Apply(r->GetRepeatedStringReference(*msg, f, i, &scratch), decide, &out)) {
        if (assigned()) return changed;
        r->SetRepeatedString(msg, f, i, std::move(out));
        changed = true;
      }
    }
  } else if (masks.free_text().Apply(r->GetStringReference(*msg, f, &scratch), decide, &out)) {
    if (assigned()) return false;
    r->SetString(msg, f, std::move(out));
    changed = true;
  }
  return changed;
}

void Walk(const FieldPlan& plan, const MaskBook& masks, Message* msg, const std::string& prefix,
          RedactionReport* report) {
  const Reflection* r = msg->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(*msg, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string path = Join(prefix, f);
    v1::FieldAction action = plan.Decide(path, FieldSensitivity(f));
    // A denied container is still walked if a longer path grant reaches
    // inside it; everything in it without such a grant stays denied.
    if (action != v1::ALLOW && action != v1::MASK && IsCaselinkMessage(f) && plan.HasPathBelow(path)) {
      action = v1::MASK;  // walk it; its fields decide for themselves
    }
    if (action != v1::ALLOW && action != v1::MASK) {
      r->ClearField(msg, f);
      if (report) report->withheld.insert(path);
      continue;
    }
    if (IsCaselinkMessage(f)) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
          Walk(plan, masks, r->MutableRepeatedMessage(msg, f, i), path, report);
        }
      } else {
        Walk(plan, masks, r->MutableMessage(msg, f), path, report);
      }
      continue;
    }
    if (action == v1::ALLOW) {
      // Returned in full unless identifiers inside it were masked.
      const bool masked = MaskFreeText(plan, masks, msg, f, path);
      if (report) (masked ? report->masked : report->full).insert(path);
      continue;
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      // Identifiers first: the field mask keeps the value's ends, which
      // could otherwise hold one.
      MaskFreeText(plan, masks, msg, f, path);
      MaskField(masks, msg, f);
      if (report) report->masked.insert(path);
    } else {
      r->ClearField(msg, f);
      if (report) report->withheld.insert(path);
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
  Walk(plan, masks, msg, "", report);
}

absl::Status CheckWritable(const FieldPlan& writable, const Message& msg) {
  return WalkWritable(writable, msg, "");
}

}  // namespace caselink::auth
