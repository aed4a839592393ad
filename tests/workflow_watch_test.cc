// The event stream: addressed and redacted per policy, resumable by cursor
// with no loss and no duplicate (also across a server restart, through the
// client's self-resuming Watch helper), and bounded per agency.
#include <set>
#include <thread>

#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "workflow_fixture.h"
#include <grpcpp/channel.h>
#include "caselink/v1/workflow.grpc.pb.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

// Collects events of one agency on a background thread through Client::Watch.
class Collector {
 public:
  Collector(Client* client, uint64_t from = 0) : client_(client) {
    WatchOptions o;
    o.from_cursor = from;
    o.initial_backoff = absl::Milliseconds(50);
    o.max_backoff = absl::Milliseconds(200);
    thread_ = std::thread([this, o] {
      status_ = client_->Watch(o, [this](const v1::Event& e) {
        absl::MutexLock lock(&mu_);
        events_.push_back(e);
        return true;
      }, &cancel_);
    });
  }
  ~Collector() { Stop(); }
  void Stop() {
    cancel_.Cancel();
    if (thread_.joinable()) thread_.join();
  }
  // Waits until at least n events arrived (or 20 s).
  std::vector<v1::Event> WaitFor(size_t n) {
    for (int i = 0; i < 400; ++i) {
      {
        absl::MutexLock lock(&mu_);
        if (events_.size() >= n) return events_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    absl::MutexLock lock(&mu_);
    return events_;
  }
  absl::Status status() const { return status_; }

 private:
  Client* client_;
  WatchCanceller cancel_;
  absl::Mutex mu_;
  std::vector<v1::Event> events_ ABSL_GUARDED_BY(mu_);
  absl::Status status_;
  std::thread thread_;
};

std::vector<uint64_t> Cursors(const std::vector<v1::Event>& events) {
  std::vector<uint64_t> out;
  for (const auto& e : events) out.push_back(e.cursor());
  return out;
}

void ExpectStrictlyIncreasing(const std::vector<uint64_t>& c) {
  for (size_t i = 1; i < c.size(); ++i) EXPECT_LT(c[i - 1], c[i]) << "at " << i;
}

TEST_F(WorkflowTest, WatchResumesAcrossRestartWithNoLossAndNoDuplicate) {
  DistrictOptions o;
  o.keep_port_on_restart = true;
  StartDistrict(o);
  auto psb = district_->ClientWith(*district_->AgencyCert("psb"));
  ASSERT_TRUE(psb.ok());
  Collector live(psb->get());

  std::set<std::string> sent;
  for (int i = 0; i < 5; ++i) sent.insert(NewForward());
  auto first = live.WaitFor(5);
  ASSERT_EQ(first.size(), 5u);

  ASSERT_TRUE(district_->Restart().ok());
  for (int i = 0; i < 5; ++i) sent.insert(NewForward());
  const std::string accepted = *sent.begin();
  ASSERT_TRUE(ActT("psb", accepted, v1::ACTION_ACCEPT).ok());  // psb's own action: an event too
  auto all = live.WaitFor(11);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more may arrive
  all = live.WaitFor(11);
  live.Stop();
  ASSERT_EQ(all.size(), 11u);
  std::vector<uint64_t> cursors = Cursors(all);
  ExpectStrictlyIncreasing(cursors);
  // psb's own count, kept across the restart.
  EXPECT_EQ(cursors, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  std::set<std::string> got;
  for (const auto& e : all) {
    if (e.kind() == v1::EVENT_TRANSFER_CREATED) got.insert(e.item_id());
  }
  EXPECT_EQ(got, sent);
  EXPECT_EQ(all.back().kind(), v1::EVENT_TRANSFER_CHANGED);
  EXPECT_EQ(all.back().transition().action(), v1::ACTION_ACCEPT);

  // A new stream from 0 replays exactly the same cursors from the log; one
  // from the 6th cursor gets exactly the rest.
  Collector replay(&As("psb"));
  EXPECT_EQ(Cursors(replay.WaitFor(11)), cursors);
  Collector rest(&As("psb"), cursors[5]);
  auto tail = rest.WaitFor(5);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Cursors(rest.WaitFor(5)), std::vector<uint64_t>(cursors.begin() + 6, cursors.end()));
}

TEST_F(WorkflowTest, AnAgencysCursorsSayNothingOfEventsAddressedToOthers) {
  ASSERT_TRUE(Forward(NewCase("market")).ok());
  // Events between the procuratorate and market only: had psb's cursors
  // been the district's sequence numbers, the gap would have counted them.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Supervise("market", NewCase("market")).ok());
  ASSERT_TRUE(Forward(NewCase("market")).ok());
  Collector psb(&As("psb"));
  auto events = psb.WaitFor(2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more may arrive
  EXPECT_EQ(Cursors(psb.WaitFor(2)), (std::vector<uint64_t>{1, 2}));
  Collector procuratorate(&As("procuratorate"));
  EXPECT_EQ(Cursors(procuratorate.WaitFor(3)), (std::vector<uint64_t>{1, 2, 3}));
}

// A cursor beyond the last one issued to the agency (one from a database
// since restored from an older backup, or made up) is refused at once, not
// waited on forever; the last issued cursor itself resumes quietly.
TEST_F(WorkflowTest, AWatchFromACursorNeverIssuedIsOutOfRange) {
  ASSERT_TRUE(Forward(NewCase("market")).ok());
  ASSERT_TRUE(Forward(NewCase("market")).ok());
  auto stub = v1::EventService::NewStub(As("psb").channel());
  v1::WatchRequest req;
  req.set_purpose("test");
  req.set_from_cursor(3);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto beyond = stub->Watch(&ctx, req);
  v1::Event e;
  EXPECT_FALSE(beyond->Read(&e));
  grpc::Status s = beyond->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::OUT_OF_RANGE) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("from_cursor: 3 is beyond the last cursor issued to agency 'psb' (2)"));

  req.set_from_cursor(UINT64_MAX);
  grpc::ClientContext far;
  far.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto farther = stub->Watch(&far, req);
  EXPECT_FALSE(farther->Read(&e));
  EXPECT_EQ(farther->Finish().error_code(), grpc::StatusCode::OUT_OF_RANGE);

  // From the last cursor: nothing yet, the stream stays open.
  req.set_from_cursor(2);
  grpc::ClientContext open;
  open.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(700));
  auto waiting = stub->Watch(&open, req);
  EXPECT_FALSE(waiting->Read(&e));
  EXPECT_EQ(waiting->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(WorkflowTest, EventsAreAddressedToTheAgenciesInvolvedAndRedactedLikeReads) {
  const std::string case_id = NewCase("market");
  auto t = Forward(case_id);
  ASSERT_TRUE(t.ok());
  Collector psb(&As("psb"));
  auto events = psb.WaitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), v1::EVENT_TRANSFER_CREATED);
  EXPECT_EQ(events[0].transfer().id(), t->transfer().id());
  ASSERT_EQ(events[0].cases_size(), 1);
  // The example policy gives the police transferred cases in full, like GetCase.
  v1::GetCaseRequest get;
  get.set_case_id(case_id);
  get.set_purpose("移送审查");
  auto read = As("psb").GetCase(get);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(events[0].cases(0).parties(0).person().id_number(), read->parties(0).person().id_number());
  EXPECT_EQ(events[0].cases(0).parties(0).person().id_number(), "510181198503121235");

