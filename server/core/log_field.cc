#include "server/core/log_field.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "caselink_common/utf8.h"
#include "auth/free_text_masker.h"
#include "storage/case_id.h"

namespace caselink::server {
namespace {

constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsControl(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

}  // namespace

std::string LogField(absl::string_view value, size_t max_chars) {
  std::string out;
  out.reserve(std::min(value.size(), max_chars * 4));
  size_t chars = 0;
  size_t i = 0;
  while (i < value.size()) {
    if (chars == max_chars) {
      absl::StrAppend(&out, kTruncatedMarker, value.size(), " bytes in all]");
      return out;
    }
    uint32_t cp = 0;
    const size_t n = Utf8SequenceLength(value, i, &cp);
    if (n == 0 || IsControl(cp)) {
      out.append(kReplacement.data(), kReplacement.size());
      i += n == 0 ? 1 : n;
    } else {
      out.append(value.data() + i, n);
      i += n;
    }
    ++chars;
  }
  return out;
}

std::string LogText(absl::string_view value, size_t max_chars, std::vector<std::string>* party_ids) {
  static const auth::FreeTextMasker* const kMasker = new auth::FreeTextMasker();
  // Read as a caller allowed everything, only to name the parties...
  std::string unused;
  kMasker->Apply(value, [](v1::Sensitivity) { return v1::ALLOW; }, &unused, party_ids);
  // ...then masked, before the value is cut: a number cut in two would no
  // longer be found.
  std::string masked;
  if (kMasker->Apply(value, [](v1::Sensitivity) { return v1::MASK; }, &masked)) return LogField(masked, max_chars);
  return LogField(value, max_chars);
}

std::string LogId(absl::string_view value, size_t max_chars, std::vector<std::string>* party_ids) {
  if (value.empty() || storage::HasNewCaseIdShape(value)) return std::string(value);
  return LogText(value, max_chars, party_ids);
}

}  // namespace caselink::server
