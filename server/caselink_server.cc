#include "server/caselink_server.h"
#include "server/admin/restore.h"
#include "server/server_hooks.h"

#include <thread>

#include "storage/blocking_hook.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "auth/policy_holder.h"
#include "caselink_common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/core/access_logger.h"
#include "server/admin/admin_http.h"
#include "server/admin/admin_service.h"
#include "server/audit/audit_service.h"
#include "server/cases/case_service.h"
#include "server/admin/cert_expiry.h"
#include "server/core/in_flight_limiter.h"
#include "server/report/report_service.h"
#include "server/admin/revocation_watch.h"
#include "server/core/unary_call.h"
#include "server/core/row_facts.h"
#include "server/server_config.h"
#include "server/core/server_gauges.h"
#include "server/core/server_metrics.h"
#include "server/core/service_context.h"
#include "server/core/worker_pool.h"
#include "server/workflow/workflow_wiring.h"
#include "server/documents/document_service.h"
#include "server/meetings/meeting_service.h"
#include "server/screening/screener.h"
#include "server/screening/screening_service.h"
#include "server/oversight/inspection_links.h"
#include "server/oversight/oversight_service.h"
#include "storage/document_store.h"
#include "spdlog/spdlog.h"
#include "storage/audit_chain.h"
#include "storage/audit_sealer.h"
#include "storage/case_store.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"

namespace caselink::server {
namespace {

// Enough threads that many synced writers wait together (RocksDB's group
// commit batches them) while reads keep flowing.
constexpr int kWorkerThreads = 64;

// No crl_directory: gRPC would accept every certificate of a CA without a
// CRL and refuse all of a CA's clients the moment its CRL passes nextUpdate.
// Revocation is checked by `revocation` instead (revocation_watch.h).
std::shared_ptr<grpc::ServerCredentials> TlsCredentials(const v1::TlsConfig& tls, RevocationWatch* revocation) {
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      tls.key_file(), tls.cert_file(), tls.client_ca_file(), tls.refresh_interval_seconds());
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.set_certificate_verifier(revocation->HandshakeVerifier());
  return grpc::experimental::TlsServerCredentials(options);
}

// Written whole then renamed, so a reader never sees a partial number.
void WritePortFile(const std::string& path, int port) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), path.c_str());
}

// The access log's name for the operator's policy reload (SIGHUP).
const std::string kReloadPolicy = "caselinkd/ReloadPolicy";
const std::string kRestore = "caselinkd/Restore";

// A database restored from a backup carries a note of it (admin/restore.h):
// logged as an operator entry, synced, then removed, so the log says itself
// that it was cut back to the backup. A note that cannot be read fails the
// start rather than losing that statement.
absl::Status LogRestoreNote(const std::string& db_path, const AccessLogger& log) {
  const std::filesystem::path note = std::filesystem::path(db_path) / kRestoreNoteFile;
  std::error_code ec;
  if (!std::filesystem::exists(note, ec)) return absl::OkStatus();
  std::ifstream in(note);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::DataLossError(absl::StrCat(note.string(), ": the restore note cannot be read; it must be "
                                            "logged before the server serves (write one line, or remove it "
                                            "knowingly)"));
  }
  CASELINK_RETURN_IF_ERROR(log.LogOperatorAction(kRestore, line, absl::OkStatus()));
  std::filesystem::remove(note, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot remove ", note.string(), ": ", ec.message()));
  spdlog::warn("{}", line);
  return absl::OkStatus();
}

// "policy <path> sha256 <hex>": which policy the reload put in force.
std::string PolicyFileDetail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return absl::StrCat("policy ", path, " sha256 ",
                      storage::audit::Hex(storage::audit::ChainHash("", bytes)));
}

DocumentLimits DocumentLimitsOf(const v1::DocumentConfig& c) {
  DocumentLimits l;
  if (c.max_file_bytes() > 0) l.max_file_bytes = c.max_file_bytes();
  if (c.max_item_bytes() > 0) l.max_item_bytes = c.max_item_bytes();
  if (c.max_draft_bytes_per_agency() > 0) l.max_draft_bytes_per_agency = c.max_draft_bytes_per_agency();
  return l;
}

