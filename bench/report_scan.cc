// report_scan: how long the joint-meeting report takes over N cases, and the
// raw scan it is made of, in the same run (the baseline). Cases are written
// straight into the case table (not through SubmitCase: only the read side is
// measured), spread over 5 agencies, 8 domains and the days of 2024, 1 in 100
// major. Usage: report_scan [--cases N] (default 1000000).
#include <sys/resource.h>

#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "auth/authorizer.h"
#include "auth/policy_loader.h"
#include "rocksdb/write_batch.h"
#include "server/report/report_service.h"
#include "server/workflow/workflow_wiring.h"
#include "storage/case_store.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "support/temp_dir.h"
#include "support/test_district.h"

namespace {

using namespace caselink;

long PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

int Run(int64_t n) {
  testing::TempDir dir;
  auto db = storage::Database::Open(dir.Join("db"));
  if (!db.ok()) return std::fprintf(stderr, "%s\n", db.status().ToString().c_str()), 1;
  storage::CommitPipeline pipeline(db->get());
  server::WorkflowParts workflow(db->get(), &pipeline, *workflow::Settings::From(v1::WorkflowConfig()));
  storage::CaseStore cases(db->get(), &pipeline);

  const char* agencies[] = {"market", "emergency", "hrss", "town-a", "psb"};
  const absl::Time t0 = absl::Now();
  storage::CommitRequest batch;
  batch.durable = false;
  v1::Case c = testing::SampleCase();
  for (int64_t i = 0; i < n; ++i) {
    c.set_case_id(absl::StrFormat("C20240101-%012d", i));
    c.set_owner_agency(agencies[i % 5]);
    c.set_domain(static_cast<v1::Domain>(1 + i % 8));
    c.set_major(i % 100 == 0);
    c.mutable_penalty()->set_decision_date(absl::StrFormat("2024-%02d-%02d", 1 + i % 12, 1 + i % 28));
    c.mutable_create_time()->set_seconds(1704067200 + i % 31536000);
    batch.puts.push_back({storage::Table::kCaseHeads, c.case_id(), c.SerializeAsString()});
    if (batch.puts.size() >= 10000) {
      if (!pipeline.Commit(std::move(batch)).ok()) return std::fprintf(stderr, "write failed\n"), 1;
      batch = storage::CommitRequest();
      batch.durable = false;
    }
  }
  if (!pipeline.Commit(std::move(batch)).ok()) return std::fprintf(stderr, "write failed\n"), 1;
  if (!(*db)->Flush().ok()) return std::fprintf(stderr, "flush failed\n"), 1;
  std::printf("wrote %lld cases in %.1f s\n", static_cast<long long>(n), absl::ToDoubleSeconds(absl::Now() - t0));

  // Baseline: the scan and parse alone.
  absl::Time s = absl::Now();
  int64_t seen = 0;
  (void)cases.ForEachLatest([&](const v1::Case&) { return ++seen, true; });
  const double scan = absl::ToDoubleSeconds(absl::Now() - s);
  std::printf("baseline: scan + parse of %lld cases: %.2f s\n", static_cast<long long>(seen), scan);

  auto policy = auth::ParsePolicy(testing::TestDistrict::ExamplePolicyText(), "example policy");
  auto authz = auth::Authorizer::Create(*policy);
  if (!authz.ok()) return std::fprintf(stderr, "%s\n", authz.status().ToString().c_str()), 1;
  server::ServiceContext sc;
  sc.cases = &cases;
  sc.workflow = workflow.context();
  for (const auto& [agency, role] : {std::pair<const char*, v1::Role>{"government", v1::GOVERNMENT},
                                     std::pair<const char*, v1::Role>{"market", v1::ENFORCEMENT}}) {
    server::CallScope scope;
    scope.method = "caselink.v1.ReportService/GetJointMeetingReport";
    scope.principal.agency_id = agency;
    scope.principal.roles = {role};
    scope.authz = *authz;
    v1::JointMeetingReportRequest req;
    req.set_from_date("2024-01-01");
    req.set_to_date("2024-07-01");
    v1::JointMeetingReport out;
    s = absl::Now();
    absl::Status st = server::BuildJointMeetingReport(sc, scope, req, &out);
    const double t = absl::ToDoubleSeconds(absl::Now() - s);
    std::printf("report as %-10s %s: %.2f s (%.2fx the scan), %lld cases counted, %d rows, %d major listed, peak RSS %ld MB\n",
                agency, st.ok() ? "ok" : st.ToString().c_str(), t, t / scan,
                static_cast<long long>(out.total().cases()), out.rows_size(), out.major_cases_size(), PeakRssMb());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("report_scan: the joint-meeting report over N cases, with the raw scan as baseline");
  int64_t n = 1000000;
  app.add_option("--cases", n, "How many cases");
  CLI11_PARSE(app, argc, argv);
  return Run(n);
}
