// server::InspectionLinkPuts and BackfillInspectionLinks over a real RocksDB:
// the puts link every sampled case to every team member with the inspection
// kind; a database whose samples were stored without links (as by a version
// before them) gets exactly the missing ones, once, and they survive a reopen.
#include "server/oversight/inspection_links.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "storage/oversight_store.h"
#include "support/temp_dir.h"

namespace caselink::server {
namespace {

using ::caselink::testing::TempDir;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

v1::Campaign Campaign(const std::string& id) {
  v1::Campaign c;
  c.set_id(id);
  c.add_agencies("market");
  for (const char* agency : {"justice", "emergency"}) {
    v1::TeamMember* m = c.add_team();
    m->set_agency_id(agency);
    m->set_role(std::string(agency) == "justice" ? v1::TEAM_LEADER : v1::TEAM_MEMBER);
  }
  return c;
}

v1::Sample Sample(const std::string& campaign_id, std::vector<std::string> case_ids) {
  v1::Sample s;
  s.set_campaign_id(campaign_id);
  s.set_seed(42);
  for (const std::string& id : case_ids) {
    v1::SampledCase* c = s.add_cases();
    c->set_case_id(id);
    c->set_agency_id("market");
  }
  return s;
}

class InspectionLinksTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    links_.reset();
    store_.reset();
    pipeline_.reset();
    db_.reset();
    auto db = storage::Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    pipeline_ = std::make_unique<storage::CommitPipeline>(db_.get());
    store_ = std::make_unique<storage::OversightStore>(db_.get(), pipeline_.get());
    links_ = std::make_unique<storage::CaseLinks>(db_.get());
  }

  void Commit(std::vector<storage::Put> puts) {
    storage::CommitRequest r;
    r.puts = std::move(puts);
    ASSERT_TRUE(pipeline_->Commit(std::move(r)).ok());
  }

  std::vector<std::string> Team(const std::string& case_id) {
    std::vector<std::string> out;
    for (const storage::CaseLink& l : links_->Links(case_id)) {
      if (l.kind == storage::kInspectionLink) out.push_back(l.agency);
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::CommitPipeline> pipeline_;
  std::unique_ptr<storage::OversightStore> store_;
  std::unique_ptr<storage::CaseLinks> links_;
};

TEST_F(InspectionLinksTest, PutsLinkEverySampledCaseToEveryTeamMember) {
  auto puts = InspectionLinkPuts(links_.get(), Campaign("P1"), {"C1", "C2"});
  EXPECT_EQ(puts.size(), 4u);
  Commit(std::move(puts));
  EXPECT_THAT(Team("C1"), UnorderedElementsAre("justice", "emergency"));
  EXPECT_THAT(Team("C2"), UnorderedElementsAre("justice", "emergency"));
  EXPECT_THAT(Team("C3"), IsEmpty());
  EXPECT_THAT(InspectionLinkPuts(nullptr, Campaign("P1"), {"C1"}), IsEmpty());
}

TEST_F(InspectionLinksTest, BackfillWritesOnlyTheMissingLinksOnce) {
  // Two campaigns sampled without links; one case of the first already
  // linked to one member; a third campaign not sampled; a case added by hand.
  Commit({storage::OversightStore::CampaignPut(Campaign("P1")), storage::OversightStore::CampaignPut(Campaign("P2")),
          storage::OversightStore::CampaignPut(Campaign("P3")),
          storage::OversightStore::DrawPut(Sample("P1", {"C1", "C2"})),
          storage::OversightStore::DrawPut(Sample("P2", {"C3"})),
          links_->LinkPut("C1", "justice", storage::kInspectionLink),
          links_->LinkPut("C2", "emergency", storage::kTransferLink)});
  v1::SampledCase by_hand;
  by_hand.set_case_id("C4");
  by_hand.set_agency_id("market");
  by_hand.set_by_hand(true);
  Commit({storage::OversightStore::AddedCasePut("P2", by_hand)});
  Reopen();  // as at a start: the links are read from storage

  auto wrote = BackfillInspectionLinks(*store_, *links_, pipeline_.get());
  ASSERT_TRUE(wrote.ok()) << wrote.status();
  EXPECT_EQ(*wrote, 7) << "4 cases x 2 members, less C1's link to justice";
  Reopen();
  EXPECT_THAT(Team("C1"), UnorderedElementsAre("justice", "emergency"));
  EXPECT_THAT(Team("C2"), UnorderedElementsAre("justice", "emergency"));
  EXPECT_THAT(Team("C3"), UnorderedElementsAre("justice", "emergency"));
  EXPECT_THAT(Team("C4"), UnorderedElementsAre("justice", "emergency"));
  auto again = BackfillInspectionLinks(*store_, *links_, pipeline_.get());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 0);
}

}  // namespace
}  // namespace caselink::server
