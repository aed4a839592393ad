#include "storage/case_links.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace caselink::storage {

Put CaseLinks::LinkPut(const std::string& case_id, const std::string& agency, const std::string& kind) {
  return Put{Table::kCaseLinks, absl::StrCat(case_id, absl::string_view("\0", 1), agency), kind};
}

std::vector<std::string> CaseLinks::LinkedAgencies(const std::string& case_id) const {
  const std::string prefix = absl::StrCat(case_id, absl::string_view("\0", 1));
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->cf(Table::kCaseLinks)));
  std::vector<std::string> out;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    out.push_back(it->key().ToString().substr(prefix.size()));
  }
  if (!it->status().ok()) {
    // Deny rather than fail the call: a link not read only hides a row.
    spdlog::error("reading case links of {}: {}", case_id, it->status().ToString());
  }
  return out;
}

}  // namespace caselink::storage
