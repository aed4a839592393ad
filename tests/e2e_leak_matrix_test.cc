// The leak-test matrix: for every agency of the example policy, every RPC
// that returns a Case (found from the proto descriptors, so a new RPC joins
// the matrix by itself), every stored case and every leaf field, the value
// the real server returns through the real client must be exactly what an
// independent reading of the policy says: the exact value (ALLOW), the masked
// form (MASK), or nothing (DENY / row not visible). One wrong field fails.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "auth/masking.h"
#include "auth/policy_loader.h"
#include "caselink/v1/annotations.pb.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/workflow.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "gtest/gtest.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::Reflection;

// ---- An independent reading of the policy (not the server's Authorizer). ----

struct Row {
  std::string owner;
  v1::Domain domain;
  std::set<std::string> linked;  // agencies a transfer links the case to
  std::set<std::string> inspected;  // the team of a campaign whose sample holds it
};

bool RuleApplies(const v1::Rule& r, const v1::Agency& a) {
  for (const std::string& id : r.agencies()) if (id == a.id()) return true;
  for (int role : r.roles())
    for (int mine : a.roles()) if (role == mine) return true;
  return false;
}

bool RuleGrants(const v1::Rule& r, const std::string& method) {
  for (const std::string& rpc : r.rpcs()) {
    if (rpc == method) return true;
    if (absl::EndsWith(rpc, "/*") && absl::StartsWith(method, rpc.substr(0, rpc.size() - 1))) return true;
  }
  return false;
}

bool RuleSelects(const v1::Rule& r, const v1::Agency& a, const Row& row) {
  const v1::RowSelector& s = r.rows();
  if (s.all()) return true;
  if (s.own() && row.owner == a.id()) return true;
  // The matrix links cases by transfers only, which both selectors follow.
  if ((s.transferred() || s.linked()) && row.linked.count(a.id())) return true;
  if (s.inspection_sample() && row.inspected.count(a.id())) return true;
  for (int d : s.domains()) if (d == row.domain) return true;
  return false;
}

v1::Sensitivity ClassOf(const FieldDescriptor* f) {
  v1::Sensitivity s = f->options().GetExtension(v1::sensitivity);
  return s == v1::SENSITIVITY_UNSPECIFIED ? v1::INVESTIGATIVE : s;
}

// The decision of one rule for a field path; path grants (longest prefix)
// beat class grants; nothing granted means DENY.
v1::FieldAction RuleDecides(const v1::Rule& r, const std::string& path, v1::Sensitivity cls) {
  std::string best_path;
  v1::FieldAction best = v1::FIELD_ACTION_UNSPECIFIED;
  for (const v1::FieldGrant& g : r.fields()) {
    if (!g.has_path()) continue;
    if ((path == g.path() || absl::StartsWith(path, g.path() + ".")) && g.path().size() > best_path.size()) {
      best_path = g.path();
      best = g.action();
    }
  }
  if (!best_path.empty()) return best;
  for (const v1::FieldGrant& g : r.fields()) {
    if (!g.has_path() && g.sensitivity() == cls) return g.action();
  }
  return v1::DENY;
}

int Rank(v1::FieldAction a) { return a == v1::ALLOW ? 2 : a == v1::MASK ? 1 : 0; }

struct Oracle {
  v1::Policy policy;

  std::vector<const v1::Rule*> Rules(const v1::Agency& a, const std::string& method, const Row& row) const {
    std::vector<const v1::Rule*> out;
    for (const v1::Rule& r : policy.rules())
      if (RuleApplies(r, a) && RuleGrants(r, method) && RuleSelects(r, a, row)) out.push_back(&r);
    return out;
  }

  // Decision for one field given its ancestors' decisions: a message field
  // that is denied hides everything below it.
  v1::FieldAction Decide(const std::vector<const v1::Rule*>& rules, const std::vector<const FieldDescriptor*>& chain) const {
    std::string path;
    for (const FieldDescriptor* f : chain) {
      path = path.empty() ? f->name() : path + "." + f->name();
      v1::FieldAction best = v1::DENY;
      for (const v1::Rule* r : rules) {
        v1::FieldAction a = RuleDecides(*r, path, ClassOf(f));
        if (Rank(a) > Rank(best)) best = a;
      }
      if (f == chain.back()) return best;
      if (Rank(best) == 0) return v1::DENY;
    }
    return v1::DENY;
  }

  v1::MaskRule MaskFor(v1::MaskShape shape) const {
    for (const v1::MaskRule& m : policy.masks()) if (m.shape() == shape) return m;
    return v1::MaskRule();
  }
};

// ---- Walking leaves of a Case (strings, numbers, enums, Timestamps). ----

struct Leaf {
  std::vector<const FieldDescriptor*> chain;
  std::string path;  // with indices, for messages: parties[1].person.name
  std::string value;  // text form; empty if unset
  bool is_string = false;
};

bool IsCaselink(const FieldDescriptor* f) {
  return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && f->message_type()->file()->package() == "caselink.v1";
}

