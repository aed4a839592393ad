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

}  // namespace
}  // namespace caselink
