// Every case id an RPC can answer with is declared (caselink.v1.case_ref), so
// the response filter names it in the call's access-log entry (call_guard.h).
// Walks, by reflection, every message reachable from the output of every
// method of every service in proto/caselink/v1/*.proto (a new file or service
// is checked without touching this test) and requires each string field
// named case_id, case_ids or *_case_id(s) to carry the annotation, unless it
// is listed below with the reason it must not. A field forgotten here would
// reach an agency without being on the record.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "caselink/v1/admin.pb.h"
#include "caselink/v1/annotations.pb.h"
#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case.pb.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/document.pb.h"
#include "caselink/v1/meeting.pb.h"
#include "caselink/v1/oversight.pb.h"
#include "caselink/v1/report.pb.h"
#include "caselink/v1/screening.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

#ifndef CASELINK_SOURCE_DIR
#error "CASELINK_SOURCE_DIR must be defined"
#endif

namespace caselink {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

// Case ids an answer quotes from the access log itself: an auditor's answer
// lists entries of what others read, and its own entry names only the
// question's key (docs/audit.md, "Asking the log").
const std::set<std::string> kNotNamed = {
    "caselink.v1.AuditEntry.case_ids",
    "caselink.v1.AuditEntry.requested_case_id",
    "caselink.v1.AuditEntry.requested_case_ids",
};

bool LooksLikeCaseId(const FieldDescriptor* f) {
  static const std::regex kName("(^|.*_)case_ids?");
  return std::regex_match(f->name(), kName);
}

struct Walk {
  std::set<const Descriptor*> seen;
  std::vector<std::string> missing;
  std::set<std::string> exempted;
  int declared = 0;

  void Visit(const Descriptor* d) {
    if (!seen.insert(d).second) return;
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (f->message_type()->file()->package() == "caselink.v1") Visit(f->message_type());
        continue;
      }
      const bool declared_ref = f->options().GetExtension(v1::case_ref);
      if (declared_ref) {
        ++declared;
        EXPECT_EQ(f->type(), FieldDescriptor::TYPE_STRING) << f->full_name() << " is case_ref but not a string";
      }
      if (!LooksLikeCaseId(f) || f->type() != FieldDescriptor::TYPE_STRING) continue;
      if (kNotNamed.count(f->full_name()) > 0) {
        exempted.insert(f->full_name());
        EXPECT_FALSE(declared_ref) << f->full_name() << " is listed as not named, yet declared case_ref";
      } else if (!declared_ref) {
        missing.push_back(f->full_name());
      }
    }
  }
};

// The API's generated files, one message of each referenced so the linker
// keeps them and their descriptors are in the generated pool.
std::vector<const FileDescriptor*> LinkedApiFiles() {
  return {v1::GetStatsRequest::descriptor()->file(),  v1::AuditEntry::descriptor()->file(),
          v1::Person::descriptor()->file(),           v1::MarkMajorRequest::descriptor()->file(),
          v1::Document::descriptor()->file(),         v1::Meeting::descriptor()->file(),
          v1::Criterion::descriptor()->file(),        v1::JointMeetingReportRequest::descriptor()->file(),
          v1::MetFigure::descriptor()->file(),        v1::Material::descriptor()->file()};
}

// Every .proto of the source tree that declares a service; one this test
// does not link fails it (add one of its messages to LinkedApiFiles).
std::vector<const FileDescriptor*> ApiFiles() {
  const std::vector<const FileDescriptor*> linked = LinkedApiFiles();
  std::vector<const FileDescriptor*> files;
  static const std::regex kService("(^|\\n)service ");
  for (const auto& entry : std::filesystem::directory_iterator(CASELINK_SOURCE_DIR "/proto/caselink/v1")) {
    if (entry.path().extension() != ".proto") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    if (!std::regex_search(text.str(), kService)) continue;  // records and annotations: no RPC
    const std::string name = "caselink/v1/" + entry.path().filename().string();
    const FileDescriptor* file = DescriptorPool::generated_pool()->FindFileByName(name);
    EXPECT_NE(file, nullptr) << name << " declares a service but is not linked into this test";
    if (file != nullptr) files.push_back(file);
  }
  EXPECT_GE(files.size(), 9u);
  return files;
}

TEST(CaseRefAnnotationTest, EveryCaseIdAnRpcCanAnswerWithIsDeclared) {
  Walk walk;
  int methods = 0;
  for (const FileDescriptor* file : ApiFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        walk.Visit(file->service(s)->method(m)->output_type());
        ++methods;
      }
    }
  }
  EXPECT_GT(methods, 40);  // every service was found
  EXPECT_TRUE(walk.missing.empty()) << "case ids an answer can carry without (caselink.v1.case_ref): "
                                    << ::testing::PrintToString(walk.missing);
  // The answers carry case ids in items, samples, reviews, reports, hits.
  EXPECT_GE(walk.declared, 12);
  // The exemptions are still real fields that answers carry.
  EXPECT_EQ(walk.exempted, kNotNamed);
}

