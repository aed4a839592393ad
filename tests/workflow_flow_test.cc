// Both transfer flows and supervision records end to end, idempotent
// retries, the race of two decisions, and row visibility of transferred
// cases (rows { transferred: true }).
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "caselink/v1/workflow_storage.pb.h"
#include "caselink_common/request_digest.h"
#include "gmock/gmock.h"
#include "rocksdb/db.h"
#include "storage/database.h"
#include "storage/workflow_store.h"
#include "support/raw_db.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(WorkflowTest, ForwardTransferAcceptedEndToEnd) {
  const std::string case_id = NewCase("market");
  // Before the transfer the police see a market case with ID numbers masked.
  v1::GetCaseRequest get;
  get.set_case_id(case_id);
  get.set_purpose("审查移送案件");
  auto before = As("psb").GetCase(get);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_NE(before->parties(0).person().id_number(), "510181198503121235");

  auto t = Forward(case_id);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->transfer().state(), v1::STATE_SENT);
  EXPECT_EQ(t->transfer().sender_agency(), "market");
  EXPECT_EQ(t->transfer().receiver_agency(), "psb");
  EXPECT_TRUE(t->transfer().has_deadline());
  EXPECT_THAT(t->transfer().deadline().rule(), HasSubstr("第八条"));

  // Transferred: the police now read it in full.
  auto after = As("psb").GetCase(get);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->parties(0).person().id_number(), "510181198503121235");
  EXPECT_FALSE(after->facts().empty());

  Advance(absl::Hours(5));
  auto acc = As("psb").ActOnTransfer([&] {
    auto r = Action(t->transfer().id(), v1::ACTION_ACCEPT);
    r.set_reference("某公立〔2024〕7号");
    return r;
  }());
  ASSERT_TRUE(acc.ok()) << acc.status();
  EXPECT_EQ(acc->transfer().state(), v1::STATE_ACCEPTED);
  // What remains is the agency's: 涉案物品 within 3 days (310号 第十二条).
  ASSERT_TRUE(acc->transfer().has_deadline());
  EXPECT_EQ(acc->transfer().deadline().party_agency(), "market");

  v1::GetItemRequest gi;
  gi.set_id(t->transfer().id());
  auto full = As("market").GetTransfer(gi);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->history_size(), 2);
  EXPECT_EQ(full->history(0).action(), v1::ACTION_CREATE);
  EXPECT_EQ(full->history(0).actor_agency(), "market");
  EXPECT_EQ(full->history(0).materials(0).reference(), "某监移〔2024〕3号-1");
  EXPECT_EQ(full->history(0).materials(0).kind(), v1::MATERIAL_TRANSFER_LETTER);
  EXPECT_EQ(full->history(1).action(), v1::ACTION_ACCEPT);
  EXPECT_EQ(full->history(1).actor_agency(), "psb");
  EXPECT_EQ(full->history(1).from_state(), v1::STATE_SENT);
  EXPECT_EQ(full->history(1).to_state(), v1::STATE_ACCEPTED);
  EXPECT_EQ(full->history(1).reference(), "某公立〔2024〕7号");
  EXPECT_EQ(absl::FromUnixSeconds(full->history(1).time().seconds()), Start() + absl::Hours(5));

  // Terminal: nothing more is allowed.
  auto again = ActT("psb", t->transfer().id(), v1::ACTION_REFUSE, "改判");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("STATE_ACCEPTED"));

  // Outsiders neither see nor act on it.
  EXPECT_EQ(As("emergency").GetTransfer(gi).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ActT("emergency", t->transfer().id(), v1::ACTION_ACCEPT).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(WorkflowTest, ForwardRefusalReconsiderationAndSupervision) {
  const std::string id = NewForward();
  auto no_reason = ActT("psb", id, v1::ACTION_REFUSE);
  EXPECT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_reason.status().message(), HasSubstr("reason"));
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_REFUSE, "没有犯罪事实").ok());
  ASSERT_TRUE(ActT("market", id, v1::ACTION_REQUEST_RECONSIDERATION, "金额已达追诉标准").ok());
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_UPHOLD_REFUSAL, "维持").ok());
  auto sup = ActT("procuratorate", id, v1::ACTION_OPEN_SUPERVISION, "立案监督");
  ASSERT_TRUE(sup.ok()) << sup.status();
  EXPECT_EQ(sup->transfer().state(), v1::STATE_UNDER_SUPERVISION);
  auto acc = ActT("psb", id, v1::ACTION_ACCEPT);
  ASSERT_TRUE(acc.ok()) << acc.status();
  EXPECT_EQ(acc->transfer().state(), v1::STATE_ACCEPTED);
  EXPECT_EQ(acc->transfer().step(), 6);
  EXPECT_THAT(acc->transfer().participants(),
              ::testing::UnorderedElementsAre("market", "psb", "procuratorate"));
}