// The configured screening rules into force (none configured: none). A bad
// file fails the start, and a reload keeps the rules in force.
absl::Status LoadScreeningRules(const v1::ScreeningConfig& c, Screener* screener) {
  if (c.rules_file().empty()) {
    screener->SetRules(nullptr);
    return absl::OkStatus();
  }
  CASELINK_ASSIGN_OR_RETURN(auto rules, workflow::ScreeningRuleSet::Load(c.rules_file()));
  spdlog::info("screening rules {} (version {}): {} rules", c.rules_file(), rules->version(), rules->rules().rules_size());
  screener->SetRules(std::move(rules));
  return absl::OkStatus();
}

}  // namespace

struct CaselinkServer::Impl {
  // gRPC may keep the handshake verifier (and so the watch) past the server:
  // the watch stops calling into this server before its parts go.
  ~Impl() {
    if (revocation) revocation->OnHandshakeRefused(nullptr);
  }
  v1::ServerConfig config;
  std::unique_ptr<storage::Database> db;
  // Transfers, supervision, events; declared before the pipeline, whose
  // listener wakes its streams.
  std::unique_ptr<WorkflowParts> workflow;
  // Declared before the pipeline: the chain outlives every commit.
  std::unique_ptr<storage::audit::CheckpointSigner> audit_signer;
  std::unique_ptr<storage::AuditChain> audit_chain;
  std::unique_ptr<storage::CommitPipeline> pipeline;
  std::unique_ptr<AccessLogger> access_log;
  std::string party_index_key;
  // Seals every listing's page tokens (page_token.h).
  std::unique_ptr<PageTokenKey> page_tokens;
  std::unique_ptr<InFlightLimiter> limiter;
  std::unique_ptr<MaskedSearchQuota> masked_search_quota;
  std::unique_ptr<FairGate> gate;
  std::unique_ptr<storage::CaseStore> cases;
  std::unique_ptr<auth::PolicyHolder> policy;
  std::unique_ptr<CallGuard> guard;
  std::unique_ptr<StoreCaseSource> case_source;
  // Before the server: the guard and the handshake verifier use it.
  std::shared_ptr<RevocationWatch> revocation;
  std::unique_ptr<WorkerPool> pool;
  ServiceContext context;
  std::unique_ptr<CaseServiceImpl> case_service;
  std::unique_ptr<AuditServiceImpl> audit_service;
  std::unique_ptr<ReportServiceImpl> report_service;
  std::unique_ptr<storage::DocumentStore> documents;
  std::unique_ptr<DocumentServiceImpl> document_service;
  std::unique_ptr<MeetingServiceImpl> meeting_service;
  std::unique_ptr<storage::ScreeningStore> screening_store;
  std::unique_ptr<Screener> screener;
  std::unique_ptr<ScreeningServiceImpl> screening_service;
  std::unique_ptr<OversightServiceImpl> oversight_service;
  // Rescreens the store when the rules changed (at start, after a reload).
  std::thread rescreen;
  ServerMetrics metrics;
  std::unique_ptr<AdminServiceImpl> admin_service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  // After the server: scrapes read the objects above.
  std::unique_ptr<AdminHttp> admin_http;
  std::unique_ptr<CertExpiryWatch> expiry_watch;

  absl::Mutex mu;
  bool shut_down ABSL_GUARDED_BY(mu) = false;
};

// The rescreen's progress for the operator (docs/operations.md).
static void AddScreeningGauges(const Screener* s, metrics::Registry* r) {
  using Values = std::vector<std::pair<metrics::Labels, double>>;
  r->AddGauge("caselink_screening_rescreen_running", "1 while a rescreen after a rule change runs.",
              [s] { return Values{{{}, s->rescreen_running() ? 1.0 : 0.0}}; });
  r->AddGauge("caselink_screening_rescreen_cases_read", "Cases the running (or last) rescreen has read.",
              [s] { return Values{{{}, static_cast<double>(s->rescreen_done())}}; });
  r->AddGauge("caselink_screening_rescreen_cases_changed",
              "Cases whose hits the running (or last) rescreen rewrote.",
              [s] { return Values{{{}, static_cast<double>(s->rescreened_changed())}}; });
}

