// Continuous authorization of event streams and no implicit grants through
// case links (issue 13, items 4 and 11), through a real district: the
// example policy, a real mTLS server, raw EventService stubs on the real
// client's channel.
//  - A reload that takes the Watch grant away ends an open, idle stream
//    within one second with PERMISSION_DENIED.
//  - A reload that narrows the rows stops the delivery of rows that became
//    invisible, on the same open stream.
//  - Installing a CRL that revokes the agency's certificate ends its open
//    stream within one second with UNAUTHENTICATED, and its open connection
//    serves no other call.
//  - What a stream delivers is in the access log while it is still open, in
//    bounded entries.
//  - A town linked to another agency's case by a supervision record or a
//    reverse transfer does not read the case (Watch, GetCase); a supervision
//    link does not count as a transfer for enforcement agencies either; an
//    explicit `rows { linked: true }` grants exactly those linked cases.
#include <cctype>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "auth/authorizer.h"
#include "caselink/v1/workflow.grpc.pb.h"
#include "google/protobuf/text_format.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "server/events/delivery_log.h"
#include "workflow_fixture.h"
#include <grpcpp/channel.h>

namespace caselink::testing {
namespace {

constexpr char kWatch[] = "caselink.v1.EventService/Watch";

// An open Watch stream of one agency, read event by event.
class OpenStream {
 public:
  OpenStream(Client& client, uint64_t from_cursor = 0, absl::Duration deadline = absl::Seconds(30))
      : stub_(v1::EventService::NewStub(client.channel())) {
    ctx_.set_deadline(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(absl::ToInt64Milliseconds(deadline)));
    v1::WatchRequest req;
    req.set_from_cursor(from_cursor);
    req.set_purpose("streams test: 两法衔接 events");
    reader_ = stub_->Watch(&ctx_, req);
  }
  ~OpenStream() {
    if (finished_) return;
    ctx_.TryCancel();
    v1::Event e;
    while (reader_->Read(&e)) {
    }
    reader_->Finish();
  }

  // The next event, or nullopt once the stream has ended.
  std::optional<v1::Event> Next() {
    v1::Event e;
    if (!reader_->Read(&e)) return std::nullopt;
    return e;
  }
  // Once the stream has ended (Next() gave nullopt); only once.
  grpc::Status Finish() {
    finished_ = true;
    return reader_->Finish();
  }

 private:
  std::unique_ptr<v1::EventService::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader_;
  bool finished_ = false;
};

std::set<std::string> CaseIds(const v1::Event& e) {
  std::set<std::string> out;
  for (const v1::Case& c : e.cases()) out.insert(c.case_id());
  return out;
}

// The selectors themselves: `transferred` follows transfer links only,
// `linked` every link, and neither anything else.
TEST(LinkSelectorTest, TransferredFollowsTransfersAndLinkedFollowsEveryLink) {
  v1::Policy policy;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
    agencies { id: "t" identities: "caselink://agency/t" roles: TOWN }
    agencies { id: "e" identities: "caselink://agency/e" roles: ENFORCEMENT }
    rules { name: "town-linked" roles: TOWN rpcs: "caselink.v1.EventService/Watch" rows { linked: true }
            fields { sensitivity: PUBLIC action: ALLOW } }
    rules { name: "enf-transferred" roles: ENFORCEMENT rpcs: "caselink.v1.EventService/Watch"
            rows { transferred: true } fields { sensitivity: PUBLIC action: ALLOW } }
  )pb", &policy));
  auto authz = auth::Authorizer::Create(policy);
  ASSERT_TRUE(authz.ok()) << authz.status();
  auto as = [&](const std::string& id) {
    auth::PeerIdentity peer;
    peer.uri_sans = {"caselink://agency/" + id};
    return *(*authz)->Authenticate(peer);
  };
  auto sees = [&](const std::string& id, std::vector<std::string> transfer, std::vector<std::string> supervision) {
    auth::RowFacts row;
    row.owner_agency = "other";
    row.domain = v1::MARKET_ORDER;
    row.linked_agencies = std::move(transfer);
    row.supervision_agencies = std::move(supervision);
    return (*authz)->PlanRead(as(id), kWatch, row).has_value();
  };
  EXPECT_TRUE(sees("e", {"e"}, {}));
  EXPECT_FALSE(sees("e", {}, {"e"})) << "a supervision link counted as a transfer";
  EXPECT_FALSE(sees("e", {"t"}, {"t"}));
  EXPECT_TRUE(sees("t", {"t"}, {}));
  EXPECT_TRUE(sees("t", {}, {"t"}));
  EXPECT_FALSE(sees("t", {"e"}, {"e"}));
  EXPECT_FALSE(sees("t", {}, {}));
}

class StreamTrustTest : public WorkflowTest {
 protected:
  // Installs `text` as the policy and reloads it.
  void Install(const std::string& text) {
    ASSERT_TRUE(WriteFile(district_->policy_path(), text).ok());
    ASSERT_TRUE(district_->server().ReloadPolicy().ok());
  }
  // The example policy with `from` (which must occur) replaced by `to`.
  static std::string ExampleWith(const std::string& from, const std::string& to) {
    std::string text = TestDistrict::ExamplePolicyText();
    EXPECT_NE(text.find(from), std::string::npos) << from;
    return absl::StrReplaceAll(text, {{from, to}});
  }
  static std::string PoliceRule() {
    return "  name: \"workflow-police\"\n"
           "  roles: [POLICE]\n"
           "  rpcs: [\"caselink.v1.WorkflowService/*\", \"caselink.v1.EventService/Watch\"]\n"
           "  rows { own: true transferred: true }\n";
  }