TEST_F(WorkflowTest, ForwardReturnResubmitThenWithdraw) {
  const std::string id = NewForward();
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_RETURN_FOR_MATERIAL, "缺少鉴定意见").ok());
  auto no_materials = As("market").ActOnTransfer([&] {
    auto r = Action(id, v1::ACTION_RESUBMIT);
    r.clear_materials();
    return r;
  }());
  EXPECT_EQ(no_materials.status().code(), absl::StatusCode::kInvalidArgument);
  auto re = ActT("market", id, v1::ACTION_RESUBMIT);
  ASSERT_TRUE(re.ok()) << re.status();
  EXPECT_EQ(re->transfer().state(), v1::STATE_SENT);
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_RETURN_FOR_MATERIAL, "仍缺材料").ok());
  auto w = ActT("market", id, v1::ACTION_WITHDRAW, "不再移送");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->transfer().state(), v1::STATE_WITHDRAWN);
}

TEST_F(WorkflowTest, ReverseTransferAnsweredWithPenaltyOrReasons) {
  const std::string psb_case = NewCase("psb", v1::PUBLIC_ORDER);
  auto r = Reverse("market", psb_case);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->transfer().state(), v1::STATE_DELIVERED);
  const std::string id = r->transfer().id();
  // The receiving agency reads the case of a reverse transfer addressed to it.
  v1::GetCaseRequest get;
  get.set_case_id(psb_case);
  get.set_purpose("反向衔接");
  EXPECT_TRUE(As("market").GetCase(get).ok());
  EXPECT_EQ(As("emergency").GetCase(get).status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(ActT("market", id, v1::ACTION_ACKNOWLEDGE).ok());
  // The reply links a case of the replying agency, not anyone else's.
  auto wrong = ActT("market", id, v1::ACTION_REPLY_PENALTY, "", psb_case);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kPermissionDenied);
  // A penalty case that does not exist (or that market may not see) is told
  // as such, not as the transfer market is answering being missing.
  const std::string missing = "C20240305-NOSUCHCASE00";
  auto absent = ActT("market", id, v1::ACTION_REPLY_PENALTY, "已罚款", missing);
  EXPECT_EQ(absent.status().code(), absl::StatusCode::kNotFound) << absent.status();
  EXPECT_EQ(std::string(absent.status().message()), "case '" + missing + "' not found");
  const std::string emergencys = NewCase("emergency");
  auto hidden = ActT("market", id, v1::ACTION_REPLY_PENALTY, "已罚款", emergencys);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound) << hidden.status();
  EXPECT_EQ(std::string(hidden.status().message()), "case '" + emergencys + "' not found");
  const std::string penalty_case = NewCase("market");
  auto done = ActT("market", id, v1::ACTION_REPLY_PENALTY, "已罚款", penalty_case);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->transfer().state(), v1::STATE_PENALTY_DECIDED);
  EXPECT_THAT(done->transfer().case_ids(), ::testing::ElementsAre(psb_case, penalty_case));

  auto r2 = Reverse("emergency");
  ASSERT_TRUE(r2.ok()) << r2.status();
  ASSERT_TRUE(ActT("emergency", r2->transfer().id(), v1::ACTION_ACKNOWLEDGE).ok());
  auto none = ActT("emergency", r2->transfer().id(), v1::ACTION_REPLY_NO_PENALTY, "已过处罚时效");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->transfer().state(), v1::STATE_NO_PENALTY);
}

