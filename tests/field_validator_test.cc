// server::ValidateRequestFields: the input rules declared as field options in
// annotations.proto, applied to every request of every RPC by one walk. Each
// rule is tried on a real request field, and the whole API is swept: a NUL in
// any string field of any request message of any RPC is refused, naming the
// field's path.
#include "server/core/field_validator.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "caselink/v1/admin.pb.h"
#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/document.pb.h"
#include "caselink/v1/meeting.pb.h"
#include "caselink/v1/oversight.pb.h"
#include "caselink/v1/screening.pb.h"
#include "caselink/v1/report.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "gtest/gtest.h"

namespace caselink::server {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Every caselink service, from the generated descriptor pool (naming a
// message of each file first links and registers that file).
std::vector<const google::protobuf::ServiceDescriptor*> Services() {
  const google::protobuf::FileDescriptor* files[] = {
      v1::SubmitCaseRequest::descriptor()->file(), v1::CreateTransferRequest::descriptor()->file(),
      v1::WhoReadRequest::descriptor()->file(), v1::JointMeetingReportRequest::descriptor()->file(),
      v1::BackupRequest::descriptor()->file(), v1::ListHitsRequest::descriptor()->file(),
      v1::CreateCampaignRequest::descriptor()->file(), v1::CreateMeetingRequest::descriptor()->file(),
      v1::UploadHeader::descriptor()->file()};
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (const auto* f : files) {
    for (int i = 0; i < f->service_count(); ++i) out.push_back(f->service(i));
  }
  return out;
}

void ExpectRefused(const Message& m, const std::string& path, const std::string& rule) {
  absl::Status s = ValidateRequestFields(m);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), StartsWith(path + ": ")) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("(rule: " + rule)) << s;
}

v1::SubmitCaseRequest Valid() {
  v1::SubmitCaseRequest r;
  r.set_request_id("r-1");
  v1::Case* c = r.mutable_case_();
  c->set_domain(v1::MARKET_ORDER);
  c->set_title("无照经营");
  c->set_facts("第一段。\n第二段：\t表格\r\n第三段\u2028。");
  c->set_status(v1::DECIDED);
  v1::Person* p = c->add_parties()->mutable_person();
  p->set_name("张三");
  p->set_id_number("510105199001011237");
  c->mutable_penalty()->set_amount_fen(500000);
  return r;
}

v1::Person* Person(v1::SubmitCaseRequest* r) { return r->mutable_case_()->mutable_parties(0)->mutable_person(); }

TEST(FieldValidatorTest, ValidRequestPasses) {
  EXPECT_TRUE(ValidateRequestFields(Valid()).ok()) << ValidateRequestFields(Valid());
  v1::SubmitCaseRequest r = Valid();
  Person(&r)->set_name("阿卜杜勒·买买提 😀 Ölçü");  // any script, 4-byte UTF-8
  EXPECT_TRUE(ValidateRequestFields(r).ok()) << ValidateRequestFields(r);
}

TEST(FieldValidatorTest, NulInNameIsRefused) {
  v1::SubmitCaseRequest r = Valid();
  Person(&r)->set_name(std::string("张三\0李四", 13));
  ExpectRefused(r, "case.parties[0].person.name", "no control characters");
  EXPECT_THAT(std::string(ValidateRequestFields(r).message()), HasSubstr("U+0000 at byte 6"));
}

// For files an operator edits: every violation, in field order, each worded
// as ValidateRequestFields words the first; none for a valid message.
TEST(FieldValidatorTest, AllFieldViolationsListsEveryOneAndGoesOn) {
  EXPECT_TRUE(AllFieldViolations(Valid()).empty());
  v1::SubmitCaseRequest r = Valid();
  Person(&r)->set_name(std::string("张三\0李四", 13));
  r.mutable_case_()->set_title("a\x01");
  r.mutable_case_()->add_parties()->mutable_person()->set_name("b\x02");
  const std::vector<std::string> all = AllFieldViolations(r);
  ASSERT_EQ(all.size(), 3u) << ::testing::PrintToString(all);
  EXPECT_EQ(all[0], std::string(ValidateRequestFields(r).message()));
  EXPECT_THAT(all, ::testing::Contains(StartsWith("case.title: ")));
  EXPECT_THAT(all, ::testing::Contains(StartsWith("case.parties[0].person.name: ")));
  EXPECT_THAT(all, ::testing::Contains(StartsWith("case.parties[1].person.name: ")));
}