  // Watch entries of `agency` in the access log naming `case_id`.
  std::vector<v1::AuditEntry> WatchEntries(const std::string& case_id, const std::string& agency) {
    v1::WhoReadRequest req;
    req.set_case_id(case_id);
    req.set_limit(1000);
    req.set_purpose("streams test: who read");
    auto r = As("procuratorate").WhoRead(req);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<v1::AuditEntry> out;
    if (!r.ok()) return out;
    for (const v1::AuditEntry& e : r->entries()) {
      if (e.method() == kWatch && e.agency_id() == agency) out.push_back(e);
    }
    return out;
  }
};

TEST_F(StreamTrustTest, ReloadRemovingTheWatchGrantEndsAnIdleStreamWithinOneSecond) {
  ASSERT_TRUE(Forward(NewCase("market")).ok());
  OpenStream psb(As("psb"));
  ASSERT_TRUE(psb.Next().has_value());  // the transfer, under the old policy

  // The stream is now idle (no further event); the grant goes away.
  Install(ExampleWith(PoliceRule(),
                      absl::StrReplaceAll(PoliceRule(), {{", \"caselink.v1.EventService/Watch\"", ""}})));
  const absl::Time reloaded = absl::Now();
  EXPECT_FALSE(psb.Next().has_value());
  const absl::Duration took = absl::Now() - reloaded;
  grpc::Status s = psb.Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("no policy rule grants caselink.v1.EventService/Watch"));
  EXPECT_LT(took, absl::Seconds(1)) << "the stream outlived the grant by " << took;
  std::cerr << "stream ended " << absl::FormatDuration(took) << " after the reload\n";