TEST_F(WorkflowTest, SupervisionRecordRepliedAndRectified) {
  const std::string case_id = NewCase("market");
  auto s = Supervise("market", case_id);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->record().state(), v1::STATE_ISSUED);
  EXPECT_THAT(s->record().deadline().rule(), HasSubstr("检察建议工作规定"));
  const std::string id = s->record().id();
  ASSERT_TRUE(ActS("market", id, v1::ACTION_REPLY, "已组织整改").ok());
  ASSERT_TRUE(ActS("market", id, v1::ACTION_REPORT_RECTIFIED, "整改报告").ok());
  ASSERT_TRUE(ActS("procuratorate", id, v1::ACTION_REJECT_RECTIFICATION, "整改不到位").ok());
  ASSERT_TRUE(ActS("market", id, v1::ACTION_REPORT_RECTIFIED, "补充整改报告").ok());
  auto closed = ActS("procuratorate", id, v1::ACTION_CONFIRM_RECTIFICATION);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->record().state(), v1::STATE_CLOSED);
  v1::GetItemRequest gi;
  gi.set_id(id);
  auto full = As("justice").GetSupervision(gi);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->history_size(), 6);
  EXPECT_EQ(As("emergency").GetSupervision(gi).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(WorkflowTest, CreationIsLimitedToTheRightAgencies) {
  const std::string market_case = NewCase("market");
  // Police do not make forward transfers; enforcement agencies do not issue
  // supervision records; only the procuratorate sends reverse transfers.
  EXPECT_EQ(Forward(NewCase("psb", v1::PUBLIC_ORDER), "psb", "psb").status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::CreateSupervisionRequest sup;
  sup.set_kind(v1::SUPERVISION_RECOMMENDATION);
  sup.set_receiver_agency("emergency");
  sup.set_subject("x");
  EXPECT_EQ(As("market").CreateSupervision(sup).status().code(), absl::StatusCode::kPermissionDenied);
  v1::CreateTransferRequest rev;
  rev.set_direction(v1::TRANSFER_REVERSE);
  rev.set_receiver_agency("emergency");
  rev.set_subject("x");
  EXPECT_EQ(As("market").CreateTransfer(rev).status().code(), absl::StatusCode::kPermissionDenied);
  // A forward transfer goes to a police agency, of the sender's own case.
  EXPECT_EQ(Forward(market_case, "market", "emergency").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto foreign = Forward(market_case, "emergency", "psb");
  EXPECT_TRUE(foreign.status().code() == absl::StatusCode::kNotFound ||
              foreign.status().code() == absl::StatusCode::kPermissionDenied)
      << foreign.status();
}

TEST_F(WorkflowTest, IdempotentRetriesReplayTheFirstAnswer) {
  const std::string case_id = NewCase("market");
  v1::CreateTransferRequest req;
  req.set_request_id("create-1");
  req.set_direction(v1::TRANSFER_FORWARD);
  caselink::testing::AddTransferMaterials(&req);
  req.set_receiver_agency("psb");
  req.set_case_id(case_id);
  req.set_subject("涉嫌犯罪");
  auto first = As("market").CreateTransfer(req);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replayed());
  auto retry = As("market").CreateTransfer(req);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed());
  EXPECT_EQ(retry->transfer().id(), first->transfer().id());
  v1::ListItemsRequest list;
  auto all = As("market").ListTransfers(list);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->transfers_size(), 1);
  req.set_subject("另一个请求");
  EXPECT_EQ(As("market").CreateTransfer(req).status().code(), absl::StatusCode::kAlreadyExists);

  // An action retried after it took effect replays instead of failing.
  auto accept = Action(first->transfer().id(), v1::ACTION_ACCEPT);
  accept.set_request_id("accept-1");
  auto a1 = As("psb").ActOnTransfer(accept);
  ASSERT_TRUE(a1.ok()) << a1.status();
  auto a2 = As("psb").ActOnTransfer(accept);
  ASSERT_TRUE(a2.ok()) << a2.status();
  EXPECT_TRUE(a2->replayed());
  EXPECT_EQ(a2->transfer().step(), 2);
  v1::GetItemRequest gi;
  gi.set_id(first->transfer().id());
  EXPECT_EQ(As("psb").GetTransfer(gi)->history_size(), 2);
}