TEST(FieldValidatorTest, ControlCharactersAreRefused) {
  for (const std::string& bad : {std::string("a\x01"), std::string("a\x1b[31m"), std::string("a\x7f"),
                                std::string("a\xc2\x85"), std::string("a\xc2\x9f")}) {
    v1::SubmitCaseRequest r = Valid();
    r.mutable_case_()->set_title(bad);
    ExpectRefused(r, "case.title", "no control characters");
    // Also where line breaks are allowed: they are not control characters
    // in general.
    r = Valid();
    r.mutable_case_()->set_facts(bad);
    ExpectRefused(r, "case.facts", "no control characters");
  }
}

TEST(FieldValidatorTest, BadUtf8IsRefused) {
  for (const std::string& bad : {
           std::string("\xff"),              // never in UTF-8
           std::string("\xc0\xaf"),          // overlong '/'
           std::string("\xe0\x80\xaf"),      // overlong 3-byte
           std::string("\xed\xa0\x80"),      // UTF-16 surrogate
           std::string("\xf4\x90\x80\x80"),  // past U+10FFFF
           std::string("\xe5\xbc"),          // truncated 张
           std::string("\x80"),              // lone continuation byte
           std::string("ok\xe5\xbc\xa0\xe5"),
       }) {
    v1::SubmitCaseRequest r = Valid();
    Person(&r)->set_address(bad);
    ExpectRefused(r, "case.parties[0].person.address", "valid UTF-8");
  }
}

TEST(FieldValidatorTest, LineBreaksOnlyWhereAllowed) {
  for (const std::string& br : {std::string("\n"), std::string("\r"), std::string("\t"),
                               std::string("\u2028"), std::string("\u2029")}) {
    v1::SubmitCaseRequest r = Valid();
    r.mutable_case_()->set_title("第一行" + br + "第二行");
    ExpectRefused(r, "case.title", "no line breaks");
    r = Valid();
    Person(&r)->set_name("张" + br + "三");
    ExpectRefused(r, "case.parties[0].person.name", "no line breaks");
    r = Valid();
    r.mutable_case_()->set_facts("第一行" + br + "第二行");  // (allow_line_breaks)
    EXPECT_TRUE(ValidateRequestFields(r).ok()) << ValidateRequestFields(r);
    r.mutable_case_()->set_violation("a" + br + "b");
    r.mutable_case_()->set_legal_basis("a" + br + "b");
    EXPECT_TRUE(ValidateRequestFields(r).ok()) << ValidateRequestFields(r);
  }
  v1::WorkflowActionRequest a;
  a.set_reason("理由：\n1. …\n2. …");
  EXPECT_TRUE(ValidateRequestFields(a).ok());
  a.set_reference("某检〔2024〕\n3号");
  ExpectRefused(a, "reference", "no line breaks");
}

TEST(FieldValidatorTest, DeclaredMaxLengthInBytes) {
  v1::SubmitCaseRequest r = Valid();
  r.mutable_case_()->set_title(std::string(1000, 'x'));
  EXPECT_TRUE(ValidateRequestFields(r).ok());
  r.mutable_case_()->set_title(std::string(1001, 'x'));
  ExpectRefused(r, "case.title", "max_length 1000");
  EXPECT_THAT(std::string(ValidateRequestFields(r).message()), HasSubstr("1001 bytes"));
  // Bytes, not characters: 67 汉字 are 201 bytes.
  r = Valid();
  std::string name;
  for (int i = 0; i < 67; ++i) name += "张";
  Person(&r)->set_name(name);
  ExpectRefused(r, "case.parties[0].person.name", "max_length 200");
  r = Valid();
  r.mutable_case_()->set_facts(std::string(65536, 'x'));
  EXPECT_TRUE(ValidateRequestFields(r).ok());
  r.mutable_case_()->set_facts(std::string(65537, 'x'));
  ExpectRefused(r, "case.facts", "max_length 65536");
}

TEST(FieldValidatorTest, DefaultMaxLengthBoundsUnannotatedStrings) {
  v1::SubmitCaseRequest r = Valid();
  Person(&r)->set_id_number(std::string(kDefaultMaxLength, '1'));  // no (max_length)
  EXPECT_TRUE(ValidateRequestFields(r).ok());
  Person(&r)->set_id_number(std::string(kDefaultMaxLength + 1, '1'));
  ExpectRefused(r, "case.parties[0].person.id_number", "default max_length 256");
}