  // Uninvolved agencies get nothing.
  Collector emergency(&As("emergency"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(emergency.WaitFor(0).empty());
}

TEST_F(WorkflowTest, EventRedactionFollowsThePolicyOfWatch) {
  // A district whose policy masks ID numbers in the police's event stream.
  std::string policy = TestDistrict::ExamplePolicyText();
  const std::string from = "  name: \"workflow-police\"";
  const size_t at = policy.find(from);
  ASSERT_NE(at, std::string::npos);
  const size_t id_rule = policy.find("fields { sensitivity: PERSONAL_ID action: ALLOW }", at);
  policy.replace(id_rule, strlen("fields { sensitivity: PERSONAL_ID action: ALLOW }"),
                 "fields { sensitivity: PERSONAL_ID action: MASK }");
  DistrictOptions o;
  o.policy_text = policy;
  StartDistrict(o);
  ASSERT_TRUE(Forward(NewCase("market")).ok());
  Collector psb(&As("psb"));
  auto events = psb.WaitFor(1);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_EQ(events[0].cases_size(), 1);
  EXPECT_EQ(events[0].cases(0).parties(0).person().id_number(), "510***********1235");
  EXPECT_EQ(events[0].cases(0).parties(0).person().name(), "张三丰");
}

TEST_F(WorkflowTest, SupervisionAndReplyEventsReachBothSides) {
  auto s = Supervise("market", NewCase("market"));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(ActS("market", s->record().id(), v1::ACTION_REPLY, "已整改").ok());
  Collector pro(&As("procuratorate"));
  auto events = pro.WaitFor(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind(), v1::EVENT_SUPERVISION_CREATED);
  EXPECT_EQ(events[1].kind(), v1::EVENT_REPLY);
  EXPECT_EQ(events[1].record().state(), v1::STATE_REPLIED);
  Collector market(&As("market"));
  EXPECT_EQ(market.WaitFor(2).size(), 2u);
}

TEST_F(WorkflowTest, StreamsPerAgencyAreBoundedAndNeedAPurpose) {
  ASSERT_TRUE(Forward(NewCase("market")).ok());
  auto stub = v1::EventService::NewStub(As("psb").channel());
  std::vector<std::unique_ptr<grpc::ClientContext>> ctxs;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::Event>>> readers;
  v1::WatchRequest req;
  req.set_purpose("test");
  for (int i = 0; i < 4; ++i) {
    ctxs.push_back(std::make_unique<grpc::ClientContext>());
    readers.push_back(stub->Watch(ctxs.back().get(), req));
    v1::Event e;
    ASSERT_TRUE(readers.back()->Read(&e));  // established
  }
  grpc::ClientContext ctx5;
  auto fifth = stub->Watch(&ctx5, req);
  v1::Event e;
  EXPECT_FALSE(fifth->Read(&e));
  EXPECT_EQ(fifth->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  for (size_t i = 0; i < readers.size(); ++i) {
    ctxs[i]->TryCancel();
    readers[i]->Finish();
  }
  grpc::ClientContext nopurpose;
  auto np = stub->Watch(&nopurpose, v1::WatchRequest());
  EXPECT_FALSE(np->Read(&e));
  EXPECT_EQ(np->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace caselink::testing
