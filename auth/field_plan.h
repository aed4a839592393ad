// FieldPlan: what one caller gets of each field of one row, merged from every
// policy rule that grants the row. The most permissive grant wins (rules are
// permissive, like PostgreSQL's PERMISSIVE policies); anything no rule grants
// is denied. Within a rule a path grant overrides a class grant.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "caselink/v1/annotations.pb.h"
#include "caselink/v1/policy.pb.h"
#include "google/protobuf/descriptor.h"

namespace caselink::auth {

// A rule's field grants, compiled for lookup.
class GrantTable {
 public:
  GrantTable() { by_class_.fill(v1::DENY); }
  explicit GrantTable(const google::protobuf::RepeatedPtrField<v1::FieldGrant>& grants);
  // The rule's action for a field at `path` ("parties.person.name") of class
  // `cls`: the longest granted path prefix, else the class grant, else DENY.
  v1::FieldAction Decide(const std::string& path, v1::Sensitivity cls) const;
  bool empty() const { return empty_; }
  // Whether a path grant names a field strictly below `path`.
  bool HasPathBelow(const std::string& path) const;

 private:
  std::array<v1::FieldAction, 6> by_class_;
  absl::flat_hash_map<std::string, v1::FieldAction> by_path_;
  bool empty_ = true;
};

// The sensitivity class of a field; unannotated fields count as the most
// sensitive class, so a forgotten annotation never leaks.
v1::Sensitivity FieldSensitivity(const google::protobuf::FieldDescriptor* f);

// Whether `f` holds a caselink.v1 message: walked field by field. Messages of
// other packages (Timestamp) are single values.
bool IsCaselinkMessage(const google::protobuf::FieldDescriptor* f);

class RedactionPlanCache;

class FieldPlan {
 public:
  void Add(const GrantTable* table, const std::string& rule_name);
  v1::FieldAction Decide(const std::string& path, v1::Sensitivity cls) const;
  // Whether some rule grants a field below `path` by its own path, so a
  // denied container must still be walked for it.
  bool HasPathBelow(const std::string& path) const;
  const std::vector<std::string>& rule_names() const { return rule_names_; }
  bool empty() const { return tables_.empty(); }
  const std::vector<const GrantTable*>& tables() const { return tables_; }

  // Where compiled forms of this plan are kept (auth/redaction_plan.h): the
  // Authorizer that owns the tables sets it; without one the redaction walk
  // compiles the plan for each message.
  void set_cache(RedactionPlanCache* cache) { cache_ = cache; }
  RedactionPlanCache* cache() const { return cache_; }

 private:
  std::vector<const GrantTable*> tables_;
  std::vector<std::string> rule_names_;
  RedactionPlanCache* cache_ = nullptr;
};

}  // namespace caselink::auth
