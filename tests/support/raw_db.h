// The raw RocksDB handle of a storage::Database, for tests only: tests that
// corrupt, delete or plant stored bytes on purpose to prove the server
// notices. Product code never gets it (Database has no public write).
#pragma once

#include <memory>

#include "rocksdb/db.h"
#include "storage/database.h"

namespace caselink::storage {

struct RawDbForTest {
  static rocksdb::DB* Get(const Database& db) { return db.raw(); }
};

inline rocksdb::DB* RawDb(const Database& db) { return RawDbForTest::Get(db); }
inline rocksdb::DB* RawDb(const Database* db) { return RawDbForTest::Get(*db); }
inline rocksdb::DB* RawDb(const std::unique_ptr<Database>& db) { return RawDbForTest::Get(*db); }

}  // namespace caselink::storage
