// FieldPathSet: the field paths ("parties.person.id_number") a redaction
// reports as returned in full, masked or withheld, sorted, each once.
// Paths are interned: each distinct path is stored once for the life of the
// process, and a set holds pointers to them, so recording the fields of a
// row on every call copies and allocates no string. Interning is bounded by
// the schema: paths come from message descriptors, not from request data.
//
// Example:
//   FieldPathSet s;
//   s.insert(InternFieldPath("title"));  // as the redaction walk does
//   s.insert("facts");                   // interns first (takes a lock)
//   for (const std::string& path : s) ...  // "facts", "title"
#pragma once

#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace caselink::auth {

// The one stored copy of `path`: equal paths give the same pointer, valid
// until the process ends. Thread-safe.
const std::string* InternFieldPath(absl::string_view path);

class FieldPathSet {
 public:
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string*;
    using reference = const std::string&;

    const_iterator() = default;
    reference operator*() const { return **it_; }
    pointer operator->() const { return *it_; }
    const_iterator& operator++() {
      ++it_;
      return *this;
    }
    const_iterator operator++(int) { return const_iterator(it_++); }
    const_iterator& operator--() {
      --it_;
      return *this;
    }
    const_iterator operator--(int) { return const_iterator(it_--); }
    const_iterator& operator+=(difference_type n) {
      it_ += n;
      return *this;
    }
    const_iterator operator+(difference_type n) const { return const_iterator(it_ + n); }
    const_iterator operator-(difference_type n) const { return const_iterator(it_ - n); }
    difference_type operator-(const const_iterator& o) const { return it_ - o.it_; }
    reference operator[](difference_type n) const { return *it_[n]; }
    bool operator==(const const_iterator& o) const { return it_ == o.it_; }
    bool operator!=(const const_iterator& o) const { return it_ != o.it_; }
    bool operator<(const const_iterator& o) const { return it_ < o.it_; }

   private:
    friend class FieldPathSet;
    explicit const_iterator(std::vector<const std::string*>::const_iterator it) : it_(it) {}
    std::vector<const std::string*>::const_iterator it_;
  };
  using iterator = const_iterator;
  using value_type = std::string;
  using size_type = size_t;
  using reference = const std::string&;
  using const_reference = const std::string&;

  // Adds a path from InternFieldPath (no lock); returns whether it was new.
  bool insert(const std::string* interned);
  // Adds any path, interning it first.
  bool insert(absl::string_view path) { return insert(InternFieldPath(path)); }
  bool insert(const char* path) { return insert(absl::string_view(path)); }
  bool insert(const std::string& path) { return insert(absl::string_view(path)); }

  size_t count(absl::string_view path) const;
  size_t size() const { return paths_.size(); }
  bool empty() const { return paths_.empty(); }
  void clear() { paths_.clear(); }
  const_iterator begin() const { return const_iterator(paths_.begin()); }
  const_iterator end() const { return const_iterator(paths_.end()); }

 private:
  std::vector<const std::string*> paths_;  // interned, sorted by content
};

}  // namespace caselink::auth