  // A new stream is refused too, and market's stream is unaffected.
  OpenStream again(As("psb"));
  EXPECT_FALSE(again.Next().has_value());
  EXPECT_EQ(again.Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  OpenStream market(As("market"), 0, absl::Seconds(5));
  EXPECT_TRUE(market.Next().has_value());
}

TEST_F(StreamTrustTest, ReloadRemovingTheAgencyEndsItsStream) {
  ASSERT_TRUE(Forward(NewCase("market")).ok());
  OpenStream market(As("market"));
  ASSERT_TRUE(market.Next().has_value());
  std::string policy = TestDistrict::ExamplePolicyText();
  std::string without;
  for (absl::string_view line : absl::StrSplit(policy, '\n')) {
    if (!absl::StrContains(line, "id: \"market\"")) absl::StrAppend(&without, line, "\n");
  }
  Install(without);
  const absl::Time reloaded = absl::Now();
  EXPECT_FALSE(market.Next().has_value());
  EXPECT_LT(absl::Now() - reloaded, absl::Seconds(1));
  EXPECT_EQ(market.Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(StreamTrustTest, RevokingTheCertificateEndsAnOpenStreamWithinOneSecond) {
  ASSERT_TRUE(Forward(NewCase("market")).ok());
  OpenStream market(As("market"));
  ASSERT_TRUE(market.Next().has_value());
  // The CA revokes market's certificate; its CRL goes under the next suffix
  // (lastUpdate has one-second resolution: it must be later than the first).
  absl::SleepFor(absl::Milliseconds(1100));
  auto kc = district_->AgencyCert("market");
  ASSERT_TRUE(kc.ok());
  ASSERT_TRUE(district_->ca().WriteCrlToDir(district_->crl_dir(), {kc->serial_hex}, 1).ok());
  const absl::Time installed = absl::Now();
  EXPECT_FALSE(market.Next().has_value());
  const absl::Duration took = absl::Now() - installed;
  grpc::Status s = market.Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("revoked"));
  EXPECT_LT(took, absl::Seconds(1)) << "the stream outlived the revocation by " << took;
  std::cerr << "stream ended " << absl::FormatDuration(took) << " after the CRL was installed\n";
  // The connection opened before the revocation serves no other call either;
  // other agencies are unaffected.
  v1::ListCasesRequest list;
  list.set_purpose("streams test");
  EXPECT_EQ(As("market").ListCases(list).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(As("psb").ListCases(list).ok());
}

TEST_F(StreamTrustTest, ReloadNarrowingTheRowsStopsDeliveringTheNowInvisibleRows) {
  const std::string market_case = NewCase("market");
  auto t = Forward(market_case);
  ASSERT_TRUE(t.ok()) << t.status();
  OpenStream psb(As("psb"));
  auto first = psb.Next();
  ASSERT_TRUE(first.has_value());
  // Transferred to psb: the event carries the case, in full.
  ASSERT_THAT(CaseIds(*first), ::testing::ElementsAre(market_case));
  EXPECT_FALSE(first->cases(0).parties(0).person().id_number().empty());

  // The police keep the event stream but no longer see transferred cases.
  Install(ExampleWith(PoliceRule(), absl::StrReplaceAll(PoliceRule(), {{" transferred: true", ""}})));
  auto accepted = ActT("psb", t->transfer().id(), v1::ACTION_ACCEPT);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  auto second = psb.Next();
  ASSERT_TRUE(second.has_value()) << "the stream ended";
  EXPECT_EQ(second->item_id(), t->transfer().id());
  EXPECT_TRUE(second->cases().empty()) << "a row the current policy hides was delivered: "
                                       << second->ShortDebugString();
  // Replayed from the start on the same policy: the old event is now
  // filtered the same way.
  OpenStream replay(As("psb"), 0, absl::Seconds(5));
  auto again = replay.Next();
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->cases().empty());
}

TEST_F(StreamTrustTest, DeliveriesAreInTheAccessLogWhileTheStreamIsOpen) {
  const std::string market_case = NewCase("market");
  ASSERT_TRUE(Forward(market_case).ok());
  OpenStream psb(As("psb"));
  auto first = psb.Next();
  ASSERT_TRUE(first.has_value());
  ASSERT_THAT(CaseIds(*first), ::testing::ElementsAre(market_case));

  // The stream is still open: its delivery is already on the record.
  std::vector<v1::AuditEntry> entries = WatchEntries(market_case, "psb");
  ASSERT_EQ(entries.size(), 1u) << "the delivery is not in the access log while the stream is open";
  EXPECT_EQ(entries[0].status_code(), 0);
  EXPECT_THAT(entries[0].case_ids(), ::testing::ElementsAre(market_case));
  EXPECT_THAT(entries[0].fields_full(), ::testing::Contains("parties.person.id_number"));
  EXPECT_EQ(entries[0].purpose(), "streams test: 两法衔接 events");
  EXPECT_FALSE(entries[0].party_hmacs().empty());
}

// An item naming no case (a supervision record without cases) still has
// text, and an identity number in it: its delivery is on the record too,
// naming the item, the fields and the party it showed.
TEST_F(StreamTrustTest, AnItemNamingNoCaseIsOnTheRecordWhenDelivered) {
  constexpr char kWitness[] = "11010519491231002X";
  auto s = Supervise("market", "");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->record().case_ids_size(), 0);
  ASSERT_TRUE(ActS("market", s->record().id(), v1::ACTION_REPLY, absl::StrCat("已询问证人", kWitness)).ok());
  OpenStream pro(As("procuratorate"));
  for (int i = 0; i < 2; ++i) {
    auto e = pro.Next();
    ASSERT_TRUE(e.has_value()) << i;
    EXPECT_EQ(e->item_id(), s->record().id());
  }
  // While the stream is open, both deliveries are on the record.
  v1::AgencyAccessRequest req;
  req.set_agency_id("procuratorate");
  req.set_limit(1000);
  req.set_purpose("streams test: case-less items");
  auto r = As("procuratorate").AgencyAccess(req);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<v1::AuditEntry> deliveries;
  for (const v1::AuditEntry& e : r->entries()) {
    if (e.method() == kWatch && e.status_code() == 0) deliveries.push_back(e);
  }
  ASSERT_FALSE(deliveries.empty()) << "a case-less item was delivered without an entry";
  bool fields = false;
  for (const v1::AuditEntry& e : deliveries) {
    EXPECT_EQ(e.item_id(), s->record().id());
    EXPECT_TRUE(e.case_ids().empty());
    fields |= e.fields_full_size() + e.fields_masked_size() > 0;
  }
  EXPECT_TRUE(fields);
  // The witness's number reached the watcher in the reply's reason: the
  // party's question finds the delivery.
  v1::PartyAccessRequest party;
  party.set_party_id(kWitness);
  party.set_purpose("streams test: case-less items");
  auto by_party = As("procuratorate").PartyAccess(party);
  ASSERT_TRUE(by_party.ok()) << by_party.status();
  bool watched = false;
  for (const v1::AuditEntry& e : by_party->entries()) watched |= e.method() == kWatch && e.agency_id() == "procuratorate";
  EXPECT_TRUE(watched);
}

TEST_F(StreamTrustTest, AStreamLogsItsDeliveriesInBoundedEntries) {
  // More events than one entry may hold, all already stored: a replay.
  const int n = server::DeliveryLog::kMaxEvents + 6;
  std::vector<std::string> cases;
  for (int i = 0; i < n; ++i) {
    cases.push_back(NewCase("market"));
    ASSERT_TRUE(Forward(cases.back()).ok());
  }
  OpenStream psb(As("psb"));
  std::set<std::string> seen;
  for (int i = 0; i < n; ++i) {
    auto e = psb.Next();
    ASSERT_TRUE(e.has_value()) << i;
    for (const std::string& id : CaseIds(*e)) seen.insert(id);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(n));
  // Every delivered case is on the record (while the stream is open), and
  // no entry names more than one entry's worth of events.
  v1::AgencyAccessRequest req;
  req.set_agency_id("psb");
  req.set_limit(1000);
  req.set_purpose("streams test: bounded entries");
  auto r = As("procuratorate").AgencyAccess(req);
  ASSERT_TRUE(r.ok()) << r.status();
  std::set<std::string> logged;
  int watch_entries = 0;
  for (const v1::AuditEntry& e : r->entries()) {
    if (e.method() != kWatch) continue;
    ++watch_entries;
    EXPECT_LE(e.case_ids_size(), server::DeliveryLog::kMaxEvents);
    logged.insert(e.case_ids().begin(), e.case_ids().end());
  }
  EXPECT_EQ(logged, seen);
  EXPECT_GE(watch_entries, 2);
}

// A town addressed by items naming another agency's case does not read the
// case through its events; the case ids it was told are on its record.
TEST_F(StreamTrustTest, ATownLinkedToAnotherAgencysCaseDoesNotReadIt) {
  const std::string market_case = NewCase("market");
  ASSERT_TRUE(Supervise("town-a", market_case).ok());
  ASSERT_TRUE(Reverse("town-a", market_case).ok());

  OpenStream town(As("town-a"), 0, absl::Seconds(5));
  for (int i = 0; i < 2; ++i) {
    auto e = town.Next();
    ASSERT_TRUE(e.has_value()) << i;
    EXPECT_TRUE(e->cases().empty()) << "town-a read market's case through a link: " << e->ShortDebugString();
  }
  v1::GetCaseRequest get;
  get.set_case_id(market_case);
  get.set_purpose("streams test");
  EXPECT_EQ(As("town-a").GetCase(get).status().code(), absl::StatusCode::kNotFound);
  // Its id reached town-a (the items name it, as GetSupervision would): the
  // delivery entries name the case, and no field of it (the items' own text,
  // "SupervisionRecord.subject", is named by its message's path; a Case's
  // paths begin with a field name).
  std::vector<v1::AuditEntry> entries = WatchEntries(market_case, "town-a");
  ASSERT_FALSE(entries.empty()) << "town-a received the items naming market's case with nothing on record";
  for (const v1::AuditEntry& e : entries) {
    EXPECT_THAT(e.case_ids(), ::testing::Contains(market_case));
    for (const std::string& path : e.fields_full()) {
      EXPECT_TRUE(!path.empty() && std::isupper(static_cast<unsigned char>(path[0])))
          << "a field of market's case reached town-a: " << path << " in " << e.ShortDebugString();
    }
    EXPECT_TRUE(e.fields_masked().empty()) << e.ShortDebugString();
    EXPECT_TRUE(e.party_hmacs().empty()) << e.ShortDebugString();
  }
}

TEST_F(StreamTrustTest, ASupervisionLinkIsNotATransfer) {
  // emergency's rules follow transfer links (`transferred`); a supervision
  // record naming market's case is not one.
  const std::string market_case = NewCase("market");
  ASSERT_TRUE(Supervise("emergency", market_case).ok());
  v1::GetCaseRequest get;
  get.set_case_id(market_case);
  get.set_purpose("streams test");
  EXPECT_EQ(As("emergency").GetCase(get).status().code(), absl::StatusCode::kNotFound);
  {
    OpenStream emergency(As("emergency"), 0, absl::Seconds(5));
    auto e = emergency.Next();
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE(e->cases().empty()) << e->ShortDebugString();
  }
  // A reverse transfer of the case to emergency is a transfer: it reads it.
  ASSERT_TRUE(Reverse("emergency", market_case).ok());
  EXPECT_TRUE(As("emergency").GetCase(get).ok());
}

// The police read every agency's cases with identity numbers masked, but
// their workflow rules select only their own cases and those transferred to
// them: a reverse transfer may name only those. Else it would link any case
// to the police (read in full, `transferred`) and to the receiver (read in
// full too). The procuratorate's workflow rules select every case.
TEST_F(StreamTrustTest, APoliceReverseTransferNamesOnlyACaseItsWorkflowRulesSelect) {
  const std::string market_case = NewCase("market");
  v1::GetCaseRequest get;
  get.set_case_id(market_case);
  get.set_purpose("streams test");
  auto masked = As("psb").GetCase(get);
  ASSERT_TRUE(masked.ok()) << masked.status();
  const std::string shown = masked->parties(0).person().id_number();
  ASSERT_NE(shown.find('*'), std::string::npos) << shown;

  v1::CreateTransferRequest req;
  req.set_direction(v1::TRANSFER_REVERSE);
  req.set_receiver_agency("emergency");
  req.set_case_id(market_case);
  req.set_subject("不需要追究刑事责任, 依法应当给予行政处罚");
  auto refused = As("psb").CreateTransfer(req);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), ::testing::HasSubstr("caselink.v1.WorkflowService/CreateTransfer"));
  // Nothing changed: psb still reads it masked, emergency not at all.
  EXPECT_EQ(As("psb").GetCase(get)->parties(0).person().id_number(), shown);
  EXPECT_EQ(As("emergency").GetCase(get).status().code(), absl::StatusCode::kNotFound);

  // A case transferred to the police is theirs to send back.
  ASSERT_TRUE(Forward(market_case).ok());
  ASSERT_TRUE(As("psb").CreateTransfer(req).ok());
  EXPECT_TRUE(As("emergency").GetCase(get).ok());
  // The procuratorate names any case (its rules select every row).
  const std::string other = NewCase("market");
  ASSERT_TRUE(Reverse("emergency", other).ok());
}