std::string ScalarText(const Message& m, const FieldDescriptor* f) {
  std::string out;
  google::protobuf::TextFormat::PrintFieldValueToString(m, f, -1, &out);
  return out;
}

void Leaves(const Message& m, std::vector<const FieldDescriptor*> chain, const std::string& prefix,
            std::map<std::string, Leaf>* out) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    auto c = chain;
    c.push_back(f);
    std::string path = prefix.empty() ? f->name() : prefix + "." + f->name();
    if (IsCaselink(f) && f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i)
        Leaves(r->GetRepeatedMessage(m, f, i), c, absl::StrCat(path, "[", i, "]"), out);
    } else if (IsCaselink(f)) {
      Leaves(r->GetMessage(m, f), c, path, out);
    } else {
      Leaf leaf;
      leaf.chain = c;
      leaf.path = path;
      leaf.is_string = f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
      leaf.value = leaf.is_string ? r->GetString(m, f) : (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? r->GetMessage(m, f).ShortDebugString() : ScalarText(m, f));
      (*out)[path] = leaf;
    }
  }
}

// Every Case inside a response (or the response itself).
void FindCases(const Message& m, std::vector<const v1::Case*>* out) {
  if (m.GetDescriptor() == v1::Case::descriptor()) {
    out->push_back(static_cast<const v1::Case*>(&m));
    return;
  }
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) FindCases(r->GetRepeatedMessage(m, f, i), out);
    } else {
      FindCases(r->GetMessage(m, f), out);
    }
  }
}

bool ContainsCase(const Descriptor* d, std::set<const Descriptor*>* seen) {
  if (d == v1::Case::descriptor()) return true;
  if (!seen->insert(d).second) return false;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->message_type() != nullptr && ContainsCase(f->message_type(), seen)) return true;
  }
  return false;
}

// Every RPC of every caselink service whose response can carry a Case.
std::vector<const MethodDescriptor*> CaseReturningMethods() {
  std::vector<const MethodDescriptor*> out;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const google::protobuf::FileDescriptor* file = v1::Case::descriptor()->file();
  std::set<const google::protobuf::FileDescriptor*> files;
  // Every linked caselink.v1 file that defines a service.
  for (const char* name : {"caselink/v1/case_service.proto", "caselink/v1/workflow.proto",
                           "caselink/v1/audit.proto", "caselink/v1/search.proto",
                           "caselink/v1/report.proto", "caselink/v1/admin.proto"}) {
    if (const auto* f = pool->FindFileByName(name)) files.insert(f);
  }
  (void)file;
  for (const auto* f : files) {
    for (int s = 0; s < f->service_count(); ++s) {
      for (int m = 0; m < f->service(s)->method_count(); ++m) {
        const MethodDescriptor* md = f->service(s)->method(m);
        std::set<const Descriptor*> seen;
        if (ContainsCase(md->output_type(), &seen)) out.push_back(md);
      }
    }
  }
  return out;
}

// How the matrix calls an RPC for a target case; an RPC with no entry here
// fails the test, so nobody adds a Case-returning RPC without leak checks.
// Reads are filled generically by field name.
bool FillReadRequest(Message* req, const std::string& case_id) {
  const Descriptor* d = req->GetDescriptor();
  const Reflection* r = req->GetReflection();
  bool known = true;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->name() == "case_id") r->SetString(req, f, case_id);
    else if (f->name() == "purpose") r->SetString(req, f, "leak matrix");
    else if (f->name() == "page_size") r->SetInt32(req, f, 500);
    else if (f->name() == "purpose_case_ref" || f->name() == "page_token" || f->name() == "version" ||
             f->name() == "domain" || f->name() == "owner_agency" || f->name() == "party_name" ||
             f->name() == "status" || f->name() == "decided_from" || f->name() == "decided_to") continue;
    else if (f->name() == "party_id") r->SetString(req, f, "510181198503121235");  // every matrix case has this party
    else if (f->name() == "major_only" || f->name() == "from_cursor") continue;
    else if (f->name() == "from_date") r->SetString(req, f, "2000-01-01");  // a report over all time
    else if (f->name() == "to_date") r->SetString(req, f, "2100-01-01");
    else known = false;  // a field the matrix does not know how to fill
  }
  return known;
}

// A case with every field set to a distinctive value.
v1::Case FullCase(v1::Domain domain, const std::string& tag) {
  v1::Case c = SampleCase(domain, "标题-" + tag);
  c.set_facts("案情-" + tag);
  c.set_violation("违法行为-" + tag);
  c.set_legal_basis("依据-" + tag);
  c.set_agency_reference("案号-" + tag);
  c.set_major(true);
  c.mutable_parties(0)->mutable_person()->set_name("王" + tag);
  return c;
}

class LeakMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
    auto p = auth::ParsePolicy(TestDistrict::ExamplePolicyText(), "example policy");
    ASSERT_TRUE(p.ok()) << p.status();
    oracle_.policy = *p;
  }

  absl::Status Call(const std::string& agency, const MethodDescriptor* md, const Message& req, Message* resp) {
    grpc::GenericStub stub(district_->As(agency).channel());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::ByteBuffer in, out;
    bool own = false;
    grpc::GenericSerialize<grpc::ProtoBufferWriter, Message>(req, &in, &own);
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    stub.UnaryCall(&ctx, absl::StrCat("/", md->service()->full_name(), "/", md->name()),
                   grpc::StubOptions(), &in, &out, [&](grpc::Status s) {
                     std::lock_guard<std::mutex> l(mu);
                     status = s;
                     done = true;
                     cv.notify_one();
                   });
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return done; });
    if (!status.ok()) return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
    if (!grpc::GenericDeserialize<grpc::ProtoBufferReader, Message>(&out, resp).ok())
      return absl::InternalError("cannot parse response");
    return absl::OkStatus();
  }

  // A server-streaming RPC: every message it sends within a short window,
  // merged into one response of the same type's repeated wrapper.
  absl::Status CallStream(const std::string& agency, const MethodDescriptor* md, const Message& req,
                          std::vector<std::shared_ptr<Message>>* out) {
    if (md->full_name() != "caselink.v1.EventService.Watch") {
      return absl::UnimplementedError(absl::StrCat("the leak matrix cannot call stream ", md->full_name()));
    }
    auto stub = v1::EventService::NewStub(district_->As(agency).channel());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(700));
    auto reader = stub->Watch(&ctx, static_cast<const v1::WatchRequest&>(req));
    v1::Event e;
    while (reader->Read(&e)) out->push_back(std::make_shared<v1::Event>(e));
    grpc::Status s = reader->Finish();
    if (!s.ok() && s.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
    }
    return absl::OkStatus();
  }

  std::unique_ptr<TestDistrict> district_;
  Oracle oracle_;
};