// Runs a rescreen in the background if the rules changed: the server serves
// meanwhile (new versions are screened as they are written). A pass still
// running for rules that changed again is stopped first (its work is moot;
// the new pass reads every case again), so a reload never waits for it.
static void StartRescreen(CaselinkServer::Impl* impl) {
  if (impl->rescreen.joinable()) {
    impl->screener->Stop();
    impl->rescreen.join();
    impl->screener->Resume();
  }
  impl->rescreen = std::thread([screener = impl->screener.get()] {
    absl::Status s = screener->RescreenIfChanged();
    if (!s.ok() && !absl::IsCancelled(s)) {
      spdlog::error("screening: rescreen failed: {}", std::string(s.message()));
    }
  });
}

// Opens the access log: the hash chain on the pipeline (signed checkpoints)
// and the logger every call goes through.
static absl::Status StartAccessLog(const v1::ServerConfig& config, const ServerHooks& hooks,
                            CaselinkServer::Impl* impl) {
  const v1::AuditConfig& audit = config.audit();
  CASELINK_ASSIGN_OR_RETURN(AuditKeys keys, LoadAuditKeys(config));
  const std::string& hmac_key = keys.hmac_key;
  CASELINK_ASSIGN_OR_RETURN(impl->audit_signer, storage::audit::CheckpointSigner::FromPem(keys.signing_key_pem));
  storage::AuditChainOptions o;
  o.checkpoint_every_entries = audit.checkpoint_every_entries() > 0 ? audit.checkpoint_every_entries() : 1000;
  o.checkpoint_every = absl::Seconds(audit.checkpoint_every_seconds() > 0 ? audit.checkpoint_every_seconds() : 60);
  o.signer = impl->audit_signer.get();
  if (hooks.now) o.now = hooks.now;
  CASELINK_ASSIGN_OR_RETURN(impl->audit_chain,
                            storage::AuditChain::Attach(impl->db.get(), impl->pipeline.get(), o));
  // The same secret keys the party-id search index (domain-separated there).
  impl->party_index_key = hmac_key;
  CASELINK_ASSIGN_OR_RETURN(PageTokenKey page_tokens, PageTokenKey::Derive(keys.page_token_secret));
  impl->page_tokens = std::make_unique<PageTokenKey>(std::move(page_tokens));
  impl->access_log = std::make_unique<AccessLogger>(
      impl->pipeline.get(), hmac_key, hooks.now ? hooks.now : [] { return absl::Now(); },
      audit.sync_read_entries(), audit.refused_entries_per_minute());
  // Summaries of refusals counted, not logged one by one, once their minute ends.
  impl->access_log->StartFlusher();
  impl->access_log->AttachMetrics(&impl->metrics.registry());
  if (hooks.on_start) hooks.on_start(impl->pipeline.get());
  return absl::OkStatus();
}

// The operator's side: the /metrics listener and the certificate-expiry
// warnings (docs/operations.md).
static absl::Status StartAdmin(const v1::ServerConfig& config, CaselinkServer::Impl* impl) {
  const v1::AdminConfig& admin = config.admin();
  impl->expiry_watch = std::make_unique<CertExpiryWatch>(
      config.tls(), absl::Hours(24) * std::max(admin.cert_expiry_warning_days(), 1));
  if (admin.listen_address() == "off") return absl::OkStatus();
  CASELINK_ASSIGN_OR_RETURN(impl->admin_http,
                            AdminHttp::Start(admin.listen_address(), &impl->metrics.registry()));
  WritePortFile(admin.port_file(), impl->admin_http->port());
  spdlog::info("caselinkd metrics on http://{}/metrics (port {})", admin.listen_address(),
               impl->admin_http->port());
  return absl::OkStatus();
}

CaselinkServer::CaselinkServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

absl::StatusOr<std::unique_ptr<CaselinkServer>> CaselinkServer::Start(const v1::ServerConfig& config) {
  return StartWithHooks(config, ServerHooks());
}

