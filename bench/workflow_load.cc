#include "workflow_load.h"

#if __has_include("caselink/v1/workflow.grpc.pb.h")
#define CASELINK_BENCH_HAVE_WORKFLOW 1
#include <atomic>
#include <chrono>
#include <vector>

#include "absl/strings/str_cat.h"
#include "support/test_district.h"
#include "caselink/v1/workflow.grpc.pb.h"
#include "grpcpp/client_context.h"
#endif

namespace caselink::bench {

#ifndef CASELINK_BENCH_HAVE_WORKFLOW

bool WorkflowCompiledIn() { return false; }

absl::StatusOr<LoadResult> RunTransitions(std::shared_ptr<grpc::Channel>,
                                          std::shared_ptr<grpc::Channel>, const std::string&,
                                          const std::string&, const LoadOptions&) {
  return absl::UnimplementedError("no WorkflowService in proto/caselink/v1 at build time");
}

#else

namespace {

struct Slot {
  std::string transfer_id;
  bool returned = false;  // false: SENT (receiver returns it); true: RETURNED (sender resubmits)
};

struct ActCall {
  grpc::ClientContext ctx;
  v1::WorkflowActionRequest req;
  v1::TransferResponse resp;
};

absl::Status FromGrpc(const grpc::Status& s, const std::string& what) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(what, ": ", s.error_message()));
}

}  // namespace

bool WorkflowCompiledIn() { return true; }

absl::StatusOr<LoadResult> RunTransitions(std::shared_ptr<grpc::Channel> sender,
                                          std::shared_ptr<grpc::Channel> receiver,
                                          const std::string& receiver_agency,
                                          const std::string& case_id, const LoadOptions& o) {
  static std::atomic<uint64_t> seq{0};
  auto sender_stub = v1::WorkflowService::NewStub(sender);
  auto receiver_stub = v1::WorkflowService::NewStub(receiver);
  std::vector<Slot> slots(o.concurrency);
  for (Slot& slot : slots) {
    v1::CreateTransferRequest req;
    req.set_request_id(absl::StrCat("bench-create-", seq.fetch_add(1)));
    req.set_direction(v1::TRANSFER_FORWARD);
    caselink::testing::AddTransferMaterials(&req);
    req.set_receiver_agency(receiver_agency);
    req.set_case_id(case_id);
    req.set_subject("涉嫌销售伪劣产品罪 (benchmark)");
    auto* m = req.add_materials();
    m->set_title("涉嫌犯罪案件移送书");
    m->set_reference("某监移〔2024〕3号");
    v1::TransferResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status s = sender_stub->CreateTransfer(&ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "CreateTransfer");
    slot.transfer_id = resp.transfer().id();
  }

  return RunAsyncLoad("transition", o, [&](int i, Done done) {
    Slot& slot = slots[i];
    auto* call = new ActCall;
    call->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    call->req.set_request_id(absl::StrCat("bench-act-", seq.fetch_add(1)));
    call->req.set_id(slot.transfer_id);
    v1::WorkflowService::Stub* stub;
    if (!slot.returned) {
      call->req.set_action(v1::ACTION_RETURN_FOR_MATERIAL);
      call->req.set_reason("请补充检验报告 (benchmark)");
      stub = receiver_stub.get();
    } else {
      call->req.set_action(v1::ACTION_RESUBMIT);
      auto* m = call->req.add_materials();
      m->set_title("检验报告");
      m->set_reference("某检〔2024〕7号");
      stub = sender_stub.get();
    }
    stub->async()->ActOnTransfer(&call->ctx, &call->req, &call->resp,
                                 [call, &slot, done = std::move(done)](grpc::Status s) {
                                   delete call;
                                   if (s.ok()) slot.returned = !slot.returned;
                                   done(s.ok() ? std::string()
                                               : absl::StrCat(static_cast<int>(s.error_code()),
                                                              ": ", s.error_message()));
                                 });
  });
}

#endif

}  // namespace caselink::bench