TEST_F(LeakMatrixTest, EveryAgencyGetsExactlyWhatThePolicyGrants) {
  // Cases owned by several agencies, in the domains the rules distinguish.
  std::map<std::string, v1::Case> stored;  // case_id -> as stored (full)
  struct Seed { const char* owner; v1::Domain domain; };
  for (Seed s : {Seed{"market", v1::MARKET_ORDER}, Seed{"market", v1::PUBLIC_ORDER},
                 Seed{"emergency", v1::WORK_SAFETY}, Seed{"town-a", v1::PUBLIC_ORDER},
                 Seed{"psb", v1::PUBLIC_ORDER}}) {
    v1::Case c = FullCase(s.domain, absl::StrCat(s.owner, "-", s.domain));
    if (std::string(s.owner) == "town-a") c.set_major(false);  // towns may not set it
    auto r = district_->As(s.owner).SubmitCase(c);
    ASSERT_TRUE(r.ok()) << s.owner << ": " << r.status();
    // A second version, so version listings have history.
    v1::Case next = r->case_();
    next.set_status(v1::DECIDED);
    auto r2 = district_->As(s.owner).SubmitCase(next, 1);
    ASSERT_TRUE(r2.ok()) << r2.status();
    stored[r2->case_().case_id()] = r2->case_();
  }

  // A forward transfer links market's market-order case to the police: the
  // policy's `transferred` rows then apply, and events carry the case.
  std::map<std::string, std::set<std::string>> linked;
  for (const auto& [case_id, c] : stored) {
    if (c.owner_agency() != "market" || c.domain() != v1::MARKET_ORDER) continue;
    auto tr = ForwardTransfer(district_->As("market"), case_id);
    ASSERT_TRUE(tr.ok()) << tr.status();
    linked[case_id] = {"market", "psb"};
  }
  // A campaign inspecting the emergency bureau, with market on its team: the
  // policy's `inspection_sample` rows then let market read the sampled case.
  std::map<std::string, std::set<std::string>> inspected;
  std::string sampled_case;  // the emergency bureau's case in the sample
  {
    const v1::CreateCampaignRequest req = AnyDateCampaign({"emergency"}, {"market"});
    auto campaign = district_->As("justice").CreateCampaign(req);
    ASSERT_TRUE(campaign.ok()) << campaign.status();
    v1::DrawSampleRequest draw;
    draw.set_campaign_id(campaign->campaign().id());
    draw.set_seed(7);
    draw.set_fraction_percent(100);
    auto drawn = district_->As("justice").DrawSample(draw);
    ASSERT_TRUE(drawn.ok()) << drawn.status();
    for (const auto& [case_id, sc] : stored) {
      if (sc.owner_agency() != "emergency") continue;
      v1::AddSampleCaseRequest add;
      add.set_campaign_id(campaign->campaign().id());
      add.set_case_id(case_id);
      add.set_reason("leak matrix");
      auto added = district_->As("justice").AddSampleCase(add);  // drawn already: ALREADY_EXISTS
      ASSERT_TRUE(added.ok() || absl::IsAlreadyExists(added.status())) << added.status();
      inspected[case_id] = {"justice", "market"};
      sampled_case = case_id;
    }
    ASSERT_FALSE(sampled_case.empty());
  }
  auto row_of = [&](const std::string& case_id, const std::string& owner, v1::Domain domain) {
    return Row{owner, domain, linked[case_id], inspected[case_id]};
  };
  std::vector<const MethodDescriptor*> methods = CaseReturningMethods();
  ASSERT_FALSE(methods.empty());
  std::map<std::string, std::pair<absl::Status, std::vector<std::shared_ptr<Message>>>> streams;
  long checked_fields = 0, checked_calls = 0;
  std::set<std::string> method_names;
  for (const v1::Agency& agency : oracle_.policy.agencies()) {
    for (const MethodDescriptor* md : methods) {
      const std::string method = absl::StrCat(md->service()->full_name(), "/", md->name());
      method_names.insert(method);
      // Writes: own rows only (tested below).
      if (md->input_type() == v1::SubmitCaseRequest::descriptor() ||
          md->input_type() == v1::SubmitCasesRequest::descriptor()) {
        continue;
      }
      // A supervisor's write (a new version): its answer is checked against
      // the case-mark-major rule's fields in major_case_e2e_test.
      if (md->input_type() == v1::MarkMajorRequest::descriptor()) continue;
      const Message* proto_req = google::protobuf::MessageFactory::generated_factory()->GetPrototype(md->input_type());
      const Message* proto_resp = google::protobuf::MessageFactory::generated_factory()->GetPrototype(md->output_type());
      for (const auto& [case_id, original] : stored) {
        const Row row = row_of(case_id, original.owner_agency(), original.domain());
        std::unique_ptr<Message> req(proto_req->New());
        ASSERT_TRUE(FillReadRequest(req.get(), case_id))
            << method << " returns a Case but the leak matrix does not know how to call it; "
            << "teach FillReadRequest its request fields";
        std::vector<std::shared_ptr<Message>> responses;
        absl::Status s;
        if (md->server_streaming()) {
          // A stream does not depend on the target case: read it once per agency.
          const std::string key = agency.id() + "|" + method;
          if (!streams.count(key)) {
            auto& entry = streams[key];
            entry.first = CallStream(agency.id(), md, *req, &entry.second);
          }
          s = streams[key].first;
          responses = streams[key].second;
        } else {
          responses.emplace_back(proto_resp->New());
          s = Call(agency.id(), md, *req, responses.back().get());
        }
        ++checked_calls;
        const auto rules = oracle_.Rules(agency, method, row);
        std::vector<const v1::Case*> cases;
        if (s.ok()) for (const auto& resp : responses) FindCases(*resp, &cases);
        const v1::Case* got = nullptr;
        for (const v1::Case* c : cases) {
          if (c->case_id() == case_id) got = c;
          // No row outside the caller's rows, ever.
          Row other = row_of(c->case_id(), c->owner_agency(), c->domain());
          auto it = stored.find(c->case_id());
          if (it != stored.end()) other = row_of(c->case_id(), it->second.owner_agency(), it->second.domain());
          EXPECT_FALSE(oracle_.Rules(agency, method, other).empty())
              << agency.id() << " " << method << " got invisible row " << c->case_id();
        }
        if (rules.empty()) {
          EXPECT_EQ(got, nullptr) << agency.id() << " " << method << " saw " << case_id;
          // Hidden values never appear anywhere, not even in an error.
          std::map<std::string, Leaf> secret;
          Leaves(original, {}, "", &secret);
          for (const auto& [path, leaf] : secret) {
            if (leaf.value.size() < 6 || !leaf.is_string || path == "case_id") continue;  // the caller sent the id
            EXPECT_FALSE(absl::StrContains(s.message(), leaf.value)) << method << " error leaks " << path;
          }
          continue;
        }
        ASSERT_TRUE(s.ok()) << agency.id() << " " << method << " " << case_id << ": " << s;
        if (got == nullptr) {
          // Listings and streams may not carry this case; by-id reads must return it.
          EXPECT_FALSE(md->input_type()->FindFieldByName("case_id") != nullptr)
              << agency.id() << " " << method << " did not return visible case " << case_id;
          continue;
        }
        std::map<std::string, Leaf> want, have;
        Leaves(original, {}, "", &want);
        Leaves(*got, {}, "", &have);
        for (const auto& [path, leaf] : want) {
          // Version listings return older versions too; compare only the
          // latest version's leaves that do not change between versions.
          if (path == "status" || path == "version" || path == "update_time") continue;
          ++checked_fields;
          v1::FieldAction action = oracle_.Decide(rules, leaf.chain);
          auto h = have.find(path);
          switch (action) {
            case v1::ALLOW:
              ASSERT_NE(h, have.end()) << agency.id() << " " << method << ": " << path << " missing";
              EXPECT_EQ(h->second.value, leaf.value) << agency.id() << " " << method << ": " << path;
              break;
            case v1::MASK:
              if (leaf.is_string) {
                ASSERT_NE(h, have.end()) << agency.id() << " " << method << ": " << path << " missing";
                const v1::MaskShape shape = leaf.chain.back()->options().GetExtension(v1::mask_shape);
                EXPECT_EQ(h->second.value, auth::MaskValue(leaf.value, oracle_.MaskFor(shape)))
                    << agency.id() << " " << method << ": " << path;
                EXPECT_NE(h->second.value, leaf.value) << path << " not masked";
              } else {
                EXPECT_EQ(h, have.end()) << agency.id() << " " << method << ": " << path << " should be withheld";
              }
              break;
            default:
              EXPECT_EQ(h, have.end()) << agency.id() << " " << method << ": " << path
                                       << " leaked as '" << (h == have.end() ? "" : h->second.value) << "'";
          }
        }
        // Nothing returned that the original does not have.
        for (const auto& [path, leaf] : have) {
          if (path == "status" || path == "version" || path == "update_time") continue;
          EXPECT_TRUE(want.count(path)) << agency.id() << " " << method << ": unexpected " << path;
        }
      }
    }
  }
  // The stream part is not vacuous: the police received the transfer's case.
  std::vector<const v1::Case*> streamed;
  for (const auto& m : streams["psb|caselink.v1.EventService/Watch"].second) FindCases(*m, &streamed);
  EXPECT_FALSE(streamed.empty()) << "psb's Watch carried no case";
  // Nor is the inspection part: market read the emergency bureau's sampled case.
  {
    v1::GetCaseRequest g;
    g.set_case_id(sampled_case);
    g.set_purpose("案卷评查");
    auto seen = district_->As("market").GetCase(g);
    EXPECT_TRUE(seen.ok()) << "market, on the team, could not read the sampled case: " << seen.status();
  }
  std::printf("leak matrix: %d agencies x %zu RPCs (%s) x %zu cases: %ld calls, %ld field checks\n",
              oracle_.policy.agencies_size(), method_names.size(),
              absl::StrJoin(method_names, ", ").c_str(), stored.size(), checked_calls, checked_fields);
  EXPECT_GT(checked_fields, 1000);
}

