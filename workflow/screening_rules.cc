#include "workflow/screening_rules.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "caselink_common/read_file.h"
#include "caselink_common/request_digest.h"
#include "caselink_common/status_macros.h"
#include "caselink_common/text_format_errors.h"
#include "google/protobuf/text_format.h"

namespace caselink::workflow {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

namespace {

// Sums of at most this many terms, each multiplied by at most this much:
// with facts bounded by their max_int (10^13) no sum overflows int64.
constexpr int kMaxTerms = 8;
constexpr int64_t kMaxMultiplier = 1000;

bool IsId(absl::string_view s, bool underscore) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (underscore && c == '_');
  });
}

}  // namespace

struct ScreeningRuleSet::Compiled {
  struct Term {
    const FieldDescriptor* field;
    int64_t multiplier;
  };
  struct Condition {
    std::vector<Term> terms;
    std::string name;  // what the hit shows: the fact, or the sum
    v1::Comparison comparison;
    int64_t figure = 0;
  };
  struct Threshold {
    const v1::Threshold* source;
    std::vector<Condition> all_of;
  };
  const v1::ScreeningRule* rule;
  absl::flat_hash_set<int> domains;
  std::vector<Threshold> any_of;
};

ScreeningRuleSet::~ScreeningRuleSet() = default;

