#include "storage/integrity_check.h"

#include <memory>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "caselink/v1/case.pb.h"
#include "caselink_common/status_macros.h"
#include "storage/audit_store.h"
#include "storage/case_index.h"
#include "storage/case_keys.h"
#include "storage/case_store.h"
#include "storage/document_store.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {

constexpr size_t kMaxListed = 20;

void Problem(IntegrityReport* r, std::string what) {
  if (r->problems.size() < kMaxListed) r->problems.push_back(std::move(what));
  ++r->problem_count;
}

std::unique_ptr<rocksdb::Iterator> Scan(const Database& db, Table t) {
  return std::unique_ptr<rocksdb::Iterator>(db.NewIterator(rocksdb::ReadOptions(), t));
}

// Heads against versions; returns every index key the heads call for, and
// in `dates` every date-index key (when `dates_tz` is known).
absl::StatusOr<std::set<std::string>> CheckHeads(const Database& db, const CaseIndex& index,
                                                 const absl::TimeZone* dates_tz, std::set<std::string>* dates,
                                                 IntegrityReport* r) {
  std::set<std::string> expected;
  auto heads = Scan(db, Table::kCaseHeads);
  auto versions = Scan(db, Table::kCaseVersions);
  for (heads->SeekToFirst(); heads->Valid(); heads->Next()) {
    ++r->cases;
    const std::string id = heads->key().ToString();
    v1::Case head;
    if (!head.ParseFromString(heads->value().ToString())) {
      Problem(r, absl::StrCat("case ", id, ": the head does not parse"));
      continue;
    }
    // The head is the newest version: the history holds the ones before it
    // (and, in databases of the older layout, the head's own bytes too),
    // nothing newer.
    const std::string prefix = CaseVersionPrefix(id);
    if (head.version() > 1) {
      versions->Seek(CaseVersionKey(id, head.version() - 1));
      if (!versions->Valid() || versions->key().ToString() != CaseVersionKey(id, head.version() - 1)) {
        Problem(r, absl::StrCat("case ", id, ": version ", head.version() - 1,
                                ", superseded by the head, is missing from the history"));
      }
    }
    versions->Seek(CaseVersionKey(id, head.version()));
    if (versions->Valid() && versions->key().ToString() == CaseVersionKey(id, head.version())) {
      if (versions->value() != heads->value()) {
        Problem(r, absl::StrCat("case ", id, ": version ", head.version(), " of the head is stored differently"));
      }
      versions->Next();
    } else {
      ++r->versions;  // stored only as the head
    }
    if (versions->Valid() && versions->key().starts_with(prefix)) {
      Problem(r, absl::StrCat("case ", id, ": a version newer than the head (", head.version(), ") exists"));
    }
    for (std::string& k : index.KeysFor(head)) expected.insert(std::move(k));
    if (dates_tz != nullptr) dates->insert(CaseDateKey(CaseStore::ReportDate(head, *dates_tz), id));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(heads->status(), "reading case heads"));
  CASELINK_RETURN_IF_ERROR(FromRocks(versions->status(), "reading case versions"));
  for (versions->SeekToFirst(); versions->Valid(); versions->Next()) ++r->versions;
  CASELINK_RETURN_IF_ERROR(FromRocks(versions->status(), "counting case versions"));
  return expected;
}

std::string DescribeKey(const std::string& key) { return absl::StrCat("key '", absl::CHexEscape(key), "'"); }

// A search-index key by its kind and case, never its content: a name key
// holds a party's name, and the report reaches the operator, who sees no
// case data (case_index.h gives the layouts).
std::string DescribeIndexKey(const std::string& key) {
  constexpr size_t kHmacBytes = 16;
  if (!key.empty() && key[0] == 'n') {
    const size_t nul = key.rfind('\0');
    if (nul != std::string::npos) {
      return absl::StrCat("a party-name key of case ", absl::CHexEscape(key.substr(nul + 1)));
    }
  } else if (!key.empty() && key[0] == 'p' && key.size() > 1 + kHmacBytes) {
    return absl::StrCat("a party-id key of case ", absl::CHexEscape(key.substr(1 + kHmacBytes)));
  }
  return absl::StrCat("a key of ", key.size(), " bytes of an unknown kind");
}