// Writes: every agency, every case it does not own: a new version is refused
// (PERMISSION_DENIED if it may read the case, NOT_FOUND otherwise), and the
// error never echoes hidden values.
TEST_F(LeakMatrixTest, NobodyWritesAnotherAgencysCase) {
  auto created = district_->As("market").SubmitCase(FullCase(v1::MARKET_ORDER, "w"));
  ASSERT_TRUE(created.ok());
  const v1::Case original = created->case_();
  for (const v1::Agency& agency : oracle_.policy.agencies()) {
    if (agency.id() == "market") continue;
    v1::Case attempt = original;
    attempt.set_title("overwritten by " + agency.id());
    auto r = district_->As(agency.id()).SubmitCase(attempt, 1);
    EXPECT_TRUE(r.status().code() == absl::StatusCode::kPermissionDenied ||
                r.status().code() == absl::StatusCode::kNotFound)
        << agency.id() << ": " << r.status();
    EXPECT_FALSE(absl::StrContains(r.status().message(), original.parties(0).person().id_number()));
    // The batch RPC: refused for the call, or for the item.
    v1::SubmitCasesRequest batch;
    batch.add_items()->set_request_id("batch-attempt");
    *batch.mutable_items(0)->mutable_case_() = attempt;
    batch.mutable_items(0)->set_expected_version(1);
    auto b = district_->As(agency.id()).SubmitCases(batch);
    if (!b.ok()) {
      EXPECT_EQ(b.status().code(), absl::StatusCode::kPermissionDenied) << agency.id() << ": " << b.status();
    } else {
      ASSERT_EQ(b->results_size(), 1);
      EXPECT_TRUE(b->results(0).code() == static_cast<int>(absl::StatusCode::kPermissionDenied) ||
                  b->results(0).code() == static_cast<int>(absl::StatusCode::kNotFound))
          << agency.id() << ": " << b->results(0).code() << " " << b->results(0).message();
      EXPECT_TRUE(b->results(0).case_id().empty());
      EXPECT_FALSE(absl::StrContains(b->results(0).message(), original.parties(0).person().id_number()));
    }
  }
  v1::GetCaseRequest get;
  get.set_case_id(original.case_id());
  auto now = district_->As("market").GetCase(get);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->version(), 1);
  EXPECT_EQ(now->title(), original.title());
}

// Page tokens (issue 13, item 2): every RPC that pages (found from the
// descriptors: a page_token in the request, a next_page_token in the
// response), for every agency, page by page: no token shows a case or item
// id (sealed), and a token is refused, naming page_token, when another
// agency replays it or when it is modified.
namespace page_tokens {

std::vector<const MethodDescriptor*> PagedMethods() {
  std::vector<const MethodDescriptor*> out;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name : {"caselink/v1/case_service.proto", "caselink/v1/workflow.proto",
                           "caselink/v1/audit.proto", "caselink/v1/report.proto", "caselink/v1/admin.proto"}) {
    const auto* f = pool->FindFileByName(name);
    if (f == nullptr) continue;
    for (int s = 0; s < f->service_count(); ++s) {
      for (int m = 0; m < f->service(s)->method_count(); ++m) {
        const MethodDescriptor* md = f->service(s)->method(m);
        if (md->input_type()->FindFieldByName("page_token") != nullptr &&
            md->output_type()->FindFieldByName("next_page_token") != nullptr) {
          out.push_back(md);
        }
      }
    }
  }
  return out;
}

