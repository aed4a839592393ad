// TestDistrict: a real caselink deployment inside a test — a generated PKI,
// a policy, a RocksDB in a temp dir and a real mTLS server on port 0 — plus
// real client-library clients for each agency. Restart() stops the server and
// starts a new one on the same database, as an operator would.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "caselink/client.h"
#include "server/caselink_server.h"
#include "server/server_hooks.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace caselink::testing {

struct DistrictOptions {
  // Policy text; empty means the district's example policy
  // (certs-example/policy.textproto).
  std::string policy_text;
  int max_receive_message_bytes = 1 << 20;
  int max_page_size = 500;
  int max_calls_in_flight_per_agency = 0;  // 0: the server's default
  int masked_searches_per_agency_per_hour = 0;  // 0: the server's default (300)
  int max_rows_examined_per_page = 0;  // 0: the server's default (10,000)
  // Clock of the server (timestamps, deadlines); null means the real clock.
  std::function<absl::Time()> now;
  // Restart() listens on the same port again, so clients made before the
  // restart (and Client::Watch reconnecting) reach the new server.
  bool keep_port_on_restart = false;
  // The access log: a signed checkpoint every this many entries; `false`
  // serves without the log (only to measure its cost).
  int audit_checkpoint_every_entries = 1000;
  bool access_log = true;
  // The RocksDB Env of the server's database (a FaultInjectionEnv's env);
  // null is the real file system. Must outlive the district.
  rocksdb::Env* storage_env = nullptr;
  // A directory holding `db/` and `audit-hmac.key` of an earlier deployment
  // (tests/data/legacy-*): both are copied in before the server starts, so the
  // server opens data another version wrote.
  std::string seed_dir;
  // The body of the server configuration's `workflow { }` block, e.g.
  // `calendar_file: "/path/working-calendar.textproto"`.
  std::string workflow_config;
  // The body of the `documents { }` block, e.g. `max_file_bytes: 4096`.
  std::string documents_config;
  // The body of the `screening { }` block, e.g. `rules_file: "/path/rules.textproto"`.
  std::string screening_config;
};

// Writes <dir>/audit-hmac.key (32 random bytes) and returns the
// ServerConfig text that uses it: `audit { hmac_key_file: ... }`.
absl::StatusOr<std::string> WriteAuditConfig(const std::string& dir, int checkpoint_every_entries = 1000);

class TestDistrict {
 public:
  static absl::StatusOr<std::unique_ptr<TestDistrict>> Start(DistrictOptions options = {});
  ~TestDistrict();

  // A client with the certificate of `agency_id` (issued on first use).
  // Safe to call from many threads at once: the first caller creates the
  // client, and a client once handed out is never replaced until Restart()
  // or Stop(), which callers must not overlap with calls in flight.
  Client& As(const std::string& agency_id) ABSL_LOCKS_EXCLUDED(mu_);
  // A new client with the given key and certificate, trusting the district CA.
  absl::StatusOr<std::unique_ptr<Client>> ClientWith(const KeyCert& kc,
                                                     absl::Duration deadline = absl::Seconds(5));
  absl::StatusOr<KeyCert> AgencyCert(const std::string& agency_id) ABSL_LOCKS_EXCLUDED(mu_);

  std::string target() const;
  TestCa& ca() { return ca_; }
  const std::string& dir() const { return dir_.path(); }
  std::string db_path() const { return dir_.Join("db"); }
  std::string policy_path() const { return dir_.Join("policy.textproto"); }
  std::string config_path() const { return dir_.Join("server.textproto"); }
  std::string crl_dir() const { return dir_.Join("crl"); }
  // admin.backup_dir: AdminService.Backup writes only below it.
  std::string backup_dir() const { return dir_.Join("backups"); }
  server::CaselinkServer& server() { return *server_; }
  // The running server's commit pipeline (e.g. InjectFailureForTest).
  storage::CommitPipeline* pipeline() { return pipeline_; }

  // Stops the server (closing the database) and starts it again on the same
  // data. Clients reconnect by themselves; the port may change, so clients
  // from before are re-created.
  absl::Status Restart();
  void Stop();

  // The example policy of certs-example/.
  static std::string ExamplePolicyText();

 private:
  TestDistrict(TestCa ca) : ca_(std::move(ca)) {}
  absl::Status StartServer();
  absl::StatusOr<KeyCert> AgencyCertLocked(const std::string& agency_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  TempDir dir_;
  TestCa ca_;
  KeyCert server_cert_;
  DistrictOptions options_;
  std::unique_ptr<server::CaselinkServer> server_;
  int last_port_ = 0;
  storage::CommitPipeline* pipeline_ = nullptr;
  // Tests call As() from many threads (e.g. the per-agency limit test).
  absl::Mutex mu_;
  std::map<std::string, KeyCert> certs_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::unique_ptr<Client>> clients_ ABSL_GUARDED_BY(mu_);
};

// A valid case for `domain`, with a person and an organisation party.
v1::Case SampleCase(v1::Domain domain = v1::MARKET_ORDER, const std::string& title = "测试案件");

// Adds the materials every forward transfer carries (国务院令第310号 第六条:
// 移送书, 调查报告, 涉案物品清单), referenced as `reference`-1..3.
void AddTransferMaterials(v1::CreateTransferRequest* req, const std::string& reference = "某监移〔2024〕3号");

// `sender`'s case `case_id` transferred forward (涉嫌犯罪案件移送) to
// `receiver`, with the materials above.
absl::StatusOr<v1::TransferResponse> ForwardTransfer(Client& sender, const std::string& case_id,
                                                     const std::string& receiver = "psb");

// A new SampleCase of `sender`, transferred forward to `receiver` with the
// materials above.
absl::StatusOr<v1::TransferResponse> NewForwardTransfer(Client& sender, const std::string& receiver = "psb");

// A campaign the justice bureau may create, over every date (2000-01-01 to
// 2099-01-01): `inspected` agencies, "justice" leading a team with `members`,
// one criterion of weight 100.
v1::CreateCampaignRequest AnyDateCampaign(const std::vector<std::string>& inspected,
                                          const std::vector<std::string>& members);

}  // namespace caselink::testing