// "case C filed under 2024-03-05", from a date-index key (date \0 case_id).
std::string DescribeDateKey(const std::string& key) {
  const size_t nul = key.find('\0');
  if (nul == std::string::npos) return DescribeKey(key);
  return absl::StrCat("case ", absl::CHexEscape(key.substr(nul + 1)), " filed under '",
                      absl::CHexEscape(key.substr(0, nul)), "'");
}

// A derived table (an index of the heads) against the keys the heads call
// for: a key no head calls for, and a called-for key absent, are problems.
// Returns how many keys the table holds.
absl::StatusOr<uint64_t> CheckDerived(const Database& db, Table table, const char* what,
                                      std::set<std::string> expected,
                                      std::string (*describe)(const std::string&), const char* missing,
                                      IntegrityReport* r) {
  uint64_t seen = 0;
  auto it = Scan(db, table);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++seen;
    const std::string key = it->key().ToString();
    if (expected.erase(key) == 0) Problem(r, absl::StrCat(what, ": ", describe(key), " matches no case's head"));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), absl::StrCat("reading the ", what)));
  for (const std::string& key : expected) Problem(r, absl::StrCat(what, ": ", describe(key), missing));
  return seen;
}

}  // namespace

absl::StatusOr<IntegrityReport> CheckIntegrity(const Database& db, const std::string& party_index_key,
                                               const std::string& audit_public_key_pem) {
  IntegrityReport r;
  CaseIndex index(party_index_key);
  // The date index is checked once built (its marker names its zone).
  std::string zone_name;
  absl::TimeZone zone;
  const absl::TimeZone* dates_tz = nullptr;
  rocksdb::Status zs = db.Get(rocksdb::ReadOptions(), Table::kMeta, kCaseDatesZoneKey, &zone_name);
  if (zs.ok() && !zone_name.empty()) {
    if (absl::LoadTimeZone(zone_name, &zone)) {
      dates_tz = &zone;
    } else {
      Problem(&r, absl::StrCat("date index: built in time zone '", zone_name, "', which this machine does not know"));
    }
  } else if (!zs.IsNotFound()) {
    return FromRocks(zs, "reading the date index marker");
  }
  std::set<std::string> expected_dates;
  CASELINK_ASSIGN_OR_RETURN(std::set<std::string> expected,
                            CheckHeads(db, index, dates_tz, &expected_dates, &r));
  if (dates_tz != nullptr) {
    CASELINK_ASSIGN_OR_RETURN(uint64_t seen, CheckDerived(db, Table::kCaseDates, "date index", std::move(expected_dates),
                                                          DescribeDateKey, ", of the case's head, is missing", &r));
    (void)seen;
  }
  CASELINK_ASSIGN_OR_RETURN(r.index_keys, CheckDerived(db, Table::kCaseIndex, "search index", std::move(expected),
                                                        DescribeIndexKey, " of a case's head is missing", &r));
  absl::StatusOr<int64_t> docs = DocumentStore::VerifyAll(db);
  if (docs.ok()) {
    r.document_contents = static_cast<uint64_t>(*docs);
  } else if (absl::IsDataLoss(docs.status())) {
    Problem(&r, absl::StrCat("documents: ", docs.status().message()));
  } else {
    return docs.status();
  }
  CASELINK_ASSIGN_OR_RETURN(r.audit, VerifyAuditLog(db, audit_public_key_pem));
  return r;
}

std::string IntegrityReport::Summary() const {
  std::string out = absl::StrCat(ok() ? "OK" : "BROKEN", ": cases=", cases, " versions=", versions,
                                 " index_keys=", index_keys, " document_contents=", document_contents,
                                 " problems=", problem_count, "\n");
  for (const std::string& p : problems) absl::StrAppend(&out, "  ", p, "\n");
  absl::StrAppend(&out, "access log: ", audit.Summary(), "\n");
  return out;
}

}  // namespace caselink::storage
