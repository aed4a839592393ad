#include "support/test_district.h"

#include <openssl/rand.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "server/server_config.h"
#include "spdlog/spdlog.h"

#ifndef CASELINK_SOURCE_DIR
#error "CASELINK_SOURCE_DIR must be defined"
#endif

namespace caselink::testing {

absl::StatusOr<std::string> WriteAuditConfig(const std::string& dir, int checkpoint_every_entries) {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof(key)) != 1) return absl::InternalError("RAND_bytes failed");
  CASELINK_RETURN_IF_ERROR(
      WriteFile(dir + "/audit-hmac.key", absl::string_view(reinterpret_cast<char*>(key), sizeof(key))));
  return absl::StrCat("audit { hmac_key_file: \"audit-hmac.key\" checkpoint_every_entries: ",
                      checkpoint_every_entries, " }\n");
}

std::string TestDistrict::ExamplePolicyText() {
  std::ifstream in(std::string(CASELINK_SOURCE_DIR) + "/certs-example/policy.textproto");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<std::unique_ptr<TestDistrict>> TestDistrict::Start(DistrictOptions options) {
  // One line per call is for operators; in tests only problems are shown.
  spdlog::set_level(spdlog::level::warn);
  CASELINK_ASSIGN_OR_RETURN(TestCa ca, TestCa::Create("caselink test district CA"));
  std::unique_ptr<TestDistrict> d(new TestDistrict(std::move(ca)));
  d->options_ = std::move(options);
  if (d->options_.policy_text.empty()) d->options_.policy_text = ExamplePolicyText();
  CASELINK_ASSIGN_OR_RETURN(d->server_cert_, d->ca_.IssueServer());
  CASELINK_RETURN_IF_ERROR(WriteFile(d->dir_.Join("server.pem"), d->server_cert_.cert_pem));
  CASELINK_RETURN_IF_ERROR(WriteFile(d->dir_.Join("server.key"), d->server_cert_.key_pem));
  CASELINK_RETURN_IF_ERROR(WriteFile(d->dir_.Join("ca.pem"), d->ca_.cert_pem()));
  CASELINK_RETURN_IF_ERROR(WriteFile(d->policy_path(), d->options_.policy_text));
  std::filesystem::create_directories(d->crl_dir());
  CASELINK_RETURN_IF_ERROR(d->ca_.WriteCrlToDir(d->crl_dir(), {}, 0));
  std::filesystem::create_directories(d->backup_dir());
  CASELINK_ASSIGN_OR_RETURN(
      std::string audit,
      WriteAuditConfig(d->dir_.path(), d->options_.audit_checkpoint_every_entries));
  if (!d->options_.seed_dir.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::copy(fs::path(d->options_.seed_dir) / "db", d->db_path(), fs::copy_options::recursive, ec);
    if (!ec) {
      fs::copy_file(fs::path(d->options_.seed_dir) / "audit-hmac.key", d->dir_.Join("audit-hmac.key"),
                    fs::copy_options::overwrite_existing, ec);
    }
    if (ec) return absl::InternalError(absl::StrCat("seed_dir ", d->options_.seed_dir, ": ", ec.message()));
  }
  CASELINK_RETURN_IF_ERROR(WriteFile(
      d->config_path(),
      absl::StrCat("listen_address: \"127.0.0.1:0\"\n", "db_path: \"db\"\n",
                   "policy_file: \"policy.textproto\"\n",
                   "tls { cert_file: \"server.pem\" key_file: \"server.key\" client_ca_file: "
                   "\"ca.pem\" crl_dir: \"crl\" refresh_interval_seconds: 1 }\n",
                   "limits { max_receive_message_bytes: ", d->options_.max_receive_message_bytes,
                   " max_page_size: ", d->options_.max_page_size,
                   " max_calls_in_flight_per_agency: ", d->options_.max_calls_in_flight_per_agency,
                   " masked_searches_per_agency_per_hour: ",
                   d->options_.masked_searches_per_agency_per_hour,
                   " max_rows_examined_per_page: ", d->options_.max_rows_examined_per_page, " }\n", "admin { backup_dir: \"backups\" }\n", audit,
                   "workflow { ", d->options_.workflow_config, " }\n",
                   "documents { ", d->options_.documents_config, " }\n",
                   "screening { ", d->options_.screening_config, " }\n")));
  CASELINK_RETURN_IF_ERROR(d->StartServer());
  return d;
}

absl::Status TestDistrict::StartServer() {
  CASELINK_ASSIGN_OR_RETURN(v1::ServerConfig cfg, server::LoadServerConfig(config_path()));
  if (options_.keep_port_on_restart && last_port_ != 0) {
    cfg.set_listen_address(absl::StrCat("127.0.0.1:", last_port_));
  }
  server::ServerHooks hooks;
  hooks.now = options_.now;
  hooks.on_start = [this](storage::CommitPipeline* p) { pipeline_ = p; };
  hooks.access_log_off_for_benchmark = !options_.access_log;
  hooks.storage_env_for_test = options_.storage_env;
  // Reminders only when a test asks (server().RemindDeadlines()): the
  // clock is the test's.
  hooks.reminder_sweep_every = absl::InfiniteDuration();
  CASELINK_ASSIGN_OR_RETURN(server_, server::StartWithHooks(cfg, hooks));
  {
    absl::MutexLock lock(&mu_);
    clients_.clear();
  }
  last_port_ = server_->port();
  return absl::OkStatus();
}

TestDistrict::~TestDistrict() { Stop(); }

void TestDistrict::Stop() {
  {
    absl::MutexLock lock(&mu_);
    clients_.clear();
  }
  server_.reset();
  pipeline_ = nullptr;
}

absl::Status TestDistrict::Restart() {
  Stop();
  return StartServer();
}

std::string TestDistrict::target() const { return absl::StrCat("127.0.0.1:", server_->port()); }

absl::StatusOr<KeyCert> TestDistrict::AgencyCert(const std::string& agency_id) {
  absl::MutexLock lock(&mu_);
  return AgencyCertLocked(agency_id);
}

absl::StatusOr<KeyCert> TestDistrict::AgencyCertLocked(const std::string& agency_id) {
  auto it = certs_.find(agency_id);
  if (it != certs_.end()) return it->second;
  CASELINK_ASSIGN_OR_RETURN(KeyCert kc, ca_.IssueAgency(agency_id));
  certs_[agency_id] = kc;
  return kc;
}

absl::StatusOr<std::unique_ptr<Client>> TestDistrict::ClientWith(const KeyCert& kc,
                                                                 absl::Duration deadline) {
  ClientOptions o;
  o.target = target();
  o.ca_pem = ca_.cert_pem();
  o.cert_pem = kc.cert_pem;
  o.key_pem = kc.key_pem;
  o.server_name_override = "localhost";
  o.deadline = deadline;
  o.max_attempts = 2;
  o.initial_backoff = absl::Milliseconds(20);
  return Client::Connect(o);
}

Client& TestDistrict::As(const std::string& agency_id) {
  // Held while the client is made, so two first callers cannot both make one
  // and the second replace (destroy) the client the first is already using.
  absl::MutexLock lock(&mu_);
  auto it = clients_.find(agency_id);
  if (it != clients_.end()) return *it->second;
  auto kc = AgencyCertLocked(agency_id);
  if (!kc.ok()) std::abort();
  auto c = ClientWith(*kc);
  if (!c.ok()) std::abort();
  return *(clients_[agency_id] = std::move(*c));
}

v1::Case SampleCase(v1::Domain domain, const std::string& title) {
  v1::Case c;
  c.set_domain(domain);
  c.set_title(title);
  c.set_facts("2024年3月5日检查发现违法事实。");
  c.set_violation("销售不合格产品");
  c.set_legal_basis("《产品质量法》第四十九条");
  c.set_status(v1::INVESTIGATING);
  c.set_agency_reference("某监立〔2024〕1号");
  auto* p = c.add_parties();
  p->set_role("当事人");
  p->mutable_person()->set_name("张三丰");
  p->mutable_person()->set_id_number("510181198503121235");
  p->mutable_person()->set_phone("13812345678");
  p->mutable_person()->set_address("四川省某市某区幸福路88号");
  auto* o = c.add_parties();
  o->set_role("当事人");
  o->mutable_organization()->set_name("某市某商贸有限公司");
  o->mutable_organization()->set_credit_code("91510181MA6C12341E");
  o->mutable_organization()->set_legal_representative("李四");
  c.mutable_penalty()->set_kind(v1::FINE);
  c.mutable_penalty()->set_amount_fen(500000);
  c.mutable_penalty()->set_decision_number("某监罚〔2024〕12号");
  c.mutable_penalty()->set_decision_date("2024-04-01");
  return c;
}

void AddTransferMaterials(v1::CreateTransferRequest* req, const std::string& reference) {
  const std::pair<v1::MaterialKind, const char*> kinds[] = {
      {v1::MATERIAL_TRANSFER_LETTER, "涉嫌犯罪案件移送书"},
      {v1::MATERIAL_INVESTIGATION_REPORT, "涉嫌犯罪案件情况的调查报告"},
      {v1::MATERIAL_ITEM_LIST, "涉案物品清单"},
  };
  int n = 0;
  for (const auto& [kind, title] : kinds) {
    v1::Material* m = req->add_materials();
    m->set_kind(kind);
    m->set_title(title);
    m->set_reference(absl::StrCat(reference, "-", ++n));
  }
}

absl::StatusOr<v1::TransferResponse> ForwardTransfer(Client& sender, const std::string& case_id,
                                                     const std::string& receiver) {
  v1::CreateTransferRequest t;
  t.set_direction(v1::TRANSFER_FORWARD);
  t.set_receiver_agency(receiver);
  t.set_case_id(case_id);
  t.set_subject("涉嫌生产、销售伪劣产品罪");
  AddTransferMaterials(&t);
  return sender.CreateTransfer(t);
}

absl::StatusOr<v1::TransferResponse> NewForwardTransfer(Client& sender, const std::string& receiver) {
  CASELINK_ASSIGN_OR_RETURN(v1::SubmitCaseResponse c, sender.SubmitCase(SampleCase()));
  return ForwardTransfer(sender, c.case_().case_id(), receiver);
}

v1::CreateCampaignRequest AnyDateCampaign(const std::vector<std::string>& inspected,
                                          const std::vector<std::string>& members) {
  v1::CreateCampaignRequest req;
  v1::Campaign* c = req.mutable_campaign();
  c->set_name("评查");
  c->set_from_date("2000-01-01");
  c->set_to_date("2099-01-01");
  for (const std::string& a : inspected) c->add_agencies(a);
  v1::TeamMember* leader = c->add_team();
  leader->set_agency_id("justice");
  leader->set_role(v1::TEAM_LEADER);
  for (const std::string& a : members) {
    v1::TeamMember* m = c->add_team();
    m->set_agency_id(a);
    m->set_role(v1::TEAM_MEMBER);
  }
  v1::Criterion* k = c->add_criteria();
  k->set_id("law");
  k->set_name("法律适用");
  k->set_weight(100);
  k->set_max_score(10);
  c->mutable_grades()->set_excellent_min(90);
  c->mutable_grades()->set_pass_min(60);
  return req;
}

}  // namespace caselink::testing
