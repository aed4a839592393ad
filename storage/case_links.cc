#include "storage/case_links.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace caselink::storage {

CaseLinks::CaseLinks(const Database* db) : db_(db) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Table::kCaseLinks));
  absl::MutexLock l(&mu_);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    const void* sep = memchr(key.data(), '\0', key.size());
    const size_t id_size = sep == nullptr ? key.size() : static_cast<const char*>(sep) - key.data();
    linked_.emplace(key.data(), id_size);
  }
  if (!it->status().ok()) {
    spdlog::error("reading which cases have links: {}; every case's links are read from storage",
                  it->status().ToString());
    all_maybe_linked_ = true;
  }
}

bool CaseLinks::MaybeLinked(const std::string& case_id) const {
  absl::ReaderMutexLock l(&mu_);
  return all_maybe_linked_ || linked_.contains(case_id);
}

Put CaseLinks::LinkPut(const std::string& case_id, const std::string& agency, const std::string& kind) const {
  {
    absl::MutexLock l(&mu_);
    linked_.insert(case_id);
  }
  return Put{Table::kCaseLinks,
             absl::StrCat(case_id, absl::string_view("\0", 1), agency, absl::string_view("\0", 1), kind),
             kind};
}

std::vector<CaseLink> CaseLinks::Links(const std::string& case_id) const {
  if (!MaybeLinked(case_id)) return {};
  const std::string prefix = absl::StrCat(case_id, absl::string_view("\0", 1));
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), Table::kCaseLinks));
  std::vector<CaseLink> out;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string rest = it->key().ToString().substr(prefix.size());
    const size_t sep = rest.find('\0');
    CaseLink link;
    link.agency = rest.substr(0, sep);
    link.kind = sep == std::string::npos ? it->value().ToString() : rest.substr(sep + 1);
    out.push_back(std::move(link));
  }
  if (!it->status().ok()) {
    // Deny rather than fail the call: a link not read only hides a row.
    spdlog::error("reading case links of {}: {}", case_id, it->status().ToString());
  }
  return out;
}

std::vector<std::string> CaseLinks::LinkedAgencies(const std::string& case_id) const {
  std::vector<std::string> out;
  for (CaseLink& l : Links(case_id)) {
    if (std::find(out.begin(), out.end(), l.agency) == out.end()) out.push_back(std::move(l.agency));
  }
  return out;
}

}  // namespace caselink::storage
