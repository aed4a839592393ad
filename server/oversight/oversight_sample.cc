// OversightService: the sample (DrawSample, AddSampleCase, GetSample). The
// draw itself is workflow::DrawSample; here: who may draw, the population,
// the seed, drawing once, and what each caller sees of the sample.
#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "auth/authorizer.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/request_digest.h"
#include "caselink_common/status_macros.h"
#include "server/core/request_validator.h"
#include "server/oversight/campaign_access.h"
#include "server/oversight/inspection_links.h"
#include "server/oversight/oversight_service.h"
#include "server/workflow/named_case.h"
#include "server/oversight/sample_population.h"
#include "workflow/campaign_rules.h"

namespace caselink::server {
namespace {

// A seed from the CSPRNG for a draw that asks for none (seed 0); never 0,
// so the recorded seed always names the draw.
absl::StatusOr<uint64_t> ChooseSeed() {
  uint64_t seed = 0;
  while (seed == 0) {
    unsigned char b[8];
    if (RAND_bytes(b, sizeof(b)) != 1) return absl::InternalError("the random generator failed to choose a seed");
    for (unsigned char x : b) seed = (seed << 8) | x;
  }
  return seed;
}

absl::Status NoSampleYet(const std::string& campaign_id) {
  return absl::FailedPreconditionError(absl::StrCat(
      "campaign '", campaign_id, "' has no sample yet; its organiser draws it first (DrawSample)"));
}

std::string Parameters(uint64_t seed, int32_t size, int32_t fraction) {
  return size > 0 ? absl::StrCat("seed ", seed, ", size_per_stratum ", size)
                  : absl::StrCat("seed ", seed, ", fraction_percent ", fraction);
}

std::vector<std::string> CaseIds(const v1::Sample& s) {
  std::vector<std::string> ids;
  for (const v1::SampledCase& c : s.cases()) ids.push_back(c.case_id());
  return ids;
}

const storage::CaseLinks* Links(const ServiceContext& sc) {
  return sc.workflow == nullptr ? nullptr : sc.workflow->links;
}

// Whether the caller's policy lets it list every case of a stratum: some
// rule granting it ListCases selects the stratum's rows by owner and domain
// alone (own, domains, all). Links (a transfer, the inspection sample) grant
// particular cases, never a stratum, so a RowFacts without links asks exactly
// that.
bool ListsStratum(const CallScope& scope, const v1::SampleStratum& x) {
  if (scope.authz == nullptr) return false;
  auth::RowFacts row;
  row.owner_agency = x.agency_id();
  row.domain = x.domain();
  return scope.authz->PlanRead(scope.principal, "caselink.v1.CaseService/ListCases", row).has_value();
}

// A stratum's population counts its cases that were not drawn. A team member
// reads only the sampled cases of another agency (rule oversight-team-cases),
// so the count would tell it that cases it cannot read exist: it is kept for
// the organiser (who drew it) and for callers that list the whole stratum,
// and is 0 for the others. A fraction draw's percentage bounds the population
// too (drawn = ceil(population × percent / 100)), so it goes with it.
void WithholdPopulations(const CampaignAccess& access, const CallScope& scope, v1::Sample* s) {
  if (access.organiser) return;
  bool withheld = false;
  for (v1::SampleStratum& x : *s->mutable_strata()) {
    if (ListsStratum(scope, x)) continue;
    x.set_population(0);
    withheld = true;
  }
  if (withheld) s->set_fraction_percent(0);
}

// The sample as the caller sees it: an inspected agency only its own cases
// and strata; populations only where the caller may know them.
v1::Sample ViewOf(const CampaignAccess& access, const CallScope& scope, v1::Sample s) {
  const std::string& agency = scope.principal.agency_id;
  if (!access.full_view()) {
    v1::Sample own = s;
    own.clear_strata();
    own.clear_cases();
    for (v1::SampleStratum& x : *s.mutable_strata()) {
      if (x.agency_id() == agency) *own.add_strata() = std::move(x);
    }
    for (v1::SampledCase& c : *s.mutable_cases()) {
      if (c.agency_id() == agency) *own.add_cases() = std::move(c);
    }
    s = std::move(own);
  }
  WithholdPopulations(access, scope, &s);
  return s;
}

// The sample after a draw or an addition, as ViewOf shows it to the writer
// (only the organiser and the team write it: every case; the populations the
// writer may know). `decided`: the sample as the write decided it under the
// campaign's lock, whose cases its batch's entry names; answered as is, so
// the answer is the sample the write saw. Without it (a retry answered from
// the request record) the sample is read now. Either way the response filter
// names its cases (a case beyond the batch's entry gets an entry of its own).
absl::Status AnswerWithSample(const storage::OversightStore& store, const CampaignAccess& access,
                              const CallScope& scope, std::optional<v1::Sample> decided, bool replayed,
                              v1::SampleResponse* resp) {
  const std::string& id = access.campaign.id();
  std::optional<v1::Sample> sample = std::move(decided);
  if (!sample.has_value()) {
    CASELINK_ASSIGN_OR_RETURN(sample, store.Sample(id));
  }
  if (!sample.has_value()) return NoSampleYet(id);
  *resp->mutable_sample() = ViewOf(access, scope, std::move(*sample));
  resp->set_replayed(replayed);
  return absl::OkStatus();
}

}  // namespace

absl::Status OversightServiceImpl::DoDrawSample(const CallScope& scope, const v1::DrawSampleRequest& req,
                                                v1::SampleResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CASELINK_ASSIGN_OR_RETURN(const CampaignAccess access, LoadCampaign(store_, scope, req.campaign_id()));
  const std::string& me = scope.principal.agency_id;
  CASELINK_RETURN_IF_ERROR(RequireOrganiser(access, me, "draw its sample"));
  const std::string& id = access.campaign.id();
  if ((req.size_per_stratum() > 0) == (req.fraction_percent() > 0)) {
    return absl::InvalidArgumentError(
        "size_per_stratum, fraction_percent: set exactly one (cases per stratum, or a percentage of each stratum)");
  }
  // Drawn once: the population is scanned only for a first draw.
  CASELINK_ASSIGN_OR_RETURN(std::optional<v1::Sample> existing, store_.Sample(id));
  v1::Sample draw;
  if (!existing.has_value()) {
    CASELINK_ASSIGN_OR_RETURN(std::vector<workflow::PopulationCase> population,
                              SamplePopulation(sc_, access.campaign));
    uint64_t seed = req.seed();
    if (seed == 0) {
      CASELINK_ASSIGN_OR_RETURN(seed, ChooseSeed());
    }
    CASELINK_ASSIGN_OR_RETURN(
        workflow::SampleDraw drawn,
        workflow::DrawSample(seed, req.size_per_stratum(), req.fraction_percent(), std::move(population)));
    const absl::Time now = sc_.now();
    draw.set_campaign_id(id);
    draw.set_seed(seed);
    draw.set_size_per_stratum(req.size_per_stratum());
    draw.set_fraction_percent(req.fraction_percent());
    for (v1::SampleStratum& s : drawn.strata) *draw.add_strata() = std::move(s);
    for (v1::SampledCase& c : drawn.cases) {
      *c.mutable_add_time() = ToProtoTime(now);
      *draw.add_cases() = std::move(c);
    }
    draw.set_drawn_by(me);
    *draw.mutable_draw_time() = ToProtoTime(now);
  }

  std::vector<std::string> logged;
  std::optional<v1::Sample> decided;
  storage::OversightCommand cmd;
  cmd.request_id = req.request_id();
  cmd.request_digest = RequestDigest(req);
  cmd.lock_keys = {storage::OversightStore::LockKey(id)};
  cmd.decide = [&]() -> absl::StatusOr<storage::OversightWrite> {
    CASELINK_ASSIGN_OR_RETURN(std::optional<v1::Sample> now_stored, store_.Sample(id));
    if (!now_stored.has_value()) {
      if (!draw.has_draw_time()) return absl::AbortedError("the sample changed meanwhile; retry the request");
      logged = CaseIds(draw);
      decided = draw;
      // The team reads what it reviews: the links go in the draw's batch.
      std::vector<storage::Put> puts = InspectionLinkPuts(Links(sc_), access.campaign, logged);
      puts.insert(puts.begin(), storage::OversightStore::DrawPut(draw));
      return storage::OversightWrite{std::move(puts), id, 0};
    }
    // The same parameters again (seed 0: any seed) answer the draw on record.
    const v1::Sample& s = *now_stored;
    if ((req.seed() == 0 || req.seed() == s.seed()) && req.size_per_stratum() == s.size_per_stratum() &&
        req.fraction_percent() == s.fraction_percent()) {
      logged = CaseIds(s);
      decided = s;
      return storage::OversightWrite{{}, id, 0};
    }
    return absl::AlreadyExistsError(absl::StrCat(
        "campaign '", id, "' was sampled already (", Parameters(s.seed(), s.size_per_stratum(), s.fraction_percent()),
        ", by '", s.drawn_by(), "'); a sample is drawn once: ask with the same parameters to get it, or add cases "
        "by hand (AddSampleCase)"));
  };
  CASELINK_ASSIGN_OR_RETURN(const storage::OversightOutcome out, Write(scope, std::move(cmd), id, &logged, [&]() -> const google::protobuf::Message* {
                              return decided.has_value() ? &*decided : nullptr;
                            }));
  return AnswerWithSample(store_, access, scope, std::move(decided), out.replayed, resp);
}

absl::Status OversightServiceImpl::DoAddSampleCase(const CallScope& scope, const v1::AddSampleCaseRequest& req,
                                                   v1::SampleResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CASELINK_ASSIGN_OR_RETURN(const CampaignAccess access, LoadCampaign(store_, scope, req.campaign_id()));
  const std::string& me = scope.principal.agency_id;
  CASELINK_RETURN_IF_ERROR(RequireTeam(access, me, "add cases to the sample"));
  const std::string& id = access.campaign.id();
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("case_id", req.case_id()));
  if (req.reason().empty()) {
    return absl::InvalidArgumentError("reason: is required (why this case is added by hand; it is kept)");
  }
  // Only a case of an inspected agency, and one the caller knows (reads, or
  // counts in its report: the sample links it to the team, which then reads
  // it): any other answers as a missing case, so the refusal tells nothing
  // of cases outside the campaign or outside what the caller may read.
  absl::StatusOr<v1::Case> c = sc_.cases->Get(req.case_id(), 0);
  if (!c.ok() && !absl::IsNotFound(c.status())) return c.status();
  const auto& inspected = access.campaign.agencies();
  if (!c.ok() || std::find(inspected.begin(), inspected.end(), c->owner_agency()) == inspected.end() ||
      !CheckNamedCase(sc_, scope, "case_id", req.case_id(), NamedCaseRule::kKnown, "").ok()) {
    return absl::NotFoundError(absl::StrCat("case '", req.case_id(),
                                            "' not found among the cases of the agencies campaign '", id,
                                            "' inspects"));
  }