// The first page's request: one item a page, a reason, and for a search the
// party every matrix case has.
void FillFirstPage(Message* req) {
  const Descriptor* d = req->GetDescriptor();
  const Reflection* r = req->GetReflection();
  if (const auto* f = d->FindFieldByName("page_size")) r->SetInt32(req, f, 1);
  if (const auto* f = d->FindFieldByName("purpose")) r->SetString(req, f, "leak matrix");
  if (const auto* f = d->FindFieldByName("party_id")) r->SetString(req, f, "510181198503121235");
}

void SetToken(Message* req, const std::string& token) {
  req->GetReflection()->SetString(req, req->GetDescriptor()->FindFieldByName("page_token"), token);
}

std::string NextToken(const Message& resp) {
  return resp.GetReflection()->GetString(resp, resp.GetDescriptor()->FindFieldByName("next_page_token"));
}

bool Reveals(const std::string& token, const std::set<std::string>& ids) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) raw.clear();
  for (const std::string& id : ids) {
    if (absl::StrContains(token, id) || absl::StrContains(raw, id)) return true;
  }
  return false;
}

}  // namespace page_tokens

TEST_F(LeakMatrixTest, PageTokensAreSealedAndBoundToTheirAgency) {
  using namespace page_tokens;
  std::set<std::string> ids;  // every case and item id: no token may show one
  struct Seed { const char* owner; v1::Domain domain; };
  std::string market_case;
  for (Seed s : {Seed{"market", v1::MARKET_ORDER}, Seed{"market", v1::MARKET_ORDER},
                 Seed{"market", v1::PUBLIC_ORDER}, Seed{"emergency", v1::WORK_SAFETY},
                 Seed{"town-a", v1::PUBLIC_ORDER}, Seed{"psb", v1::PUBLIC_ORDER}}) {
    v1::Case c = FullCase(s.domain, absl::StrCat(s.owner, "-", s.domain));
    if (std::string(s.owner) == "town-a") c.set_major(false);  // towns may not set it
    auto r = district_->As(s.owner).SubmitCase(c);
    ASSERT_TRUE(r.ok()) << s.owner << ": " << r.status();
    ids.insert(r->case_().case_id());
    if (std::string(s.owner) == "market" && s.domain == v1::MARKET_ORDER) market_case = r->case_().case_id();
  }
  for (int i = 0; i < 2; ++i) {
    v1::CreateTransferRequest t;
    t.set_direction(v1::TRANSFER_FORWARD);
    caselink::testing::AddTransferMaterials(&t);
    t.set_receiver_agency("psb");
    t.set_case_id(market_case);
    t.set_subject("涉嫌生产、销售伪劣产品罪 " + std::to_string(i));
    t.add_materials()->set_title("移送书");
    auto tr = district_->As("market").CreateTransfer(t);
    ASSERT_TRUE(tr.ok()) << tr.status();
    ids.insert(tr->transfer().id());
  }

  const std::vector<const MethodDescriptor*> methods = PagedMethods();
  std::set<std::string> names;
  for (const auto* md : methods) names.insert(md->name());
  for (const char* must : {"ListCases", "SearchCases", "ListTransfers", "ListSupervision"}) {
    EXPECT_TRUE(names.count(must)) << must << " no longer pages; update this test";
  }
  long tokens = 0, replays = 0;
  for (const MethodDescriptor* md : methods) {
    const Message* proto_req = google::protobuf::MessageFactory::generated_factory()->GetPrototype(md->input_type());
    const Message* proto_resp = google::protobuf::MessageFactory::generated_factory()->GetPrototype(md->output_type());
    // Which agencies the policy lets call this RPC at all.
    std::set<std::string> callers;
    for (const v1::Agency& agency : oracle_.policy.agencies()) {
      std::unique_ptr<Message> req(proto_req->New());
      FillFirstPage(req.get());
      std::unique_ptr<Message> resp(proto_resp->New());
      const absl::Status s = Call(agency.id(), md, *req, resp.get());
      if (s.code() == absl::StatusCode::kPermissionDenied) continue;
      ASSERT_TRUE(s.ok()) << agency.id() << " " << md->name() << ": " << s;
      callers.insert(agency.id());
    }
    for (const std::string& agency : callers) {
      std::unique_ptr<Message> req(proto_req->New());
      FillFirstPage(req.get());
      for (int page = 0; page < 20; ++page) {
        std::unique_ptr<Message> resp(proto_resp->New());
        const absl::Status s = Call(agency, md, *req, resp.get());
        ASSERT_TRUE(s.ok()) << agency << " " << md->name() << " page " << page << ": " << s;
        const std::string token = NextToken(*resp);
        if (token.empty()) break;
        ++tokens;
        EXPECT_FALSE(Reveals(token, ids)) << agency << " " << md->name() << ": " << token;
        for (const std::string& other : callers) {
          if (other == agency) continue;
          std::unique_ptr<Message> replay(req->New());
          replay->CopyFrom(*req);
          SetToken(replay.get(), token);
          std::unique_ptr<Message> out(proto_resp->New());
          const absl::Status r = Call(other, md, *replay, out.get());
          EXPECT_EQ(r.code(), absl::StatusCode::kInvalidArgument)
              << other << " replays " << agency << "'s " << md->name() << " token: " << r;
          EXPECT_TRUE(absl::StartsWith(r.message(), "page_token")) << r;
          ++replays;
        }
        std::string modified = token;
        modified[modified.size() / 2] = modified[modified.size() / 2] == 'A' ? 'B' : 'A';
        std::unique_ptr<Message> tampered(req->New());
        tampered->CopyFrom(*req);
        SetToken(tampered.get(), modified);
        std::unique_ptr<Message> out(proto_resp->New());
        const absl::Status t = Call(agency, md, *tampered, out.get());
        EXPECT_EQ(t.code(), absl::StatusCode::kInvalidArgument) << agency << " " << md->name() << " modified: " << t;
        SetToken(req.get(), token);
      }
    }
  }
  std::printf("page tokens: %zu paged RPCs, %ld tokens checked, %ld cross-agency replays refused\n",
              methods.size(), tokens, replays);
  EXPECT_GT(tokens, 20);
}

