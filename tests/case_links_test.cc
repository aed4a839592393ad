// storage::CaseLinks over a real RocksDB: a link is read back once committed,
// by this instance and by one opened later (the start-up read of which cases
// have links); links of the old key format keep their kind; a case without
// links, or whose link was never committed, has none.
#include "storage/case_links.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "support/raw_db.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::caselink::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class CaseLinksTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    links_.reset();
    pipeline_.reset();
    db_.reset();
    auto db = Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    pipeline_ = std::make_unique<CommitPipeline>(db_.get());
    links_ = std::make_unique<CaseLinks>(db_.get());
  }

  void Link(const std::string& case_id, const std::string& agency, const char* kind) {
    CommitRequest req;
    req.puts.push_back(links_->LinkPut(case_id, agency, kind));
    ASSERT_TRUE(pipeline_->Commit(std::move(req)).ok());
  }

  static std::vector<std::string> Agencies(const std::vector<CaseLink>& links) {
    std::vector<std::string> out;
    for (const CaseLink& l : links) out.push_back(l.agency + "/" + l.kind);
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<CommitPipeline> pipeline_;
  std::unique_ptr<CaseLinks> links_;
};

TEST_F(CaseLinksTest, ACommittedLinkIsReadBack) {
  EXPECT_THAT(links_->Links("C1"), IsEmpty());
  Link("C1", "psb", kTransferLink);
  Link("C1", "procuratorate", kSupervisionLink);
  EXPECT_THAT(Agencies(links_->Links("C1")),
              UnorderedElementsAre("psb/transfer", "procuratorate/supervision record"));
  EXPECT_THAT(links_->Links("C2"), IsEmpty());
  EXPECT_THAT(links_->Links("C"), IsEmpty());  // a prefix of a linked id is another case
}

// The instance that starts after the links were written knows them from
// storage, including links of the key format before the kind was in the key.
TEST_F(CaseLinksTest, LinksWrittenBeforeTheStartAreRead) {
  Link("C1", "psb", kTransferLink);
  Link("C3", "justice", kDecisionLink);
  ASSERT_TRUE(RawDb(db_)
                  ->Put(rocksdb::WriteOptions(), db_->cf(Table::kCaseLinks), std::string("C2\0psb", 6),
                        kTransferLink)
                  .ok());
  Reopen();
  EXPECT_THAT(Agencies(links_->Links("C1")), ElementsAre("psb/transfer"));
  EXPECT_THAT(Agencies(links_->Links("C2")), ElementsAre("psb/transfer"));
  EXPECT_THAT(Agencies(links_->Links("C3")), ElementsAre("justice/decision item"));
  EXPECT_THAT(links_->LinkedAgencies("C1"), ElementsAre("psb"));
  EXPECT_THAT(links_->Links("C4"), IsEmpty());
}

// LinkPut notes the case before the put is written; a put never committed
// leaves nothing to read.
TEST_F(CaseLinksTest, AnUncommittedLinkIsNotALink) {
  Put never = links_->LinkPut("C9", "psb", kTransferLink);
  EXPECT_EQ(never.table, Table::kCaseLinks);
  EXPECT_THAT(links_->Links("C9"), IsEmpty());
}

}  // namespace
}  // namespace caselink::storage