// A repeated field holds at most its (max_count), else kDefaultMaxCount: a
// case cannot carry 100,000 provisions that every later read carries too.
TEST(FieldValidatorTest, RepeatedFieldsAreBoundedByTheirDeclaredOrDefaultCount) {
  v1::SubmitCaseRequest r = Valid();
  for (int i = 0; i < 100; ++i) r.mutable_case_()->add_legal_provisions()->set_law("中华人民共和国行政处罚法");
  EXPECT_TRUE(ValidateRequestFields(r).ok()) << ValidateRequestFields(r);
  r.mutable_case_()->add_legal_provisions()->set_law("中华人民共和国行政处罚法");
  ExpectRefused(r, "case.legal_provisions", "max_count 100");
  EXPECT_THAT(std::string(ValidateRequestFields(r).message()), HasSubstr("holds 101 elements"));

  v1::CreateSupervisionRequest s;  // case_ids declares no (max_count)
  for (size_t i = 0; i < kDefaultMaxCount; ++i) s.add_case_ids("C20240305-ABCDEFGHJKMN");
  EXPECT_TRUE(ValidateRequestFields(s).ok()) << ValidateRequestFields(s);
  s.add_case_ids("C20240305-ABCDEFGHJKMN");
  ExpectRefused(s, "case_ids", "default max_count 1000");
}

TEST(FieldValidatorTest, AmountBound) {
  v1::SubmitCaseRequest r = Valid();
  r.mutable_case_()->mutable_penalty()->set_amount_fen(10000000000000);  // 10^13
  EXPECT_TRUE(ValidateRequestFields(r).ok());
  r.mutable_case_()->mutable_penalty()->set_amount_fen(10000000000001);
  ExpectRefused(r, "case.penalty.amount_fen", "max_int 10000000000000");
  r.mutable_case_()->mutable_penalty()->set_amount_fen(INT64_MAX);
  ExpectRefused(r, "case.penalty.amount_fen", "max_int 10000000000000");
  r.mutable_case_()->mutable_penalty()->set_amount_fen(-1);
  ExpectRefused(r, "case.penalty.amount_fen", "min_int 0");
}

TEST(FieldValidatorTest, CountsAreNotNegative) {
  v1::SubmitCaseRequest s = Valid();
  s.set_expected_version(-1);
  ExpectRefused(s, "expected_version", "min_int 0");
  v1::GetCaseRequest g;
  g.set_version(-3);
  ExpectRefused(g, "version", "min_int 0");
  v1::ListCasesRequest l;
  l.set_page_size(-1);
  ExpectRefused(l, "page_size", "min_int 0");
  v1::WhoReadRequest w;
  w.set_limit(1001);
  ExpectRefused(w, "limit", "max_int 1000");
  w.set_limit(1000);
  EXPECT_TRUE(ValidateRequestFields(w).ok());
}

TEST(FieldValidatorTest, UnknownEnumValues) {
  v1::SubmitCaseRequest r = Valid();
  r.mutable_case_()->mutable_penalty()->set_kind(static_cast<v1::PenaltyKind>(77));
  ExpectRefused(r, "case.penalty.kind", "known enum value");
  v1::SearchCasesRequest q;
  q.set_status(static_cast<v1::CaseStatus>(-5));
  ExpectRefused(q, "status", "known enum value");
}

TEST(FieldValidatorTest, RepeatedStringsNestedMessagesAndTimestamps) {
  v1::CreateSupervisionRequest r;
  r.add_case_ids("C20240301-ABCDEFGHJKMN");
  r.add_case_ids(std::string("C1\0", 3));
  ExpectRefused(r, "case_ids[1]", "no control characters");
  r.clear_case_ids();
  r.add_materials()->set_title("检察建议书");
  r.add_materials()->set_reference("a\x1b");
  ExpectRefused(r, "materials[1].reference", "no control characters");
  r.clear_materials();
  r.mutable_service_time()->set_seconds(253402300800);  // year 10000
  ExpectRefused(r, "service_time", "google.protobuf.Timestamp range");
  r.mutable_service_time()->set_seconds(1700000000);
  r.mutable_service_time()->set_nanos(-1);
  ExpectRefused(r, "service_time", "google.protobuf.Timestamp range");
  r.mutable_service_time()->set_nanos(0);
  EXPECT_TRUE(ValidateRequestFields(r).ok());
}

