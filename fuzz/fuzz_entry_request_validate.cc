#include "fuzz/fuzz_entry_request_validate.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "caselink/v1/admin.pb.h"
#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/report.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "server/core/field_validator.h"

namespace caselink::fuzz {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

class SilentErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
};

// Every caselink service, from the generated descriptor pool (naming a
// message of each file first links and registers that file).
std::vector<const google::protobuf::ServiceDescriptor*> Services() {
  const google::protobuf::FileDescriptor* files[] = {
      v1::SubmitCaseRequest::descriptor()->file(), v1::CreateTransferRequest::descriptor()->file(),
      v1::WhoReadRequest::descriptor()->file(), v1::JointMeetingReportRequest::descriptor()->file(),
      v1::BackupRequest::descriptor()->file()};
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (const auto* f : files) {
    for (int i = 0; i < f->service_count(); ++i) out.push_back(f->service(i));
  }
  return out;
}

// The request type of every RPC, in service and method order.
const std::vector<const Message*>& RequestPrototypes() {
  static const auto* all = [] {
    auto* out = new std::vector<const Message*>;
    for (const google::protobuf::ServiceDescriptor* s :
         Services()) {
      for (int i = 0; i < s->method_count(); ++i) {
        const Message* m = google::protobuf::MessageFactory::generated_factory()->GetPrototype(
            s->method(i)->input_type());
        bool seen = false;
        for (const Message* p : *out) seen |= p == m;
        if (!seen) out->push_back(m);
      }
    }
    return out;
  }();
  return *all;
}

// What an accepted message must look like, checked independently of the
// validator's own code.
std::string CheckAccepted(const Message& m, const std::string& at) {
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        const std::string v = f->is_repeated() ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
        if (v.size() > 65536) return absl::StrCat(at, f->name(), ": accepted ", v.size(), " bytes");
        for (unsigned char c : v) {
          if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            return absl::StrCat(at, f->name(), ": accepted control byte ", static_cast<int>(c));
          }
        }
      } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const Message& child = f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f);
        std::string bad = CheckAccepted(child, absl::StrCat(at, f->name(), "."));
        if (!bad.empty()) return bad;
      }
    }
  }
  return "";
}

std::string Check(const Message& m) {
  const absl::Status s = server::ValidateRequestFields(m);
  const absl::Status again = server::ValidateRequestFields(m);
  if (s != again) return absl::StrCat("two answers: ", s.ToString(), " / ", again.ToString());
  if (!s.ok()) {
    if (s.code() != absl::StatusCode::kInvalidArgument) return "not INVALID_ARGUMENT: " + s.ToString();
    const std::string msg(s.message());
    if (msg.find(": ") == std::string::npos || msg.find(": ") == 0 || !absl::StrContains(msg, "(rule: ")) {
      return "error without a field path and a rule: " + msg;
    }
    return "";
  }
  std::string bad = CheckAccepted(m, "");
  if (!bad.empty()) return absl::StrCat(m.GetDescriptor()->name(), ": ", bad);
  std::string bytes;
  if (!m.SerializeToString(&bytes)) return "accepted message does not serialize";
  std::unique_ptr<Message> back(m.New());
  if (!back->ParseFromString(bytes)) {
    return absl::StrCat(m.GetDescriptor()->name(), ": accepted message does not parse back (bad UTF-8?)");
  }
  return "";
}

}  // namespace

std::string RequestValidateEntry(const uint8_t* data, size_t size) {
  if (size == 0) return "";
  const std::string payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] < 0x80) {
    const auto& types = RequestPrototypes();
    std::unique_ptr<Message> m(types[data[0] % types.size()]->New());
    if (!payload.empty() && payload[0] == '#') {
      google::protobuf::TextFormat::Parser parser;
      SilentErrors errors;
      parser.RecordErrorsTo(&errors);
      if (!parser.ParseFromString(payload, m.get())) return "";
    } else if (!m->ParsePartialFromString(payload)) {
      return "";
    }
    return Check(*m);
  }
  // Raw bytes where text is expected (as a client library that does not
  // check UTF-8 would send them).
  v1::SubmitCaseRequest submit;
  submit.set_request_id("r-1");
  v1::Case* c = submit.mutable_case_();
  c->set_domain(v1::MARKET_ORDER);
  c->set_title("无照经营");
  c->set_status(v1::REGISTERED);
  c->add_parties()->mutable_person()->set_name(payload);
  std::string bad = Check(submit);
  if (!bad.empty()) return bad;
  c->mutable_parties(0)->mutable_person()->set_name("张三");
  c->set_facts(payload);
  bad = Check(submit);
  if (!bad.empty()) return bad;
  v1::CreateTransferRequest transfer;
  transfer.set_subject(payload);
  bad = Check(transfer);
  if (!bad.empty()) return bad;
  v1::SearchCasesRequest search;
  search.set_party_name(payload);
  return Check(search);
}

}  // namespace caselink::fuzz