  std::vector<std::string> logged;
  std::optional<v1::Sample> decided;
  storage::OversightCommand cmd;
  cmd.request_id = req.request_id();
  cmd.request_digest = RequestDigest(req);
  cmd.lock_keys = {storage::OversightStore::LockKey(id)};
  cmd.decide = [&]() -> absl::StatusOr<storage::OversightWrite> {
    CASELINK_ASSIGN_OR_RETURN(std::optional<v1::Sample> sample, store_.Sample(id));
    if (!sample.has_value()) return NoSampleYet(id);
    for (const v1::SampledCase& s : sample->cases()) {
      if (s.case_id() != req.case_id()) continue;
      return absl::AlreadyExistsError(absl::StrCat(
          "case '", req.case_id(), "' is in the sample of campaign '", id, "' already (",
          s.by_hand() ? absl::StrCat("added by '", s.added_by(), "'") : std::string("drawn"), ")"));
    }
    v1::SampledCase added;
    added.set_case_id(c->case_id());
    added.set_agency_id(c->owner_agency());
    added.set_domain(c->domain());
    added.set_by_hand(true);
    added.set_reason(req.reason());
    added.set_added_by(me);
    *added.mutable_add_time() = ToProtoTime(sc_.now());
    logged = CaseIds(*sample);
    logged.push_back(added.case_id());
    // As Sample() will read it: the hand-added cases ordered by case_id.
    decided = *sample;
    auto* cases = decided->mutable_cases();
    auto at = std::find_if(cases->begin(), cases->end(), [&](const v1::SampledCase& s) {
      return s.by_hand() && s.case_id() > added.case_id();
    });
    const int pos = static_cast<int>(at - cases->begin());
    *cases->Add() = added;
    for (int i = cases->size() - 1; i > pos; --i) cases->SwapElements(i, i - 1);
    std::vector<storage::Put> puts = InspectionLinkPuts(Links(sc_), access.campaign, {added.case_id()});
    puts.insert(puts.begin(), storage::OversightStore::AddedCasePut(id, added));
    return storage::OversightWrite{std::move(puts), id, 0};
  };
  CASELINK_ASSIGN_OR_RETURN(const storage::OversightOutcome out, Write(scope, std::move(cmd), id, &logged, [&]() -> const google::protobuf::Message* {
                              return decided.has_value() ? &*decided : nullptr;
                            }));
  return AnswerWithSample(store_, access, scope, std::move(decided), out.replayed, resp);
}

absl::Status OversightServiceImpl::DoGetSample(const CallScope& scope, const v1::GetCampaignRequest& req,
                                               v1::SampleResponse* resp) {
  CASELINK_ASSIGN_OR_RETURN(const CampaignAccess access, LoadCampaign(store_, scope, req.campaign_id()));
  CASELINK_ASSIGN_OR_RETURN(std::optional<v1::Sample> sample, store_.Sample(access.campaign.id()));
  if (!sample.has_value()) return NoSampleYet(access.campaign.id());
  v1::Sample seen = ViewOf(access, scope, std::move(*sample));
  *resp->mutable_sample() = std::move(seen);
  return absl::OkStatus();
}

}  // namespace caselink::server