absl::StatusOr<std::shared_ptr<const ScreeningRuleSet>> ScreeningRuleSet::Compile(v1::ScreeningRules rules) {
  auto set = std::shared_ptr<ScreeningRuleSet>(new ScreeningRuleSet());
  set->rules_ = std::move(rules);
  const v1::ScreeningRules& r = set->rules_;
  const Descriptor* facts = v1::CaseFacts::descriptor();

  absl::flat_hash_map<std::string, int64_t> figures;
  for (int i = 0; i < r.figures_size(); ++i) {
    const v1::DistrictFigure& f = r.figures(i);
    const std::string at = absl::StrCat("figures[", i, "]");
    if (!IsId(f.name(), true)) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".name: '", f.name(), "' must be 1-64 of [a-z0-9_-]"));
    }
    if (f.national_max() > 0 && (f.value() < f.national_min() || f.value() > f.national_max())) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".value: ", f.value(), " lies outside the national range ",
                                                     f.national_min(), "..", f.national_max(), " of '", f.name(),
                                                     "' (a province sets it within the range)"));
    }
    if (f.value() < 0) return absl::InvalidArgumentError(absl::StrCat(at, ".value: must not be negative"));
    if (!figures.emplace(f.name(), f.value()).second) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".name: '", f.name(), "' is declared twice"));
    }
  }

  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < r.rules_size(); ++i) {
    const v1::ScreeningRule& rule = r.rules(i);
    const std::string at = absl::StrCat("rules[", i, "]");
    if (!IsId(rule.id(), false)) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".id: '", rule.id(), "' must be 1-64 of [a-z0-9-]"));
    }
    if (!ids.insert(rule.id()).second) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".id: '", rule.id(), "' is used by another rule"));
    }
    if (rule.offence().empty()) return absl::InvalidArgumentError(absl::StrCat(at, ".offence: is required (罪名)"));
    if (rule.article().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".article: is required (e.g. 刑法第一百四十条)"));
    }
    if (rule.any_of().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".any_of: a rule needs at least one threshold"));
    }
    auto c = std::make_unique<Compiled>();
    c->rule = &rule;
    for (int d : rule.domains()) c->domains.insert(d);
    for (int t = 0; t < rule.any_of_size(); ++t) {
      const v1::Threshold& th = rule.any_of(t);
      const std::string tat = absl::StrCat(at, ".any_of[", t, "]");
      if (th.label().empty()) return absl::InvalidArgumentError(absl::StrCat(tat, ".label: is required"));
      if (th.all_of().empty()) {
        return absl::InvalidArgumentError(absl::StrCat(tat, ".all_of: a threshold needs at least one condition"));
      }
      Compiled::Threshold ct{&th, {}};
      for (int k = 0; k < th.all_of_size(); ++k) {
        const v1::Condition& cond = th.all_of(k);
        const std::string cat = absl::StrCat(tat, ".all_of[", k, "]");
        auto field_of = [&](const std::string& name, const std::string& where) -> absl::StatusOr<const FieldDescriptor*> {
          const FieldDescriptor* fd = facts->FindFieldByName(name);
          if (fd == nullptr) {
            return absl::InvalidArgumentError(absl::StrCat(where, ": '", name, "' is not a CaseFacts field"));
          }
          return fd;
        };
        Compiled::Condition cc;
        cc.comparison = cond.comparison();
        if (cond.fact().empty() == cond.terms().empty()) {
          return absl::InvalidArgumentError(absl::StrCat(cat, ": give either fact or terms"));
        }
        if (!cond.fact().empty()) {
          CASELINK_ASSIGN_OR_RETURN(const FieldDescriptor* fd, field_of(cond.fact(), cat + ".fact"));
          cc.terms.push_back({fd, 1});
          cc.name = cond.fact();
        } else {
          if (cond.terms_size() > kMaxTerms) {
            return absl::InvalidArgumentError(absl::StrCat(cat, ".terms: at most ", kMaxTerms, " terms"));
          }
          std::vector<std::string> names;
          for (int j = 0; j < cond.terms_size(); ++j) {
            const v1::Term& term = cond.terms(j);
            const std::string jat = absl::StrCat(cat, ".terms[", j, "]");
            CASELINK_ASSIGN_OR_RETURN(const FieldDescriptor* fd, field_of(term.fact(), jat + ".fact"));
            const int64_t m = term.multiplier() == 0 ? 1 : term.multiplier();
            if (m < 1 || m > kMaxMultiplier) {
              return absl::InvalidArgumentError(
                  absl::StrCat(jat, ".multiplier: must be 1..", kMaxMultiplier, " (0 counts as 1)"));
            }
            cc.terms.push_back({fd, m});
            names.push_back(m == 1 ? term.fact() : absl::StrCat(term.fact(), "×", m));
          }
          cc.name = absl::StrJoin(names, " + ");
        }
        const bool numeric = cond.comparison() == v1::AT_LEAST || cond.comparison() == v1::BELOW;
        for (const Compiled::Term& term : cc.terms) {
          const FieldDescriptor::CppType want =
              numeric ? FieldDescriptor::CPPTYPE_INT64
                      : (cond.comparison() == v1::IS_TRUE ? FieldDescriptor::CPPTYPE_BOOL : FieldDescriptor::CPPTYPE_ENUM);
          if (cond.comparison() == v1::COMPARISON_UNSPECIFIED || !v1::Comparison_IsValid(cond.comparison())) {
            return absl::InvalidArgumentError(
                absl::StrCat(cat, ".comparison: is required (AT_LEAST, BELOW, IS_TRUE or IS)"));
          }
          if (term.field->cpp_type() != want) {
            return absl::InvalidArgumentError(absl::StrCat(cat, ": ", v1::Comparison_Name(cond.comparison()),
                                                           " does not apply to '", term.field->name(), "' (a ",
                                                           term.field->cpp_type_name(), ")"));
          }
          if (!numeric && cc.terms.size() > 1) {
            return absl::InvalidArgumentError(absl::StrCat(cat, ".terms: only AT_LEAST and BELOW compare a sum"));
          }
        }
        if (numeric) {
          if (!cond.figure_name().empty()) {
            auto f = figures.find(cond.figure_name());
            if (f == figures.end()) {
              return absl::InvalidArgumentError(absl::StrCat(cat, ".figure_name: '", cond.figure_name(),
                                                             "' is not declared in figures"));
            }
            if (cond.figure() != 0) {
              return absl::InvalidArgumentError(absl::StrCat(cat, ": give either figure or figure_name"));
            }
            cc.figure = f->second;
          } else {
            if (cond.figure() < 0) return absl::InvalidArgumentError(absl::StrCat(cat, ".figure: must not be negative"));
            cc.figure = cond.figure();
          }
        } else if (cond.comparison() == v1::IS) {
          const google::protobuf::EnumValueDescriptor* v =
              cc.terms[0].field->enum_type()->FindValueByName(cond.enum_value());
          if (v == nullptr || v->number() == 0) {
            return absl::InvalidArgumentError(absl::StrCat(cat, ".enum_value: '", cond.enum_value(),
                                                           "' is not a value of ",
                                                           cc.terms[0].field->enum_type()->name()));
          }
          cc.figure = v->number();
        } else if (cond.figure() != 0 || !cond.figure_name().empty() || !cond.enum_value().empty()) {
          return absl::InvalidArgumentError(absl::StrCat(cat, ": IS_TRUE takes no figure"));
        }
        ct.all_of.push_back(std::move(cc));
      }
      c->any_of.push_back(std::move(ct));
    }
    set->compiled_.push_back(std::move(c));
  }
  set->version_ = absl::BytesToHexString(RequestDigest(set->rules_)).substr(0, 16);
  return std::shared_ptr<const ScreeningRuleSet>(std::move(set));
}

