#include "auth/policy_loader.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "caselink_common/text_format_errors.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "auth/free_text_masker.h"
#include "caselink/v1/admin.pb.h"
#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case.pb.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/document.pb.h"
#include "caselink/v1/report.pb.h"
#include "caselink/v1/meeting.pb.h"
#include "caselink/v1/oversight.pb.h"
#include "caselink/v1/screening.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace caselink::auth {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;

// Reports semantic problems at the line of the element they concern.
class Checker {
 public:
  Checker(const std::string& name, const TextFormat::ParseInfoTree& tree)
      : name_(name), tree_(tree) {}

  void Error(const std::string& top_field, int index, const std::string& msg) {
    const FieldDescriptor* f = v1::Policy::descriptor()->FindFieldByName(top_field);
    auto loc = tree_.GetLocation(f, index);
    errors.push_back(absl::StrCat(name_, ":", loc.line + 1, ":", loc.column + 1, ": ", msg));
  }
  // At the line of element `nested_index` of field `nested` inside element
  // `index` of `top` (a grant, an rpc or an agency of a rule).
  void ErrorIn(const std::string& top, int index, const std::string& nested, int nested_index,
               const std::string& msg) {
    const FieldDescriptor* tf = v1::Policy::descriptor()->FindFieldByName(top);
    const FieldDescriptor* nf = tf->message_type()->FindFieldByName(nested);
    const TextFormat::ParseInfoTree* sub = tree_.GetTreeForNested(tf, index);
    if (sub != nullptr && nf != nullptr) {
      auto loc = sub->GetLocation(nf, nf->is_repeated() ? nested_index : -1);
      if (loc.line >= 0) {
        errors.push_back(absl::StrCat(name_, ":", loc.line + 1, ":", loc.column + 1, ": ", msg));
        return;
      }
    }
    Error(top, index, msg);
  }
  std::vector<std::string> errors;

 private:
  std::string name_;
  const TextFormat::ParseInfoTree& tree_;
};

bool ValidAgencyId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

// The service descriptors are registered with the generated pool only if
// their .pb.o is linked in; referencing a message of each file makes sure a
// policy is checked against every caselink service in any binary.
void EnsureServicesLinked() {
  (void)v1::SubmitCaseRequest::descriptor();
  (void)v1::WatchRequest::descriptor();
  (void)v1::WhoReadRequest::descriptor();
  (void)v1::JointMeetingReportRequest::descriptor();
  (void)v1::GetStatsRequest::descriptor();
  (void)v1::UploadHeader::descriptor();
  (void)v1::ListHitsRequest::descriptor();
  (void)v1::CreateCampaignRequest::descriptor();
  (void)v1::CreateMeetingRequest::descriptor();
}

// "pkg.Service/Method" or "pkg.Service/*"; methods of caselink.v1 must exist.
bool ValidRpcName(const std::string& rpc) {
  EnsureServicesLinked();
  std::vector<std::string> parts = absl::StrSplit(rpc, '/');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) return false;
  if (!absl::StartsWith(parts[0], "caselink.")) return true;  // health, reflection
  const auto* svc = DescriptorPool::generated_pool()->FindServiceByName(parts[0]);
  if (svc == nullptr) return false;
  return parts[1] == "*" || svc->FindMethodByName(parts[1]) != nullptr;
}

// A dotted path of field names from Case, e.g. "parties.person.id_number".
bool ValidCasePath(const std::string& path) {
  const Descriptor* d = v1::Case::descriptor();
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (d == nullptr) return false;
    const FieldDescriptor* f = d->FindFieldByName(std::string(part));
    if (f == nullptr) return false;
    d = f->message_type();
  }
  return true;
}

void CheckGrants(Checker& c, int rule_index, const std::string& rule_name,
                 const google::protobuf::RepeatedPtrField<v1::FieldGrant>& grants,
                 const char* what, const char* field) {
  for (int j = 0; j < grants.size(); ++j) {
    const v1::FieldGrant& g = grants.Get(j);
    if (g.target_case() == v1::FieldGrant::TARGET_NOT_SET) {
      c.ErrorIn("rules", rule_index, field, j, absl::StrCat("rule '", rule_name, "': a ", what,
                                                " grant needs a sensitivity or a path"));
    }
    if (g.has_path() && !ValidCasePath(g.path())) {
      c.ErrorIn("rules", rule_index, field, j, absl::StrCat("rule '", rule_name, "': '", g.path(),
                                                "' is not a field path of caselink.v1.Case"));
    }
    if (g.action() == v1::FIELD_ACTION_UNSPECIFIED) {
      c.ErrorIn("rules", rule_index, field, j, absl::StrCat("rule '", rule_name, "': a ", what,
                                                " grant needs an action (ALLOW, MASK or DENY)"));
    }
  }
}