// A sensitive field outside a Case that is neither text (the scanner reads
// it) nor a message (walked) would be returned as stored: it must declare
// the Case field whose rule governs it (caselink.v1.governed_by), and that
// field must exist.
struct GovernedWalk {
  std::set<const Descriptor*> seen;
  std::vector<std::string> ungoverned;
  std::vector<std::string> dangling;
  std::set<std::string> governed;

  static bool ResolvesInCase(const std::string& path) {
    const Descriptor* d = v1::Case::descriptor();
    std::stringstream parts(path);
    std::string part;
    const FieldDescriptor* f = nullptr;
    while (std::getline(parts, part, '.')) {
      if (d == nullptr) return false;
      f = d->FindFieldByName(part);
      if (f == nullptr) return false;
      d = f->message_type();
    }
    return f != nullptr;
  }

  void Visit(const Descriptor* d) {
    if (d == v1::Case::descriptor() || !seen.insert(d).second) return;
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->options().HasExtension(v1::governed_by)) {
        governed.insert(f->full_name());
        if (!ResolvesInCase(f->options().GetExtension(v1::governed_by))) dangling.push_back(f->full_name());
      }
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && f->message_type()->file()->package() == "caselink.v1") {
        Visit(f->message_type());
        continue;
      }
      if (!f->options().HasExtension(v1::sensitivity) || f->options().GetExtension(v1::sensitivity) == v1::PUBLIC) {
        continue;
      }
      if (f->type() == FieldDescriptor::TYPE_STRING || f->options().HasExtension(v1::governed_by)) continue;
      ungoverned.push_back(f->full_name());
    }
  }
};

TEST(CaseRefAnnotationTest, EverySensitiveValueOutsideACaseIsGoverned) {
  GovernedWalk walk;
  for (const FileDescriptor* file : ApiFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) walk.Visit(file->service(s)->method(m)->output_type());
    }
  }
  EXPECT_TRUE(walk.ungoverned.empty()) << "sensitive fields outside a Case that nothing governs: "
                                       << ::testing::PrintToString(walk.ungoverned);
  EXPECT_TRUE(walk.dangling.empty()) << "governed_by naming no field of caselink.v1.Case: "
                                     << ::testing::PrintToString(walk.dangling);
  // A screening hit's figures and its dismissal's reason (screening_e2e).
  EXPECT_TRUE(walk.governed.count("caselink.v1.MetFigure.value") > 0);
  EXPECT_TRUE(walk.governed.count("caselink.v1.ScreeningHit.dismiss_reason") > 0);
}

// Text the identifier scanner reads outside a Case has an author: a
// (text_author) field of its message or of one that holds it, so the author
// reads its own words back as written (no oracle on a case's values).
struct AuthorWalk {
  std::set<std::pair<const Descriptor*, bool>> seen;
  std::set<std::string> unauthored;
  int authors = 0;

  void Visit(const Descriptor* d, bool authored) {
    if (d == v1::Case::descriptor() || !seen.insert({d, authored}).second) return;
    for (int i = 0; i < d->field_count(); ++i) {
      if (d->field(i)->options().GetExtension(v1::text_author)) {
        EXPECT_EQ(d->field(i)->type(), FieldDescriptor::TYPE_STRING) << d->field(i)->full_name();
        EXPECT_FALSE(d->field(i)->is_repeated()) << d->field(i)->full_name();
        authored = true;
        ++authors;
      }
    }
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (f->message_type()->file()->package() == "caselink.v1") Visit(f->message_type(), authored);
        continue;
      }
      const bool scanned = f->type() == FieldDescriptor::TYPE_STRING && f->options().HasExtension(v1::sensitivity) &&
                           f->options().GetExtension(v1::sensitivity) != v1::PUBLIC &&
                           !f->options().GetExtension(v1::output_only);
      if (scanned && !authored) unauthored.insert(f->full_name());
    }
  }
};

TEST(CaseRefAnnotationTest, EveryTextOutsideACaseNamesItsAuthor) {
  AuthorWalk walk;
  for (const FileDescriptor* file : ApiFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        walk.Visit(file->service(s)->method(m)->output_type(), false);
      }
    }
  }
  EXPECT_TRUE(walk.unauthored.empty()) << "text outside a Case with no (text_author) over it: "
                                       << ::testing::PrintToString(walk.unauthored);
  EXPECT_GE(walk.authors, 10);
}