TEST_F(StreamTrustTest, AnExplicitLinkedSelectorGrantsTheLinkedCases) {
  const std::string market_case = NewCase("market");
  const std::string other_case = NewCase("market");
  ASSERT_TRUE(Supervise("town-a", market_case).ok());
  // Towns' workflow rule now also selects linked rows.
  Install(ExampleWith("  name: \"workflow-town\"\n  roles: [TOWN]\n"
                      "  rpcs: [\"caselink.v1.WorkflowService/*\", \"caselink.v1.EventService/Watch\"]\n"
                      "  rows { own: true }\n",
                      "  name: \"workflow-town\"\n  roles: [TOWN]\n"
                      "  rpcs: [\"caselink.v1.WorkflowService/*\", \"caselink.v1.EventService/Watch\"]\n"
                      "  rows { own: true linked: true }\n"));
  {
    OpenStream town(As("town-a"), 0, absl::Seconds(5));
    auto e = town.Next();
    ASSERT_TRUE(e.has_value());
    EXPECT_THAT(CaseIds(*e), ::testing::ElementsAre(market_case));
  }
  EXPECT_EQ(WatchEntries(market_case, "town-a").size(), 1u);
  // Only through the RPCs the rule grants: GetCase still shows own rows only.
  v1::GetCaseRequest get;
  get.set_case_id(market_case);
  get.set_purpose("streams test");
  EXPECT_EQ(As("town-a").GetCase(get).status().code(), absl::StatusCode::kNotFound);
  // And only the linked case: a case of market no item links to stays hidden.
  ASSERT_TRUE(Supervise("town-a", "").ok());
  OpenStream town(As("town-a"), 0, absl::Seconds(5));
  std::set<std::string> seen;
  for (int i = 0; i < 2; ++i) {
    auto e = town.Next();
    ASSERT_TRUE(e.has_value());
    for (const std::string& id : CaseIds(*e)) seen.insert(id);
  }
  EXPECT_THAT(seen, ::testing::ElementsAre(market_case));
  EXPECT_EQ(seen.count(other_case), 0u);
}

}  // namespace
}  // namespace caselink::testing