TEST(FieldValidatorTest, MapKeysAndValues) {
  // No request has a map today; the walk covers them all the same.
  v1::MetricSample m;
  (*m.mutable_labels())["rpc"] = std::string("x\0y", 3);
  ExpectRefused(m, "labels[0].value", "no control characters");
  m.clear_labels();
  (*m.mutable_labels())[std::string(300, 'k')] = "v";
  ExpectRefused(m, "labels[0].key", "default max_length 256");
}

// Fills the first string field reachable in `m` (depth first, through
// singular and repeated messages) with `value`; returns its path or "".
std::string FillString(Message* m, const std::string& at, const std::string& value, int depth,
                       std::vector<std::string>* paths) {
  const Descriptor* d = m->GetDescriptor();
  if (depth > 6 || d->file()->package() != "caselink.v1") return "";
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string path = at.empty() ? f->name() : at + "." + f->name();
    if (f->type() == FieldDescriptor::TYPE_STRING) {  // bytes (upload chunks) are not text
      paths->push_back(f->is_repeated() ? path + "[0]" : path);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Message* child = f->is_repeated() ? m->GetReflection()->AddMessage(m, f)
                                        : m->GetReflection()->MutableMessage(m, f);
      FillString(child, f->is_repeated() ? path + "[0]" : path, value, depth + 1, paths);
    }
  }
  return "";
}

// Sets the string field at `path` (as FillString names it) to `value`.
void SetAt(Message* m, const std::string& path, const std::string& value) {
  const size_t dot = path.find('.');
  std::string head = path.substr(0, dot);
  const bool indexed = head.size() > 3 && head.substr(head.size() - 3) == "[0]";
  if (indexed) head.resize(head.size() - 3);
  const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(head);
  ASSERT_NE(f, nullptr) << path;
  const auto* r = m->GetReflection();
  if (dot == std::string::npos) {
    if (f->is_repeated()) r->AddString(m, f, value);
    else r->SetString(m, f, value);
    return;
  }
  Message* child = f->is_repeated() ? (r->FieldSize(*m, f) > 0 ? r->MutableRepeatedMessage(m, f, 0)
                                                               : r->AddMessage(m, f))
                                    : r->MutableMessage(m, f);
  SetAt(child, path.substr(dot + 1), value);
}

TEST(FieldValidatorTest, EveryStringOfEveryRequestIsChecked) {
  google::protobuf::DynamicMessageFactory factory;
  int checked = 0;
  for (const google::protobuf::ServiceDescriptor* service :
       Services()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const Descriptor* input = service->method(i)->input_type();
      std::unique_ptr<Message> probe(factory.GetPrototype(input)->New());
      std::vector<std::string> paths;
      FillString(probe.get(), "", "", 0, &paths);
      for (const std::string& path : paths) {
        std::unique_ptr<Message> m(factory.GetPrototype(input)->New());
        SetAt(m.get(), path, std::string("ok\0", 3));
        absl::Status s = ValidateRequestFields(*m);
        EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument)
            << service->method(i)->full_name() << " " << path;
        EXPECT_THAT(std::string(s.message()), StartsWith(path + ": ")) << s;
        m.reset(factory.GetPrototype(input)->New());
        SetAt(m.get(), path, std::string(65537 + 1, 'x'));
        EXPECT_EQ(ValidateRequestFields(*m).code(), absl::StatusCode::kInvalidArgument)
            << service->method(i)->full_name() << " " << path << " has no length bound";
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 60);
}

TEST(FieldValidatorTest, TextFieldHelper) {
  EXPECT_TRUE(ValidateTextField("x", "", false).ok());
  EXPECT_TRUE(ValidateTextField("x", "张三 Zhang", false).ok());
  EXPECT_FALSE(ValidateTextField("x", std::string("\0", 1), true).ok());
  EXPECT_TRUE(ValidateTextField("x", "a\nb", true).ok());
  EXPECT_FALSE(ValidateTextField("x", "a\nb", false).ok());
}

}  // namespace
}  // namespace caselink::server
