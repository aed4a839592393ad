// auth::PolicyHolder: loading, atomic swaps on reload, keeping the old policy
// when the new file is bad, and readers never seeing a half-swapped policy.
#include "auth/policy_holder.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "caselink/v1/case_service.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/temp_dir.h"

namespace caselink::auth {
namespace {

using ::caselink::testing::TempDir;
using ::caselink::testing::WriteFile;
using ::testing::HasSubstr;

// case_service.pb.o must be linked in for the policy loader to know the
// caselink RPCs (bug reported in policy_loader_test, LinkProbe).
[[maybe_unused]] const google::protobuf::Descriptor* const kLinkCaseService =
    v1::SubmitCaseRequest::descriptor();

// A policy with two agencies, x and y, both granted GetCase.
std::string TwoAgencies(const std::string& x, const std::string& y) {
  return absl::StrCat(
      "agencies { id: \"", x, "\" identities: \"caselink://agency/", x, "\" roles: POLICE }\n",
      "agencies { id: \"", y, "\" identities: \"caselink://agency/", y, "\" roles: TOWN }\n",
      "rules { name: \"rule-", x, "-", y, "\" roles: [POLICE, TOWN]\n",
      "  rpcs: \"caselink.v1.CaseService/GetCase\" rows { own: true }\n",
      "  fields { sensitivity: PUBLIC action: ALLOW } }\n");
}

PeerIdentity Uri(const std::string& id) {
  PeerIdentity p;
  p.uri_sans = {"caselink://agency/" + id};
  return p;
}

std::vector<std::string> AgencyIds(const Authorizer& a) {
  std::vector<std::string> ids;
  for (const auto& ag : a.policy().agencies()) ids.push_back(ag.id());
  return ids;
}

TEST(PolicyHolderTest, LoadGivesThePolicy) {
  TempDir dir;
  const std::string path = dir.Join("policy.textproto");
  ASSERT_TRUE(WriteFile(path, TwoAgencies("alpha", "beta")).ok());
  auto h = PolicyHolder::Load(path);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ((*h)->path(), path);
  auto cur = (*h)->Current();
  ASSERT_NE(cur, nullptr);
  EXPECT_THAT(AgencyIds(*cur), ::testing::ElementsAre("alpha", "beta"));
  EXPECT_TRUE(cur->Authenticate(Uri("beta")).ok());
}

TEST(PolicyHolderTest, LoadOfMissingOrBadFileFails) {
  TempDir dir;
  auto missing = PolicyHolder::Load(dir.Join("missing.textproto"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  const std::string path = dir.Join("bad.textproto");
  ASSERT_TRUE(WriteFile(path, "agencies { id: \"Bad Id\" }\n").ok());
  auto bad = PolicyHolder::Load(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr(path + ":1:1:"));
}

TEST(PolicyHolderTest, ReloadSwapsToTheNewPolicy) {
  TempDir dir;
  const std::string path = dir.Join("policy.textproto");
  ASSERT_TRUE(WriteFile(path, TwoAgencies("alpha", "beta")).ok());
  auto h = PolicyHolder::Load(path);
  ASSERT_TRUE(h.ok()) << h.status();
  auto before = (*h)->Current();
  ASSERT_TRUE(WriteFile(path, TwoAgencies("gamma", "delta")).ok());
  ASSERT_TRUE((*h)->Reload().ok());
  auto after = (*h)->Current();
  EXPECT_NE(after.get(), before.get());
  EXPECT_THAT(AgencyIds(*after), ::testing::ElementsAre("gamma", "delta"));
  EXPECT_EQ(after->Authenticate(Uri("alpha")).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(after->Authenticate(Uri("gamma")).ok());
  // A snapshot taken before stays whole and usable.
  EXPECT_THAT(AgencyIds(*before), ::testing::ElementsAre("alpha", "beta"));
  EXPECT_TRUE(before->Authenticate(Uri("alpha")).ok());
}

TEST(PolicyHolderTest, BadReloadKeepsTheOldPolicy) {
  TempDir dir;
  const std::string path = dir.Join("policy.textproto");
  ASSERT_TRUE(WriteFile(path, TwoAgencies("alpha", "beta")).ok());
  auto h = PolicyHolder::Load(path);
  ASSERT_TRUE(h.ok()) << h.status();
  auto before = (*h)->Current();

  // Syntax error.
  ASSERT_TRUE(WriteFile(path, "agencies { id: \"alpha\"\n  oops }\n").ok());
  absl::Status s = (*h)->Reload();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(path + ":2:"));
  EXPECT_EQ((*h)->Current().get(), before.get());

  // Semantic error.
  ASSERT_TRUE(WriteFile(path, TwoAgencies("alpha", "alpha")).ok());
  s = (*h)->Reload();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("defined twice"));
  EXPECT_EQ((*h)->Current().get(), before.get());

  // File gone.
  ASSERT_EQ(std::remove(path.c_str()), 0);
  s = (*h)->Reload();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*h)->Current().get(), before.get());
  EXPECT_THAT(AgencyIds(*(*h)->Current()), ::testing::ElementsAre("alpha", "beta"));

  // And a good file afterwards is taken.
  ASSERT_TRUE(WriteFile(path, TwoAgencies("gamma", "delta")).ok());
  EXPECT_TRUE((*h)->Reload().ok());
  EXPECT_THAT(AgencyIds(*(*h)->Current()), ::testing::ElementsAre("gamma", "delta"));
}

TEST(PolicyHolderTest, ReadersAlwaysSeeACompletePolicyDuringReloads) {
  TempDir dir;
  const std::string path = dir.Join("policy.textproto");
  const std::string a = TwoAgencies("alpha", "beta");
  const std::string b = TwoAgencies("gamma", "delta");
  ASSERT_TRUE(WriteFile(path, a).ok());
  auto loaded = PolicyHolder::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  PolicyHolder& h = **loaded;

  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::atomic<int> seen_a{0}, seen_b{0};
  std::mutex mu;
  std::vector<std::string> problems;
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        std::shared_ptr<const Authorizer> cur = h.Current();
        std::string problem;
        if (cur == nullptr) {
          problem = "null policy";
        } else {
          std::vector<std::string> ids = AgencyIds(*cur);
          const bool is_a = ids == std::vector<std::string>{"alpha", "beta"};
          const bool is_b = ids == std::vector<std::string>{"gamma", "delta"};
          if (!is_a && !is_b) problem = "incomplete agency list";
          for (const auto& id : ids) {
            if (!cur->Authenticate(Uri(id)).ok()) problem = "cannot authenticate " + id;
          }
          if (cur->policy().rules_size() != 1) problem = "rules missing";
          if (is_a) ++seen_a;
          if (is_b) ++seen_b;
        }
        ++reads;
        if (!problem.empty()) {
          std::lock_guard<std::mutex> l(mu);
          problems.push_back(problem);
        }
      }
    });
  }
  int failed_reloads = 0;
  for (int i = 0; i < 100; ++i) {
    if (!WriteFile(path, i % 2 == 0 ? b : a).ok()) ++failed_reloads;
    if (!h.Reload().ok()) ++failed_reloads;
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failed_reloads, 0);
  EXPECT_THAT(problems, ::testing::IsEmpty());
  EXPECT_GT(reads.load(), 0);
  // The last write was `a` (i == 99).
  EXPECT_THAT(AgencyIds(*h.Current()), ::testing::ElementsAre("alpha", "beta"));
}

}  // namespace
}  // namespace caselink::auth