absl::StatusOr<std::unique_ptr<CaselinkServer>> StartWithHooks(const v1::ServerConfig& config,
                                                               ServerHooks hooks) {
  CASELINK_RETURN_IF_ERROR(CheckServerConfig(config));
  // Debian's Abseil leaves absl::Mutex's deadlock detection on, which keeps
  // a lock graph on every Mutex and Notification: measurable per call
  // (perf: GraphCycles in the GetCase profile) and of no use in production.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto impl = std::make_unique<CaselinkServer::Impl>();
  impl->config = config;
  CASELINK_ASSIGN_OR_RETURN(impl->db, storage::Database::Open(config.db_path(), hooks.storage_env_for_test));
  impl->pipeline = std::make_unique<storage::CommitPipeline>(impl->db.get());
  CASELINK_ASSIGN_OR_RETURN(workflow::Settings settings, LoadWorkflowSettings(config.workflow()));
  const absl::TimeZone district_tz = settings.tz;
  impl->workflow = std::make_unique<WorkflowParts>(impl->db.get(), impl->pipeline.get(), std::move(settings));
  CASELINK_RETURN_IF_ERROR(StartAccessLog(config, hooks, impl.get()));
  CASELINK_RETURN_IF_ERROR(LogRestoreNote(config.db_path(), *impl->access_log));
  impl->cases = std::make_unique<storage::CaseStore>(impl->db.get(), impl->pipeline.get(),
                                                     impl->party_index_key, district_tz);
  // Before serving: a database of an older version (or another time zone)
  // gets its date index here, once.
  CASELINK_RETURN_IF_ERROR(impl->cases->EnsureDateIndex());
  CASELINK_ASSIGN_OR_RETURN(impl->policy, auth::PolicyHolder::Load(config.policy_file()));
  WarnIfPolicyGrantsNothing(impl->policy->path(), impl->policy->Current()->policy());
  impl->guard = std::make_unique<CallGuard>(impl->policy.get(), impl->workflow->row_facts());
  CASELINK_ASSIGN_OR_RETURN(impl->revocation, RevocationWatch::Start(config.tls()));
  impl->guard->set_revocation(impl->revocation.get());
  impl->case_source = std::make_unique<StoreCaseSource>(impl->cases.get());
  impl->guard->set_case_source(impl->case_source.get());
  impl->revocation->AddGauges(&impl->metrics.registry());
  impl->pool = std::make_unique<WorkerPool>(kWorkerThreads);
  impl->context.guard = impl->guard.get();
  impl->context.pool = impl->pool.get();
  impl->context.cases = impl->cases.get();
  impl->context.pipeline = impl->pipeline.get();
  impl->context.max_page_size = config.limits().max_page_size();
  impl->context.max_rows_examined_per_page = config.limits().max_rows_examined_per_page();
  impl->context.page_tokens = impl->page_tokens.get();
  impl->limiter = std::make_unique<InFlightLimiter>(config.limits().max_calls_in_flight_per_agency());
  impl->context.limiter = impl->limiter.get();
  const int masked_searches = config.limits().masked_searches_per_agency_per_hour();
  impl->masked_search_quota = std::make_unique<MaskedSearchQuota>(masked_searches > 0 ? masked_searches : 300);
  impl->context.masked_search_quota = impl->masked_search_quota.get();
  impl->gate = std::make_unique<FairGate>(static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  impl->context.gate = impl->gate.get();
  storage::SetBeforeBlockingHook(&FairGate::YieldCurrent);
  impl->context.workflow = impl->workflow->context();
  impl->documents = std::make_unique<storage::DocumentStore>(impl->db.get(), impl->pipeline.get());
  impl->context.documents = impl->documents.get();
  impl->context.max_item_document_bytes = DocumentLimitsOf(config.documents()).max_item_bytes;
  impl->screening_store = std::make_unique<storage::ScreeningStore>(impl->db.get(), impl->pipeline.get());
  impl->screener = std::make_unique<Screener>(impl->cases.get(), impl->screening_store.get(), impl->pipeline.get(),
                                              hooks.now ? hooks.now : impl->context.now);
  CASELINK_RETURN_IF_ERROR(LoadScreeningRules(config.screening(), impl->screener.get()));
  impl->context.screening = impl->screener.get();
  if (config.screening().late_entry_working_days() > 0) {
    impl->context.late_entry_working_days = config.screening().late_entry_working_days();
  }
  AddScreeningGauges(impl->screener.get(), &impl->metrics.registry());
  if (hooks.now) impl->context.now = hooks.now;
  if (!hooks.access_log_off_for_benchmark) impl->context.access_log = impl->access_log.get();
  impl->context.metrics = &impl->metrics;
  // A revoked certificate refused at the handshake never reaches a handler:
  // its attempt is concluded like a refused call (cleared in the destructor).
  impl->revocation->OnHandshakeRefused([context = &impl->context](const std::string& pem, const absl::Status& refusal) {
    ConcludeRefusedHandshake(*context, pem, refusal);
  });
  impl->case_service = std::make_unique<CaseServiceImpl>(impl->context);
  impl->audit_service = std::make_unique<AuditServiceImpl>(impl->context, impl->db.get());
  impl->report_service = std::make_unique<ReportServiceImpl>(impl->context);
  impl->document_service = std::make_unique<DocumentServiceImpl>(impl->context, impl->documents.get(),
                                                                 DocumentLimitsOf(config.documents()));
  impl->meeting_service = std::make_unique<MeetingServiceImpl>(impl->context, impl->db.get());
  impl->screening_service = std::make_unique<ScreeningServiceImpl>(impl->context, impl->screening_store.get());
  impl->oversight_service = std::make_unique<OversightServiceImpl>(impl->context, impl->db.get());
  // The report reads campaigns through the service's store (set before the
  // server starts: no call sees the context change).
  impl->context.oversight = &impl->oversight_service->store();
  {
    absl::StatusOr<int> backfilled = BackfillInspectionLinks(impl->oversight_service->store(),
                                                             *impl->workflow->context()->links, impl->pipeline.get());
    if (!backfilled.ok()) return backfilled.status();
    if (*backfilled > 0) spdlog::info("wrote {} inspection links for samples drawn before they existed", *backfilled);
  }
  AddServerGauges(impl->db.get(), impl->audit_chain.get(), impl->workflow->context()->hub,
                  config.tls(), &impl->metrics.registry());
  impl->admin_service = std::make_unique<AdminServiceImpl>(
      impl->context, impl->db.get(), impl->audit_chain.get(), &impl->metrics.registry());
  impl->admin_service->set_backup_dir(config.admin().backup_dir());
  // Before the gRPC listener: a bad admin address fails the start with
  // nothing serving yet.
  CASELINK_RETURN_IF_ERROR(StartAdmin(config, impl.get()));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen_address(), TlsCredentials(config.tls(), impl->revocation.get()), &impl->port);
  // One server per port: without this gRPC sets SO_REUSEPORT, and a second
  // caselinkd on the same port (another database) would silently get half
  // of the clients. Now a busy port fails the start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // A stream's receive window stays at 1 MiB instead of growing with the
  // bandwidth-delay estimate: a document upload is then read about as fast
  // as it is stored, and gRPC does not buffer megabytes of it ahead
  // (docs/performance.md, document_bench).
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1 << 20);
  builder.SetMaxReceiveMessageSize(config.limits().max_receive_message_bytes());
  // HTTP/2 holds a connection to the agency's in-flight limit: calls over it
  // wait in the client's own queue (flow control), so a flood over one
  // connection costs the server nothing and is never refused; over several
  // connections the limiter still refuses at the door.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, impl->limiter->limit());
  builder.RegisterService(impl->case_service.get());
  impl->workflow->Register(impl->context, &builder);
  builder.RegisterService(impl->audit_service.get());
  builder.RegisterService(impl->report_service.get());
  builder.RegisterService(impl->document_service.get());
  builder.RegisterService(impl->meeting_service.get());
  builder.RegisterService(impl->screening_service.get());
  builder.RegisterService(impl->oversight_service.get());
  builder.RegisterService(impl->admin_service.get());
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address(),
                     " (is the port in use by another process, e.g. another caselinkd? or not a "
                     "host:port this machine has?)"));
  }
  if (auto* health = impl->server->GetHealthCheckService()) {
    health->SetServingStatus(true);
  }
  if (hooks.reminder_sweep_every != absl::InfiniteDuration()) {
    impl->workflow->reminders().Start(impl->context.now, hooks.reminder_sweep_every);
  }
  StartRescreen(impl.get());
  WritePortFile(config.port_file(), impl->port);
  spdlog::info("caselinkd listening on port {} (db {}, policy {})", impl->port, config.db_path(),
               config.policy_file());
  return std::unique_ptr<CaselinkServer>(new CaselinkServer(std::move(impl)));
}