absl::StatusOr<std::shared_ptr<const ScreeningRuleSet>> ScreeningRuleSet::Parse(absl::string_view text,
                                                                               absl::string_view origin) {
  v1::ScreeningRules rules;
  TextFormatErrors errors{std::string(origin)};
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &rules) || !errors.errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(errors.errors, "\n"));
  }
  absl::StatusOr<std::shared_ptr<const ScreeningRuleSet>> set = Compile(std::move(rules));
  if (!set.ok()) return absl::InvalidArgumentError(absl::StrCat(origin, ": ", set.status().message()));
  return set;
}

absl::StatusOr<std::shared_ptr<const ScreeningRuleSet>> ScreeningRuleSet::Load(const std::string& path) {
  CASELINK_ASSIGN_OR_RETURN(std::string text, ReadFileOr(path, "screening rules"));
  return Parse(text, path);
}

namespace {

// Whether the case's legal basis names one of `laws` (none: any basis).
bool NamesLaw(const v1::Case& c, const google::protobuf::RepeatedPtrField<std::string>& laws) {
  if (laws.empty()) return true;
  for (const std::string& law : laws) {
    if (absl::StrContains(c.legal_basis(), law)) return true;
    for (const v1::LegalProvision& p : c.legal_provisions()) {
      if (absl::StrContains(p.law(), law)) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<v1::ScreeningHit> ScreeningRuleSet::Evaluate(const v1::Case& c) const {
  std::vector<v1::ScreeningHit> hits;
  if (!c.has_measured_facts()) return hits;
  const v1::CaseFacts& facts = c.measured_facts();
  const google::protobuf::Reflection* refl = facts.GetReflection();
  for (const std::unique_ptr<Compiled>& rule : compiled_) {
    if (!rule->domains.empty() && !rule->domains.contains(c.domain())) continue;
    if (!NamesLaw(c, rule->rule->laws())) continue;
    for (const Compiled::Threshold& th : rule->any_of) {
      std::vector<v1::MetFigure> met;
      bool holds = true;
      for (const Compiled::Condition& cond : th.all_of) {
        int64_t value = 0;
        for (const Compiled::Term& term : cond.terms) {
          // An unset fact is not established: the condition does not hold.
          if (!refl->HasField(facts, term.field)) {
            holds = false;
            break;
          }
          switch (term.field->cpp_type()) {
            case FieldDescriptor::CPPTYPE_INT64:
              value += refl->GetInt64(facts, term.field) * term.multiplier;
              break;
            case FieldDescriptor::CPPTYPE_BOOL:
              value = refl->GetBool(facts, term.field) ? 1 : 0;
              break;
            case FieldDescriptor::CPPTYPE_ENUM:
              value = refl->GetEnumValue(facts, term.field);
              break;
            default:
              holds = false;
          }
        }
        if (!holds) break;
        switch (cond.comparison) {
          case v1::AT_LEAST: holds = value >= cond.figure; break;
          case v1::BELOW: holds = value < cond.figure; break;
          case v1::IS_TRUE: holds = value == 1; break;
          case v1::IS: holds = value == cond.figure; break;
          default: holds = false;
        }
        if (!holds) break;
        v1::MetFigure f;
        f.set_fact(cond.name);
        f.set_value(value);
        f.set_comparison(cond.comparison);
        f.set_figure(cond.comparison == v1::IS_TRUE ? 1 : cond.figure);
        met.push_back(std::move(f));
      }
      if (!holds) continue;
      v1::ScreeningHit& hit = hits.emplace_back();
      hit.set_case_id(c.case_id());
      hit.set_owner_agency(c.owner_agency());
      hit.set_domain(c.domain());
      hit.set_case_version(c.version());
      hit.set_rule_id(rule->rule->id());
      hit.set_offence(rule->rule->offence());
      hit.set_article(rule->rule->article());
      hit.set_threshold(th.source->label());
      hit.set_source(th.source->source());
      for (v1::MetFigure& f : met) *hit.add_figures() = std::move(f);
      break;  // the first threshold met
    }
  }
  return hits;
}

}  // namespace caselink::workflow