void Validate(const v1::Policy& p, Checker& c) {
  absl::flat_hash_set<std::string> ids, identities, rule_names;
  for (int i = 0; i < p.agencies_size(); ++i) {
    const v1::Agency& a = p.agencies(i);
    if (!ValidAgencyId(a.id())) {
      c.Error("agencies", i, absl::StrCat("agency id '", a.id(),
                                          "' must be 1-64 characters of [a-z0-9_-]"));
    } else if (!ids.insert(a.id()).second) {
      c.Error("agencies", i, absl::StrCat("agency id '", a.id(), "' is defined twice"));
    }
    if (a.identities().empty()) {
      c.Error("agencies", i, absl::StrCat("agency '", a.id(), "' has no certificate identity"));
    }
    for (const std::string& ident : a.identities()) {
      if (!identities.insert(ident).second) {
        c.Error("agencies", i, absl::StrCat("identity '", ident, "' maps to more than one agency"));
      }
    }
    if (a.roles().empty()) c.Error("agencies", i, absl::StrCat("agency '", a.id(), "' has no role"));
  }
  for (int i = 0; i < p.rules_size(); ++i) {
    const v1::Rule& r = p.rules(i);
    if (r.name().empty()) c.Error("rules", i, "a rule needs a name");
    else if (!rule_names.insert(r.name()).second)
      c.Error("rules", i, absl::StrCat("rule name '", r.name(), "' is used twice"));
    if (r.roles().empty() && r.agencies().empty()) {
      c.Error("rules", i, absl::StrCat("rule '", r.name(), "' applies to no role and no agency"));
    }
    for (int j = 0; j < r.agencies_size(); ++j) {
      const std::string& a = r.agencies(j);
      if (!ids.contains(a)) c.ErrorIn("rules", i, "agencies", j, absl::StrCat("rule '", r.name(), "': unknown agency '", a, "'"));
    }
    if (r.rpcs().empty()) c.Error("rules", i, absl::StrCat("rule '", r.name(), "' grants no rpc"));
    for (int j = 0; j < r.rpcs_size(); ++j) {
      const std::string& rpc = r.rpcs(j);
      if (!ValidRpcName(rpc)) {
        c.ErrorIn("rules", i, "rpcs", j, absl::StrCat("rule '", r.name(), "': unknown rpc '", rpc,
                                         "' (expected package.Service/Method or package.Service/*)"));
      }
    }
    CheckGrants(c, i, r.name(), r.fields(), "field", "fields");
    CheckGrants(c, i, r.name(), r.writable(), "writable", "writable");
  }
  for (int i = 0; i < p.masks_size(); ++i) {
    const v1::MaskRule& m = p.masks(i);
    if (m.keep_first() < 0 || m.keep_last() < 0) {
      c.Error("masks", i, "keep_first and keep_last must not be negative");
    } else if (m.keep_first() > 64 || m.keep_last() > 64) {
      c.Error("masks", i, "keep_first and keep_last must be at most 64");
    }
  }
  if (p.has_free_text()) {
    for (const auto& [rule, problem] : FreeTextConfigProblems(p.free_text())) {
      if (rule >= 0) c.ErrorIn("free_text", -1, "rules", rule, problem);
      else c.Error("free_text", -1, problem);
    }
  }
  for (int i = 0; i < p.public_rpcs_size(); ++i) {
    if (!ValidRpcName(p.public_rpcs(i))) {
      c.Error("public_rpcs", i, absl::StrCat("unknown rpc '", p.public_rpcs(i), "'"));
    }
  }
}

}  // namespace

absl::StatusOr<v1::Policy> ParsePolicy(const std::string& text, const std::string& name) {
  v1::Policy policy;
  caselink::TextFormatErrors collector(name);
  TextFormat::ParseInfoTree tree;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &policy)) {
    if (collector.errors.empty()) collector.errors.push_back(absl::StrCat(name, ": cannot parse"));
    return absl::InvalidArgumentError(absl::StrJoin(collector.errors, "\n"));
  }
  Checker checker(name, tree);
  Validate(policy, checker);
  if (!checker.errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(checker.errors, "\n"));
  }
  return policy;
}

absl::StatusOr<v1::Policy> LoadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read policy file ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParsePolicy(ss.str(), path);
}

}  // namespace caselink::auth