int CaselinkServer::port() const { return impl_->port; }

int CaselinkServer::admin_port() const { return impl_->admin_http ? impl_->admin_http->port() : 0; }

absl::Status CaselinkServer::ReloadPolicy() {
  // The reload changes who may read what: it is on the record (synced)
  // before it takes effect, or it does not happen.
  const std::string detail = PolicyFileDetail(impl_->policy->path());
  absl::Status logged = impl_->access_log->LogOperatorAction(kReloadPolicy, detail, absl::OkStatus());
  if (!logged.ok()) {
    spdlog::error("policy not reloaded: the access log cannot record the reload: {}",
                  std::string(logged.message()));
    return logged;
  }
  // Each of the district's rule files is reloaded on its own: a bad one keeps
  // its previous version in force, and the log names which one that is.
  absl::Status s = impl_->policy->Reload();
  const bool policy_ok = s.ok();
  if (!policy_ok) {
    spdlog::error("policy reload failed; the previous policy stays in force: {}", std::string(s.message()));
  }
  // The working calendar is reloaded with the policy: both are the district's
  // rules, and the operator changes them the same way.
  absl::StatusOr<workflow::Settings> settings = LoadWorkflowSettings(impl_->config.workflow());
  if (settings.ok()) {
    impl_->workflow->ReplaceSettings(*std::move(settings));
  } else {
    spdlog::error("working calendar / workflow periods reload failed; the previous ones stay in force: {}",
                  std::string(settings.status().message()));
    if (s.ok()) s = settings.status();
  }
  // So are the screening rules; a change rescreens every case.
  absl::Status rules = LoadScreeningRules(impl_->config.screening(), impl_->screener.get());
  if (rules.ok()) {
    StartRescreen(impl_.get());
  } else {
    spdlog::error("screening rules reload failed; the previous rules stay in force: {}",
                  std::string(rules.message()));
    if (s.ok()) s = rules;
  }
  if (!s.ok()) (void)impl_->access_log->LogOperatorAction(kReloadPolicy, detail, s);
  if (policy_ok) {
    spdlog::info("policy reloaded from {}", impl_->policy->path());
    WarnIfPolicyGrantsNothing(impl_->policy->path(), impl_->policy->Current()->policy());
  }
  return s;
}

