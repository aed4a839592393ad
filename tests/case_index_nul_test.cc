// The party-name index against names holding a NUL. Index keys are
// "n" + name + "\0" + case_id, so before requests were checked a case with a
// party "张三\0李四" wrote a key that a search for "张三" also scanned, read
// the rest ("李四\0<id>") as a case id and failed with DATA_LOSS, for every
// agency. Such keys may still be in existing databases: a search must pass
// over them, finding exactly the cases of the name searched.
#include <string>

#include "gtest/gtest.h"
#include "storage/case_index.h"
#include "storage/case_store.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

SubmitCommand Create(const std::string& request_id, const std::string& name) {
  SubmitCommand cmd;
  cmd.agency = "market";
  cmd.request_id = request_id;
  cmd.request_digest = "digest-" + request_id;
  cmd.content.set_domain(v1::MARKET_ORDER);
  cmd.content.set_title("无照经营");
  cmd.content.set_status(v1::REGISTERED);
  cmd.content.add_parties()->mutable_person()->set_name(name);
  cmd.now = absl::FromUnixSeconds(1709604000);
  return cmd;
}

TEST(CaseIndexNulTest, StoredNulNamesDoNotPoisonSearches) {
  caselink::testing::TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline pipeline(db->get());
  CaseStore store(db->get(), &pipeline);
  // Written straight to storage, as an old server without the check did.
  auto poison = store.Submit(Create("r1", std::string("张三\0李四", 13)));
  ASSERT_TRUE(poison.ok()) << poison.status();
  auto poison2 = store.Submit(Create("r2", std::string("张三\0", 7)));
  ASSERT_TRUE(poison2.ok()) << poison2.status();
  auto real = store.Submit(Create("r3", "张三"));
  ASSERT_TRUE(real.ok()) << real.status();
  auto other = store.Submit(Create("r4", "张三丰"));
  ASSERT_TRUE(other.ok()) << other.status();

  for (int limit : {1, 2, 50}) {
    ListQuery q;
    q.limit = limit;
    auto page = store.SearchIndex(CaseIndex::PartyNamePrefix("张三"), q);
    ASSERT_TRUE(page.ok()) << "limit " << limit << ": " << page.status();
    ASSERT_EQ(page->cases.size(), 1u) << limit;
    EXPECT_EQ(page->cases[0].case_id(), real->stored.case_id());
  }
  // The poisoned entries are still found by their own (exact) names.
  ListQuery q;
  auto page = store.SearchIndex(CaseIndex::PartyNamePrefix(std::string("张三\0李四", 13)), q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->cases.size(), 1u);
  EXPECT_EQ(page->cases[0].case_id(), poison->stored.case_id());
}

}  // namespace
}  // namespace caselink::storage