// A reverse transfer and a 检察意见 of the same wording serialize to the same
// bytes (direction 2 = kind 2, subject, receiver) and share the
// procuratorate's namespace of workflow request ids. The same request_id on
// both is a reuse of the key for a different request, not a retry: before,
// the digest ignored the type, the record matched, and the replay read the
// supervision history with the transfer's id (NOT_FOUND "internal error").
TEST_F(WorkflowTest, ARequestIdOfAReverseTransferIsNotReusedByASupervisionOfTheSameWording) {
  v1::CreateTransferRequest reverse;
  reverse.set_request_id("X-opinion-1");
  reverse.set_direction(v1::TRANSFER_REVERSE);
  reverse.set_receiver_agency("market");
  reverse.set_subject("检察意见: 被不起诉人应当给予行政处罚");
  v1::CreateSupervisionRequest opinion;
  opinion.set_request_id(reverse.request_id());
  opinion.set_kind(v1::SUPERVISION_OPINION);
  opinion.set_receiver_agency("market");
  opinion.set_subject(reverse.subject());
  ASSERT_EQ(reverse.SerializeAsString(), opinion.SerializeAsString()) << "the premise: the same bytes";
  auto t = As("procuratorate").CreateTransfer(reverse);
  ASSERT_TRUE(t.ok()) << t.status();
  auto s = As("procuratorate").CreateSupervision(opinion);
  ASSERT_EQ(s.status().code(), absl::StatusCode::kAlreadyExists) << s.status();
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("request_id 'X-opinion-1' was already used for a "
                                                           "different request"));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("use a new request_id"));
  v1::ListItemsRequest list;
  auto records = As("procuratorate").ListSupervision(list);
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(records->records_size(), 0) << "a refused request stores nothing";
  // The transfer's own retry still replays, and a new id creates the record.
  auto retry = As("procuratorate").CreateTransfer(reverse);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed());
  EXPECT_EQ(retry->transfer().id(), t->transfer().id());
  opinion.set_request_id("X-opinion-2");
  auto fresh = As("procuratorate").CreateSupervision(opinion);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_FALSE(fresh->replayed());
}