// Unknown fields (a field number the server does not define, as a client
// built from a newer .proto or a smuggling submitter sends) are dropped on the
// way in: for every agency and every RPC that returns a Case, the answer holds
// no unknown field and not the smuggled value.
TEST_F(LeakMatrixTest, UnknownFieldsNeverComeBack) {
  const std::string smuggled = "SMUGGLED-走私-leak-matrix";
  v1::SubmitCaseRequest submit;
  *submit.mutable_case_() = FullCase(v1::MARKET_ORDER, "unknown");
  submit.set_request_id("leak-matrix-unknown");
  for (Message* m : std::vector<Message*>{&submit, submit.mutable_case_(),
                                          submit.mutable_case_()->mutable_parties(0)}) {
    m->GetReflection()->MutableUnknownFields(m)->AddLengthDelimited(5151, smuggled);
  }
  const auto* submit_md = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      "caselink.v1.CaseService.SubmitCase");
  ASSERT_NE(submit_md, nullptr);
  v1::SubmitCaseResponse created;
  ASSERT_TRUE(Call("market", submit_md, submit, &created).ok());
  const std::string case_id = created.case_().case_id();
  // The police receive it by a transfer, so their event stream carries it.
  v1::CreateTransferRequest t;
  t.set_direction(v1::TRANSFER_FORWARD);
  caselink::testing::AddTransferMaterials(&t);
  t.set_receiver_agency("psb");
  t.set_case_id(case_id);
  t.set_subject("涉嫌生产、销售伪劣产品罪");
  t.add_materials()->set_title("移送书");
  ASSERT_TRUE(district_->As("market").CreateTransfer(t).ok());

  long seen = 0;
  for (const v1::Agency& agency : oracle_.policy.agencies()) {
    for (const MethodDescriptor* md : CaseReturningMethods()) {
      if (md->input_type() == v1::SubmitCaseRequest::descriptor() ||
          md->input_type() == v1::SubmitCasesRequest::descriptor()) {
        continue;
      }
      // A supervisor's write (a new version): its answer is checked against
      // the case-mark-major rule's fields in major_case_e2e_test.
      if (md->input_type() == v1::MarkMajorRequest::descriptor()) continue;
      auto* factory = google::protobuf::MessageFactory::generated_factory();
      std::unique_ptr<Message> req(factory->GetPrototype(md->input_type())->New());
      ASSERT_TRUE(FillReadRequest(req.get(), case_id)) << md->full_name();
      std::vector<std::shared_ptr<Message>> responses;
      absl::Status s;
      if (md->server_streaming()) {
        s = CallStream(agency.id(), md, *req, &responses);
      } else {
        responses.emplace_back(factory->GetPrototype(md->output_type())->New());
        s = Call(agency.id(), md, *req, responses.back().get());
      }
      EXPECT_FALSE(absl::StrContains(s.message(), smuggled)) << agency.id() << " " << md->full_name();
      if (!s.ok()) continue;
      for (const auto& resp : responses) {
        std::vector<const v1::Case*> cases;
        FindCases(*resp, &cases);
        for (const v1::Case* c : cases) seen += c->case_id() == case_id ? 1 : 0;
        EXPECT_FALSE(absl::StrContains(resp->SerializeAsString(), smuggled))
            << agency.id() << " " << md->full_name() << " returned the unknown field";
      }
    }
  }
  EXPECT_GT(seen, 10) << "the case with unknown fields was hardly read";
}

