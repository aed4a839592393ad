#include "auth/field_plan.h"

namespace caselink::auth {
namespace {

int Rank(v1::FieldAction a) {
  switch (a) {
    case v1::ALLOW: return 2;
    case v1::MASK: return 1;
    default: return 0;
  }
}

}  // namespace

GrantTable::GrantTable(const google::protobuf::RepeatedPtrField<v1::FieldGrant>& grants) {
  by_class_.fill(v1::DENY);
  for (const v1::FieldGrant& g : grants) {
    empty_ = false;
    if (g.has_path()) {
      by_path_[g.path()] = g.action();
    } else if (g.sensitivity() >= 0 && g.sensitivity() < static_cast<int>(by_class_.size())) {
      by_class_[g.sensitivity()] = g.action();
    }
  }
}

v1::FieldAction GrantTable::Decide(const std::string& path, v1::Sensitivity cls) const {
  if (!by_path_.empty()) {
    // Longest prefix on a '.' boundary: "parties" covers "parties.person.name".
    std::string p = path;
    while (true) {
      auto it = by_path_.find(p);
      if (it != by_path_.end()) return it->second;
      size_t dot = p.rfind('.');
      if (dot == std::string::npos) break;
      p.resize(dot);
    }
  }
  return by_class_[cls];
}

bool GrantTable::HasPathBelow(const std::string& path) const {
  const std::string prefix = path + ".";
  for (const auto& [p, action] : by_path_) {
    if (p.compare(0, prefix.size(), prefix) == 0 && (action == v1::ALLOW || action == v1::MASK)) return true;
  }
  return false;
}

bool FieldPlan::HasPathBelow(const std::string& path) const {
  for (const GrantTable* t : tables_) {
    if (t->HasPathBelow(path)) return true;
  }
  return false;
}

v1::Sensitivity FieldSensitivity(const google::protobuf::FieldDescriptor* f) {
  v1::Sensitivity s = f->options().GetExtension(v1::sensitivity);
  return s == v1::SENSITIVITY_UNSPECIFIED ? v1::INVESTIGATIVE : s;
}

bool IsCaselinkMessage(const google::protobuf::FieldDescriptor* f) {
  return f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
         f->message_type()->file()->package() == "caselink.v1";
}

void FieldPlan::Add(const GrantTable* table, const std::string& rule_name) {
  tables_.push_back(table);
  rule_names_.push_back(rule_name);
}

v1::FieldAction FieldPlan::Decide(const std::string& path, v1::Sensitivity cls) const {
  v1::FieldAction best = v1::DENY;
  for (const GrantTable* t : tables_) {
    v1::FieldAction a = t->Decide(path, cls);
    if (Rank(a) > Rank(best)) best = a;
    if (best == v1::ALLOW) break;
  }
  return best;
}

}  // namespace caselink::auth
