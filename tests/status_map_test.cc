// ToGrpc, the one place a status becomes the caller's: messages written for
// the caller pass unchanged; RocksDB's own text (file paths, checksums) and
// the text of DATA_LOSS / INTERNAL / UNKNOWN failures never reach a caller.
#include "server/core/status_map.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/status.h"
#include "storage/rocks_status.h"

namespace caselink::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPath[] = "/var/lib/caselink/db/000068.sst";

TEST(StatusMapTest, CallersMessagesPassUnchanged) {
  for (const absl::Status& s : {absl::InvalidArgumentError("case.title: is required"),
                                absl::PermissionDeniedError("no rule grants caselink.v1.CaseService/GetCase"),
                                absl::NotFoundError("case 'C20240305-ABCDEFGHJKMN' not found"),
                                absl::FailedPreconditionError("transfer is ACCEPTED; RESUBMIT needs RETURNED"),
                                absl::UnavailableError("access log unavailable; the request was not served")}) {
    grpc::Status g = ToGrpc(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(s.code()));
    EXPECT_EQ(g.error_message(), std::string(s.message()));
  }
  EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok());
}

TEST(StatusMapTest, TheStoragesOwnTextStaysInTheServer) {
  const std::string rocks = std::string("block checksum mismatch: stored = 2092846596, computed = 4184806155  in ") +
                            kPath + " offset 0 size 3955";
  struct Case {
    rocksdb::Status rocks;
    grpc::StatusCode code;
    const char* says;
  };
  for (const Case& c : {Case{rocksdb::Status::Corruption(rocks), grpc::StatusCode::DATA_LOSS, "stored data damaged"},
                        Case{rocksdb::Status::IOError("While reading", kPath), grpc::StatusCode::UNAVAILABLE,
                             "storage failed"},
                        Case{rocksdb::Status::NoSpace("While appending to file", kPath),
                             grpc::StatusCode::UNAVAILABLE, "disk is full"},
                        Case{rocksdb::Status::Busy(kPath), grpc::StatusCode::ABORTED, "busy"},
                        Case{rocksdb::Status::NotSupported(kPath), grpc::StatusCode::INTERNAL, "internal error"}}) {
    const absl::Status s = storage::FromRocks(c.rocks, "scanning cases");
    EXPECT_THAT(std::string(s.message()), HasSubstr(kPath)) << "the operator's text keeps the detail";
    grpc::Status g = ToGrpc(s);
    SCOPED_TRACE(g.error_message());
    EXPECT_EQ(g.error_code(), c.code);
    EXPECT_THAT(g.error_message(), Not(HasSubstr("/var/lib")));
    EXPECT_THAT(g.error_message(), Not(HasSubstr("checksum")));
    EXPECT_THAT(g.error_message(), HasSubstr(c.says));
    EXPECT_THAT(g.error_message(), HasSubstr("while scanning cases"));
  }
}

// Wrapped or made by hand, a server-side failure still tells only its code.
TEST(StatusMapTest, ServerFailuresWithoutTheStorageMarkAreToldByTheirCode) {
  for (const absl::Status& s : {absl::DataLossError(std::string("record at ") + kPath + " is damaged"),
                                absl::InternalError(std::string("unexpected state in ") + kPath),
                                absl::UnknownError(kPath)}) {
    grpc::Status g = ToGrpc(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(s.code()));
    EXPECT_THAT(g.error_message(), Not(HasSubstr(kPath)));
    EXPECT_THAT(g.error_message(), HasSubstr("request id"));
  }
}

}  // namespace
}  // namespace caselink::server
