#include "auth/free_text_masker.h"

#include <algorithm>

#include "auth/folded_text.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "auth/free_text_scanner.h"
#include "auth/masking.h"

namespace caselink::auth {
namespace {

using Config = v1::FreeTextMasking;

// The shortest value each detector finds, for the "at least 4 hidden" check.
int ShortestMatch(int detector) {
  switch (detector) {
    case Config::ID_NUMBER: return 15;
    case Config::CREDIT_CODE: return 18;
    case Config::MOBILE: return 11;
    case Config::BANK_CARD: return 16;
    default: return 0;
  }
}

Config::Rule MakeRule(Config::Detector d, v1::Sensitivity s, int first, int last) {
  Config::Rule r;
  r.set_detector(d);
  r.set_sensitivity(s);
  r.set_keep_first(first);
  r.set_keep_last(last);
  return r;
}

// Length of the UTF-8 sequence at s[i], or 0 if it is not a valid one.
size_t Utf8Len(absl::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return len;
}

bool ValidUtf8NoControl(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8Len(s, i);
    if (len == 0) return false;
    if (len == 1 && (static_cast<unsigned char>(s[i]) < 0x20 || s[i] == 0x7f)) return false;
    i += len;
  }
  return true;
}

// Letters and digits, ASCII or full-width: what the scanner reads as part of
// an identifier. A mask or marker made of them could look like data.
bool HasAlnum(absl::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
    if (static_cast<unsigned char>(c) == 0xEF && i + 2 < s.size()) {
      const unsigned char b1 = static_cast<unsigned char>(s[i + 1]);
      const unsigned char b2 = static_cast<unsigned char>(s[i + 2]);
      if ((b1 == 0xBC && ((b2 >= 0x90 && b2 <= 0x99) || (b2 >= 0xA1 && b2 <= 0xBA))) ||
          (b1 == 0xBD && b2 >= 0x81 && b2 <= 0x9A)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Config FreeTextMasker::DefaultConfig() {
  Config c;
  // The same shapes as the example policy's field masks, so a number looks
  // alike in a party's id_number field and in the facts.
  *c.add_rules() = MakeRule(Config::ID_NUMBER, v1::PERSONAL_ID, 3, 4);
  *c.add_rules() = MakeRule(Config::CREDIT_CODE, v1::PERSONAL_ID, 2, 4);
  *c.add_rules() = MakeRule(Config::MOBILE, v1::PERSONAL, 3, 4);
  *c.add_rules() = MakeRule(Config::BANK_CARD, v1::PERSONAL, 4, 4);
  return c;
}

FreeTextMasker::FreeTextMasker() : FreeTextMasker(DefaultConfig()) {}

FreeTextMasker::FreeTextMasker(const Config& config) {
  for (const Config::Rule& r : config.rules()) {
    const int d = r.detector();
    if (d <= 0 || d >= static_cast<int>(detectors_.size())) continue;
    Detector& det = detectors_[d];
    det.on = true;
    det.sensitivity = r.sensitivity();
    det.mask.set_keep_first(r.keep_first());
    det.mask.set_keep_last(r.keep_last());
    det.mask.set_mask_char(r.mask_char().empty() ? "*" : r.mask_char());
    enabled_ = true;
  }
  deny_marker_ = config.deny_marker().empty() ? kFreeTextDenyMarker : config.deny_marker();
}

FreeTextMasker FreeTextMasker::ForPolicy(const v1::Policy& policy) {
  return policy.has_free_text() ? FreeTextMasker(policy.free_text()) : FreeTextMasker();
}

namespace {

// An identity number or credit code: what the access log names a party by.
bool IsPartyId(const FreeTextMatch& m) {
  const int bits = (1 << static_cast<int>(FreeTextClass::kIdNumber)) | (1 << static_cast<int>(FreeTextClass::kCreditCode));
  return m.cls == FreeTextClass::kIdNumber || m.cls == FreeTextClass::kCreditCode || (m.also & bits) != 0;
}

// Adds to `matches` (found in `text` as written) the identifiers found once
// the separators inside numbers are dropped ("510105 1990 0307 1233",
// "138-1234-5678": auth/folded_text.h), then merges overlapping matches,
// each merged one carrying every class its parts were read as (so the
// strictest decision applies). Both scans, because dropping the separators
// also joins numbers a space kept apart ("kId kPhone" is one run of 29
// digits, which holds neither).
void AddSpacedOutMatches(absl::string_view text, std::vector<FreeTextMatch>* matches) {
  if (!FoldingJoinsAlnum(text)) return;
  const FoldedText folded(text);
  thread_local std::vector<FreeTextMatch> more;
  more.clear();
  ScanFreeText(folded.folded(), &more);
  if (more.empty()) return;
  for (FreeTextMatch m : more) {
    m.begin = folded.OriginalBegin(m.begin);
    m.end = folded.OriginalEnd(m.end);
    matches->push_back(m);
  }
  std::sort(matches->begin(), matches->end(), [](const FreeTextMatch& a, const FreeTextMatch& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  size_t kept = 0;
  for (size_t i = 0; i < matches->size(); ++i) {
    const FreeTextMatch& m = (*matches)[i];
    if (kept > 0 && m.begin < (*matches)[kept - 1].end) {
      FreeTextMatch& into = (*matches)[kept - 1];
      into.end = std::max(into.end, m.end);
      if (m.cls != into.cls) into.also |= 1 << static_cast<int>(m.cls);
      into.also |= m.also & ~(1 << static_cast<int>(into.cls));
      continue;
    }
    (*matches)[kept++] = m;
  }
  matches->resize(kept);
}

}  // namespace

bool FreeTextMasker::Apply(absl::string_view value,
                           absl::FunctionRef<v1::FieldAction(v1::Sensitivity)> decide,
                           std::string* out, std::vector<std::string>* shown_party_ids) const {
  if (!enabled_ || value.size() < 11) return false;  // nothing shorter is found
  // Reused between calls: the common case (no identifier) allocates nothing.
  thread_local std::vector<FreeTextMatch> matches;
  matches.clear();
  ScanFreeText(value, &matches);
  AddSpacedOutMatches(value, &matches);
  if (matches.empty()) return false;
  std::array<int, 8> decided;
  decided.fill(-1);
  std::string result;
  size_t pos = 0;
  bool changed = false;
  for (const FreeTextMatch& m : matches) {
    const Detector& d = detectors_[static_cast<int>(m.cls)];
    if (!d.on) continue;
    auto action_for = [&](v1::Sensitivity s) {
      const int cls = static_cast<int>(s);
      if (cls < 0 || cls >= static_cast<int>(decided.size())) return v1::DENY;
      if (decided[cls] < 0) decided[cls] = decide(s);
      return static_cast<v1::FieldAction>(decided[cls]);
    };
    v1::FieldAction action = action_for(d.sensitivity);
    // The same characters also pass another detector's check: the stricter
    // decision wins, so a number is never shown because of how it was read.
    auto rank = [](v1::FieldAction a) { return a == v1::ALLOW ? 2 : a == v1::MASK ? 1 : 0; };
    for (int c = 1; c < static_cast<int>(detectors_.size()); ++c) {
      if ((m.also & (1 << c)) == 0 || !detectors_[c].on) continue;
      const v1::FieldAction other = action_for(detectors_[c].sensitivity);
      if (rank(other) < rank(action)) action = other;
    }
    if (action == v1::ALLOW) {
      if (shown_party_ids != nullptr && IsPartyId(m)) {
        // Without the spaces a writer may have put in it.
        shown_party_ids->push_back(Fold(value.substr(m.begin, m.end - m.begin)));
      }
      continue;
    }
    if (!changed) {
      result.reserve(value.size() + 16);
      changed = true;
    }
    result.append(value.data() + pos, m.begin - pos);
    if (action == v1::MASK) {
      result += MaskValue(value.substr(m.begin, m.end - m.begin), d.mask);
    } else {
      result += deny_marker_;  // DENY, or no grant at all
    }
    pos = m.end;
  }
  if (!changed) return false;
  result.append(value.data() + pos, value.size() - pos);
  *out = std::move(result);
  return true;
}

std::vector<std::pair<int, std::string>> FreeTextConfigProblems(const Config& config) {
  std::vector<std::pair<int, std::string>> problems;
  bool seen[5] = {false, false, false, false, false};
  for (int i = 0; i < config.rules_size(); ++i) {
    const Config::Rule& r = config.rules(i);
    const int d = r.detector();
    const std::string name = Config::Detector_Name(r.detector());
    if (d <= 0 || d > 4) {
      problems.emplace_back(i, "a free_text rule needs a detector (ID_NUMBER, CREDIT_CODE, MOBILE or BANK_CARD)");
      continue;
    }
    if (seen[d]) problems.emplace_back(i, absl::StrCat("free_text detector ", name, " is listed twice"));
    seen[d] = true;
    if (r.sensitivity() == v1::SENSITIVITY_UNSPECIFIED) {
      problems.emplace_back(i, absl::StrCat("free_text detector ", name,
                                            " needs a sensitivity (whose decision applies)"));
    }
    if (r.keep_first() < 0 || r.keep_last() < 0) {
      problems.emplace_back(i, absl::StrCat("free_text detector ", name,
                                            ": keep_first and keep_last must not be negative"));
    } else if (static_cast<int64_t>(r.keep_first()) + r.keep_last() > ShortestMatch(d) - 4) {
      problems.emplace_back(
          i, absl::StrCat("free_text detector ", name, ": keep_first + keep_last must be at most ",
                          ShortestMatch(d) - 4, " (at least 4 characters of a ",
                          ShortestMatch(d), "-character value stay hidden)"));
    }
    if (!r.mask_char().empty() &&
        (Utf8Len(r.mask_char(), 0) != r.mask_char().size() || !ValidUtf8NoControl(r.mask_char()) ||
         HasAlnum(r.mask_char()))) {
      problems.emplace_back(i, absl::StrCat("free_text detector ", name,
                                            ": mask_char must be one character, not a letter or digit"));
    }
  }
  const std::string& marker = config.deny_marker();
  if (marker.size() > 64 || !ValidUtf8NoControl(marker) || HasAlnum(marker)) {
    problems.emplace_back(-1, "free_text deny_marker must be valid UTF-8 of at most 64 bytes "
                              "without control characters, letters or digits");
  }
  return problems;
}

}  // namespace caselink::auth