// A request field of a listing (List*, Search*) named as a field of a Case
// compares that value: it must declare (filters), so a row whose value the
// caller may not read never matches it (call_guard.h, VisibleThroughFilters);
// and every (filters) path must name a field of caselink.v1.Case.
TEST(CaseRefAnnotationTest, EveryListingFilterOnACaseValueIsDeclared) {
  // Keys, not filters: the case a listing is of.
  const std::set<std::string> kKeys = {"case_id"};
  std::vector<std::string> undeclared, dangling;
  int declared = 0;
  for (const FileDescriptor* file : ApiFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        const auto* method = file->service(s)->method(m);
        const Descriptor* in = method->input_type();
        for (int i = 0; i < in->field_count(); ++i) {
          const FieldDescriptor* f = in->field(i);
          const std::string& path = f->options().GetExtension(v1::filters);
          if (!path.empty()) {
            ++declared;
            const Descriptor* d = v1::Case::descriptor();
            const FieldDescriptor* at = nullptr;
            for (absl::string_view part : absl::StrSplit(path, '.')) {
              at = d == nullptr ? nullptr : d->FindFieldByName(std::string(part));
              d = at != nullptr && at->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? at->message_type() : nullptr;
              if (at == nullptr) break;
            }
            if (at == nullptr) dangling.push_back(f->full_name() + " -> " + path);
            continue;
          }
          const bool listing = absl::StartsWith(method->name(), "List") || absl::StartsWith(method->name(), "Search");
          const std::string name(absl::StripSuffix(f->name(), "_only"));
          if (listing && kKeys.count(f->name()) == 0 && v1::Case::descriptor()->FindFieldByName(name) != nullptr) {
            undeclared.push_back(f->full_name());
          }
        }
      }
    }
  }
  EXPECT_TRUE(undeclared.empty()) << "listing fields named as a Case field without (filters): "
                                  << ::testing::PrintToString(undeclared);
  EXPECT_TRUE(dangling.empty()) << "(filters) naming no Case field: " << ::testing::PrintToString(dangling);
  EXPECT_GE(declared, 10);
}

// True if `path` ("penalty.amount_fen") names a field of caselink.v1.Case.
bool NamesACaseField(const std::string& path) {
  const Descriptor* d = v1::Case::descriptor();
  const FieldDescriptor* at = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    at = d == nullptr ? nullptr : d->FindFieldByName(std::string(part));
    if (at == nullptr) return false;
    d = at->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? at->message_type() : nullptr;
  }
  return at != nullptr;
}

// (aggregates) and (existence_governed_by) name real Case fields, and the
// report's figures that a case adds to declare theirs: the tally adds to an
// undeclared figure whatever the reader's plan.
TEST(CaseRefAnnotationTest, EveryAggregateAndExistenceRuleNamesACaseField) {
  std::vector<std::string> dangling;
  int aggregates = 0, existence = 0;
  for (const FileDescriptor* file : ApiFiles()) {
    for (int m = 0; m < file->message_type_count(); ++m) {
      const Descriptor* msg = file->message_type(m);
      const std::string& governing = msg->options().GetExtension(v1::existence_governed_by);
      if (!governing.empty()) {
        ++existence;
        if (!NamesACaseField(governing)) dangling.push_back(msg->full_name() + " -> " + governing);
      }
      for (int i = 0; i < msg->field_count(); ++i) {
        const std::string& path = msg->field(i)->options().GetExtension(v1::aggregates);
        if (path.empty()) continue;
        ++aggregates;
        if (!NamesACaseField(path)) dangling.push_back(msg->field(i)->full_name() + " -> " + path);
      }
    }
  }
  EXPECT_TRUE(dangling.empty()) << ::testing::PrintToString(dangling);
  EXPECT_GE(existence, 1);
  // The figures ReportTally::AddCase and AddHit fill, and the row keys.
  for (const char* name : {"cases", "cases_decided", "penalty_amount_fen", "major_cases", "entries_late",
                           "entries_timed", "entry_delay_median_days", "screening_hits", "screening_open",
                           "screening_supervised", "screening_transferred", "screening_dismissed"}) {
    const FieldDescriptor* f = v1::ReportFigures::descriptor()->FindFieldByName(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_FALSE(f->options().GetExtension(v1::aggregates).empty()) << name << " adds a case's value undeclared";
  }
  EXPECT_EQ(v1::ReportRow::descriptor()->FindFieldByName("agency")->options().GetExtension(v1::aggregates),
            "owner_agency");
  EXPECT_EQ(v1::ReportRow::descriptor()->FindFieldByName("domain")->options().GetExtension(v1::aggregates), "domain");
  EXPECT_GE(aggregates, 14);
}

}  // namespace
}  // namespace caselink
