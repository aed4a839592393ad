#include "auth/redaction_plan.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "auth/field_path_set.h"
#include "google/protobuf/descriptor.pb.h"

namespace caselink::auth {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Deeper than any caselink message nests; only a recursive type reaches it,
// and its deeper levels are compiled by the walk as it meets them.
constexpr int kMaxCompiledDepth = 16;

// Whether `type`, or a caselink message it holds, has a string field with a
// mask shape (a personal value).
bool HoldsShapedValue(const Descriptor* type, int depth) {
  if (depth >= kMaxCompiledDepth) return true;  // cannot tell: assume it does
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->type() == FieldDescriptor::TYPE_STRING &&
        f->options().GetExtension(v1::mask_shape) != v1::MASK_SHAPE_UNSPECIFIED) {
      return true;
    }
    if (IsCaselinkMessage(f) && HoldsShapedValue(f->message_type(), depth + 1)) return true;
  }
  return false;
}

}  // namespace

CompiledRedaction::CompiledRedaction(const FieldPlan& plan, const Descriptor* type,
                                     const std::string& prefix) {
  Compile(plan, type, prefix, 0);
}

const MessagePlan* CompiledRedaction::Compile(const FieldPlan& plan, const Descriptor* type,
                                              const std::string& prefix, int depth) {
  nodes_.emplace_back();
  MessagePlan* node = &nodes_.back();
  node->type_ = type;
  node->steps_.resize(type->field_count());
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    FieldStep& step = node->steps_[i];
    step.path = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    step.reported = InternFieldPath(step.path);
    step.action = plan.Decide(step.path, FieldSensitivity(f));
    step.caselink_message = IsCaselinkMessage(f);
    if (step.action != v1::ALLOW && step.action != v1::MASK && step.caselink_message &&
        plan.HasPathBelow(step.path)) {
      step.action = v1::MASK;
    }
    for (int c = 0; c < v1::Sensitivity_ARRAYSIZE; ++c) {
      step.text[c] = v1::Sensitivity_IsValid(c) ? plan.Decide(step.path, static_cast<v1::Sensitivity>(c))
                                                : v1::DENY;
    }
    step.shape = f->options().GetExtension(v1::mask_shape);
    step.output_only = f->options().GetExtension(v1::output_only);
    step.names_case = f->options().GetExtension(v1::case_ref);
    if (step.caselink_message && (step.action == v1::ALLOW || step.action == v1::MASK) &&
        depth + 1 < kMaxCompiledDepth) {
      step.inside = Compile(plan, f->message_type(), step.path, depth + 1);
    }
    if (step.caselink_message) {
      // Walked: as its plan says (compiled later when nested too deep);
      // withheld: whatever personal value it holds is hidden.
      const bool walked = step.action == v1::ALLOW || step.action == v1::MASK;
      if (walked ? (step.inside == nullptr || step.inside->hides_shaped_)
                 : HoldsShapedValue(f->message_type(), depth + 1)) {
        node->hides_shaped_ = true;
      }
    } else if (f->type() == FieldDescriptor::TYPE_STRING &&
               step.shape != v1::MASK_SHAPE_UNSPECIFIED && step.action != v1::ALLOW) {
      node->hides_shaped_ = true;
    }
  }
  return node;
}

bool ShowsInFull(const CompiledRedaction& compiled, absl::string_view path) {
  const MessagePlan* node = &compiled.root();
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    if (node == nullptr) return false;
    const FieldDescriptor* f = node->type()->FindFieldByName(std::string(parts[i]));
    const FieldStep* step = f == nullptr ? nullptr : node->Step(f);
    if (step == nullptr) return false;
    if (i + 1 == parts.size()) return step->action == v1::ALLOW;
    if (step->action != v1::ALLOW && step->action != v1::MASK) return false;
    node = step->inside;
  }
  return false;
}

std::shared_ptr<const CompiledRedaction> RedactionPlanCache::Get(const FieldPlan& plan,
                                                                 const Descriptor* type) {
  if (type->file()->pool() != google::protobuf::DescriptorPool::generated_pool()) {
    return std::make_shared<const CompiledRedaction>(plan, type);
  }
  Key key;
  key.reserve(1 + plan.tables().size());
  key.push_back(type);
  for (const GrantTable* t : plan.tables()) key.push_back(t);
  {
    absl::ReaderMutexLock l(&mu_);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
  }
  auto compiled = std::make_shared<const CompiledRedaction>(plan, type);
  absl::MutexLock l(&mu_);
  if (plans_.size() >= kMaxPlans) return compiled;
  return plans_.try_emplace(std::move(key), std::move(compiled)).first->second;
}

}  // namespace caselink::auth
