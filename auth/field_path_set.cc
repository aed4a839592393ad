#include "auth/field_path_set.h"

#include <algorithm>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_set.h"
#include "absl/synchronization/mutex.h"

namespace caselink::auth {
namespace {

// Never freed: interned paths are referenced from reports for as long as
// anything holds them, and there are only as many as the schema has paths.
struct Interned {
  absl::Mutex mu;
  absl::node_hash_set<std::string> paths ABSL_GUARDED_BY(mu);  // stable addresses
};

Interned& Table() {
  static Interned* const table = new Interned();
  return *table;
}

// Orders interned paths by their text, like a std::set<std::string>.
bool ByText(const std::string* a, const std::string* b) { return *a < *b; }

}  // namespace

const std::string* InternFieldPath(absl::string_view path) {
  Interned& t = Table();
  absl::MutexLock l(&t.mu);
  return &*t.paths.emplace(path).first;
}

bool FieldPathSet::insert(const std::string* interned) {
  if (paths_.empty()) paths_.reserve(16);
  auto it = std::lower_bound(paths_.begin(), paths_.end(), interned, ByText);
  // Interned: the same text is the same pointer.
  if (it != paths_.end() && *it == interned) return false;
  paths_.insert(it, interned);
  return true;
}

size_t FieldPathSet::count(absl::string_view path) const {
  auto it = std::lower_bound(paths_.begin(), paths_.end(), path,
                             [](const std::string* p, absl::string_view v) { return absl::string_view(*p) < v; });
  return it != paths_.end() && **it == path ? 1 : 0;
}

}  // namespace caselink::auth