// A request record stored before digests were typed holds the untyped
// digest. A retry of that request after the upgrade still replays; a
// request of another kind with the same bytes matches that digest too, and
// must be told it reuses the key (naming the item it answered), not be
// answered from the other kind's history (before: NOT_FOUND).
TEST_F(WorkflowTest, ARecordStoredBeforeTypedDigestsReplaysItsRetryAndRefusesAnotherKind) {
  v1::CreateTransferRequest reverse;
  reverse.set_request_id("legacy-1");
  reverse.set_direction(v1::TRANSFER_REVERSE);
  reverse.set_receiver_agency("market");
  reverse.set_subject("检察意见: 被不起诉人应当给予行政处罚");
  auto t = As("procuratorate").CreateTransfer(reverse);
  ASSERT_TRUE(t.ok()) << t.status();
  district_->Stop();
  {
    // Plant the record as the release before this one wrote it.
    auto db = storage::Database::Open(district_->db_path());
    ASSERT_TRUE(db.ok()) << db.status();
    const std::string key = storage::WorkflowStore::RequestKeyOf("procuratorate", "legacy-1");
    std::string bytes;
    ASSERT_TRUE((*db)->Get(rocksdb::ReadOptions(), storage::Table::kRequests, key, &bytes).ok());
    v1::WorkflowRequestRecord rec;
    ASSERT_TRUE(rec.ParseFromString(bytes));
    ASSERT_NE(rec.request_digest(), RequestDigest(reverse)) << "the server stores the typed digest now";
    rec.set_request_digest(RequestDigest(reverse));
    ASSERT_TRUE(storage::RawDb(*db)
                    ->Put(storage::Database::DurableWrite(), (*db)->cf(storage::Table::kRequests), key,
                          rec.SerializeAsString())
                    .ok());
  }
  ASSERT_TRUE(district_->Restart().ok());
  auto retry = As("procuratorate").CreateTransfer(reverse);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed());
  EXPECT_EQ(retry->transfer().id(), t->transfer().id());
  v1::CreateSupervisionRequest opinion;
  opinion.set_request_id("legacy-1");
  opinion.set_kind(v1::SUPERVISION_OPINION);
  opinion.set_receiver_agency("market");
  opinion.set_subject(reverse.subject());
  ASSERT_EQ(RequestDigest(opinion), RequestDigest(reverse)) << "the premise: the untyped digests agree";
  auto s = As("procuratorate").CreateSupervision(opinion);
  ASSERT_EQ(s.status().code(), absl::StatusCode::kAlreadyExists) << s.status();
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr(absl::StrCat("request_id 'legacy-1' was already used for a different request (item '",
                                     t->transfer().id(), "'); use a new request_id")));
}

// The state machine answers before the documents an action names: a
// RESUBMIT on an ACCEPTED transfer is FAILED_PRECONDITION naming the state,
// whatever its materials say (before: INVALID_ARGUMENT on materials[0]).
TEST_F(WorkflowTest, AnActionTheStateDoesNotAllowIsRefusedForTheStateBeforeItsDocuments) {
  const std::string id = NewForward();
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_ACCEPT).ok());
  v1::WorkflowActionRequest r = Action(id, v1::ACTION_RESUBMIT);
  r.mutable_materials(0)->set_document_id("D20240305-AAAAAAAAAAAA");  // no such document
  auto got = As("market").ActOnTransfer(r);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kFailedPrecondition) << got.status();
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("STATE_ACCEPTED"));
  // Where the state allows the action, the missing document is still refused.
  const std::string returned = NewForward();
  ASSERT_TRUE(ActT("psb", returned, v1::ACTION_RETURN_FOR_MATERIAL, "缺少鉴定意见").ok());
  r.set_id(returned);
  auto missing = As("market").ActOnTransfer(r);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument) << missing.status();
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("materials[0].document_id"));
}

TEST_F(WorkflowTest, ConcurrentConflictingDecisionsExactlyOneWins) {
  constexpr int kTransfers = 8;
  constexpr int kThreads = 6;
  for (int n = 0; n < kTransfers; ++n) {
    const std::string id = NewForward();
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < kThreads; ++i) {
      auto c = district_->ClientWith(*district_->AgencyCert("psb"));
      ASSERT_TRUE(c.ok());
      clients.push_back(std::move(*c));
    }
    std::vector<absl::Status> results(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        auto r = Action(id, i % 2 == 0 ? v1::ACTION_ACCEPT : v1::ACTION_REFUSE,
                        i % 2 == 0 ? "" : "不构成犯罪");
        results[i] = clients[i]->ActOnTransfer(r).status();
      });
    }
    for (auto& t : threads) t.join();
    int wins = 0;
    for (const absl::Status& s : results) {
      if (s.ok()) {
        ++wins;
      } else {
        EXPECT_TRUE(s.code() == absl::StatusCode::kFailedPrecondition ||
                    s.code() == absl::StatusCode::kAborted)
            << s;
      }
    }
    EXPECT_EQ(wins, 1);
    v1::GetItemRequest gi;
    gi.set_id(id);
    auto full = As("psb").GetTransfer(gi);
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(full->history_size(), 2);
  }
}

}  // namespace
}  // namespace caselink::testing
