// storage::EventLog against a real RocksDB: each agency's cursors count its
// own events (1, 2, 3, … in commit order, whatever other agencies got), keys
// of the older layout (agency \0 seq -> "") read the same and the count
// continues after them, and a read stops before events above a sequence
// number (the stream holds back what is not yet synced).
#include "storage/event_log.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "support/raw_db.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::caselink::testing::TempDir;

v1::StoredEvent EventFor(const std::string& item, std::vector<std::string> to) {
  v1::StoredEvent ev;
  ev.mutable_event()->set_item_id(item);
  for (const std::string& agency : to) ev.add_addressees(agency);
  return ev;
}

struct Seen {
  std::vector<uint64_t> cursors;
  std::vector<std::string> items;
  bool operator==(const Seen& o) const { return cursors == o.cursors && items == o.items; }
};

Seen Read(const EventLog& log, const std::string& agency, uint64_t after, uint64_t up_to = UINT64_MAX,
          bool* held_back = nullptr) {
  auto events = log.Read(agency, after, 100, up_to, held_back);
  EXPECT_TRUE(events.ok()) << events.status();
  Seen out;
  if (!events.ok()) return out;
  for (const v1::Event& e : *events) {
    out.cursors.push_back(e.cursor());
    out.items.push_back(e.item_id());
  }
  return out;
}

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void Commit(CommitPipeline& pipeline, const v1::StoredEvent& ev) {
    CommitRequest req;
    req.appends.push_back(EventLog::MakeAppend(ev));
    ASSERT_TRUE(pipeline.Commit(std::move(req)).ok());
  }
  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(EventLogTest, EachAgencysCursorsCountOnlyItsOwnEvents) {
  CommitPipeline pipeline(db_.get());
  EventLog log(db_.get());
  Commit(pipeline, EventFor("T1", {"psb", "market"}));
  for (int i = 0; i < 5; ++i) Commit(pipeline, EventFor("S" + std::to_string(i), {"procuratorate", "market"}));
  Commit(pipeline, EventFor("T2", {"psb", "market"}));
  // psb's second event is the district's seventh: its cursor is still 2.
  EXPECT_EQ(Read(log, "psb", 0), (Seen{{1, 2}, {"T1", "T2"}}));
  EXPECT_EQ(Read(log, "psb", 1), (Seen{{2}, {"T2"}}));
  EXPECT_EQ(Read(log, "procuratorate", 0).cursors, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(Read(log, "market", 0).cursors, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_TRUE(Read(log, "emergency", 0).cursors.empty());
}

TEST_F(EventLogTest, KeysOfTheOlderLayoutReadTheSameAndTheCountGoesOnAfterThem) {
  // A database written before the count: event 1 and 2 in the log, psb's
  // index keys ending with their sequence numbers, no value.
  auto put = [&](Table t, const std::string& k, const std::string& v) {
    ASSERT_TRUE(RawDb(db_)->Put(rocksdb::WriteOptions(), db_->cf(t), k, v).ok());
  };
  put(Table::kEvents, CommitPipeline::SequenceKey(1), EventFor("OLD1", {"market"}).SerializeAsString());
  put(Table::kEvents, CommitPipeline::SequenceKey(2), EventFor("OLD2", {"psb"}).SerializeAsString());
  put(Table::kEventIndex, EventLog::IndexKey("market", 1), "");
  put(Table::kEventIndex, EventLog::IndexKey("psb", 2), "");
  CommitPipeline pipeline(db_.get());
  EventLog log(db_.get());
  Commit(pipeline, EventFor("NEW3", {"psb"}));
  Commit(pipeline, EventFor("NEW4", {"market"}));
  // A cursor a client kept from before (2) still resumes exactly after it.
  EXPECT_EQ(Read(log, "psb", 0), (Seen{{2, 3}, {"OLD2", "NEW3"}}));
  EXPECT_EQ(Read(log, "psb", 2), (Seen{{3}, {"NEW3"}}));
  EXPECT_EQ(Read(log, "market", 0), (Seen{{1, 2}, {"OLD1", "NEW4"}}));
}

TEST_F(EventLogTest, AReadStopsBeforeTheFirstEventAboveTheGivenSequence) {
  CommitPipeline pipeline(db_.get());
  EventLog log(db_.get());
  Commit(pipeline, EventFor("A", {"psb"}));        // sequence 1, psb's cursor 1
  Commit(pipeline, EventFor("B", {"market"}));     // sequence 2
  Commit(pipeline, EventFor("C", {"psb"}));        // sequence 3, psb's cursor 2
  bool held_back = false;
  EXPECT_EQ(Read(log, "psb", 0, /*up_to=*/2, &held_back), (Seen{{1}, {"A"}}));
  EXPECT_TRUE(held_back);
  EXPECT_EQ(Read(log, "psb", 0, /*up_to=*/3, &held_back), (Seen{{1, 2}, {"A", "C"}}));
  EXPECT_FALSE(held_back);
}

}  // namespace
}  // namespace caselink::storage