// Free text (issue 13, item 3): identifiers written inside `facts` reach each
// agency as its policy decides for their class (PERSONAL_ID for identity
// numbers and credit codes, PERSONAL for phones and bank cards), read here
// independently from the policy: ALLOW the number, MASK its masked form, DENY
// the marker; an agency that cannot see the row or the field gets none of it.
TEST_F(LeakMatrixTest, IdentifiersInFreeTextFollowTheirClass) {
  struct Ident {
    const char* value;
    const char* masked;
    v1::Sensitivity cls;
  };
  const Ident idents[] = {
      {"510105199003071233", "510***********1233", v1::PERSONAL_ID},  // 身份证号
      {"91350100M000100Y43", "91************0Y43", v1::PERSONAL_ID},  // 统一社会信用代码
      {"13912345678", "139****5678", v1::PERSONAL},                   // 手机
      {"6222021234567894", "6222********7894", v1::PERSONAL},         // 银行卡
  };
  v1::Case c = FullCase(v1::MARKET_ORDER, "free-text");
  c.set_facts(absl::StrCat("经查，当事人赵六（身份证号", idents[0].value, "）系某公司（统一社会信用代码",
                           idents[1].value, "）负责人，联系电话", idents[2].value, "，通过银行卡",
                           idents[3].value, "收取货款。"));
  auto r = district_->As("market").SubmitCase(c);
  ASSERT_TRUE(r.ok()) << r.status();
  const v1::Case stored = r->case_();
  const Row row{stored.owner_agency(), stored.domain(), {}, {}};
  const std::string method = "caselink.v1.CaseService/GetCase";
  const FieldDescriptor* facts = v1::Case::descriptor()->FindFieldByName("facts");
  std::map<v1::FieldAction, int> seen;  // how often each outcome was checked
  for (const v1::Agency& agency : oracle_.policy.agencies()) {
    v1::GetCaseRequest get;
    get.set_case_id(stored.case_id());
    get.set_purpose("leak matrix: free text");
    auto got = district_->As(agency.id()).GetCase(get);
    const auto rules = oracle_.Rules(agency, method, row);
    const v1::FieldAction field = rules.empty() ? v1::DENY : oracle_.Decide(rules, {facts});
    const std::string text = got.ok() ? got->facts() : std::string(got.status().message());
    if (rules.empty()) {
      EXPECT_FALSE(got.ok()) << agency.id();
    }
    for (const Ident& id : idents) {
      if (field != v1::ALLOW) {
        // No row, no field, or the whole field masked: none of it shows.
        EXPECT_FALSE(absl::StrContains(text, id.value)) << agency.id() << " got " << id.value;
        continue;
      }
      // The agency's decision for the identifier's class at this field.
      v1::FieldAction want = v1::DENY;
      for (const v1::Rule* rule : rules) {
        v1::FieldAction a = RuleDecides(*rule, "facts", id.cls);
        if (Rank(a) > Rank(want)) want = a;
      }
      ++seen[want];
      switch (want) {
        case v1::ALLOW:
          EXPECT_TRUE(absl::StrContains(text, id.value)) << agency.id() << ": " << text;
          break;
        case v1::MASK:
          EXPECT_TRUE(absl::StrContains(text, id.masked)) << agency.id() << ": " << text;
          EXPECT_FALSE(absl::StrContains(text, id.value)) << agency.id() << ": " << text;
          break;
        default:
          EXPECT_TRUE(absl::StrContains(text, "[已屏蔽]")) << agency.id() << ": " << text;
          EXPECT_FALSE(absl::StrContains(text, id.value)) << agency.id() << ": " << text;
      }
    }
  }
  // Not vacuous: the example policy shows some agencies the numbers (the
  // owner, the procuratorate) and masks them for others (psb, justice).
  EXPECT_GT(seen[v1::ALLOW], 0);
  EXPECT_GT(seen[v1::MASK], 0);
  // psb, exactly: identity numbers masked, its PERSONAL grant shows phones.
  v1::GetCaseRequest get;
  get.set_case_id(stored.case_id());
  get.set_purpose("leak matrix: free text");
  auto psb = district_->As("psb").GetCase(get);
  ASSERT_TRUE(psb.ok()) << psb.status();
  EXPECT_EQ(psb->facts(), "经查，当事人赵六（身份证号510***********1233）系某公司（统一社会信用代码"
                          "91************0Y43）负责人，联系电话13912345678，通过银行卡"
                          "6222021234567894收取货款。");
  // The access log names the field whose content was masked.
  v1::WhoReadRequest who;
  who.set_case_id(stored.case_id());
  auto log = district_->As("procuratorate").WhoRead(who);
  ASSERT_TRUE(log.ok()) << log.status();
  bool logged = false;
  for (const v1::AuditEntry& e : log->entries()) {
    if (e.agency_id() != "psb" || e.method() != method) continue;
    logged = true;
    EXPECT_TRUE(std::count(e.fields_masked().begin(), e.fields_masked().end(), "facts") > 0)
        << e.ShortDebugString();
    EXPECT_FALSE(std::count(e.fields_full().begin(), e.fields_full().end(), "facts") > 0);
  }
  EXPECT_TRUE(logged) << "psb's GetCase is not in the access log";
}

}  // namespace
}  // namespace caselink::testing