absl::StatusOr<int> CaselinkServer::RemindDeadlines() {
  return impl_->workflow->reminders().SweepOnce(impl_->context.now());
}

void CaselinkServer::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&impl_->mu);
    if (impl_->shut_down) return;
    impl_->shut_down = true;
  }
  if (auto* health = impl_->server->GetHealthCheckService()) health->SetServingStatus(false);
  impl_->workflow->Close();  // open event streams end now; clients resume by cursor
  impl_->server->Shutdown(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(absl::ToInt64Milliseconds(grace)));
  impl_->screener->Stop();
  if (impl_->rescreen.joinable()) impl_->rescreen.join();
  spdlog::info("caselinkd stopped serving");
}

void CaselinkServer::Wait() { impl_->server->Wait(); }

CaselinkServer::~CaselinkServer() {
  Shutdown();
  impl_->server->Wait();
  impl_->pool.reset();  // drains queued work before the store closes
  if (impl_->access_log) {
    // Counted refusals are on the record before the final checkpoint.
    absl::Status s = impl_->access_log->FlushSuppressed(true);
    if (!s.ok()) spdlog::error("summary of suppressed refusals not written: {}", std::string(s.message()));
  }
  if (impl_->audit_chain) {
    // A final checkpoint makes a truncated tail detectable offline.
    absl::Status s = impl_->audit_chain->CheckpointNow();
    if (!s.ok()) spdlog::error("final audit checkpoint not written: {}", std::string(s.message()));
  }
}

}  // namespace caselink::server
