#include "server/core/field_validator.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "caselink/v1/annotations.pb.h"
#include "caselink_common/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"

namespace caselink::server {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of
// google.protobuf.Timestamp (timestamp.proto).
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

absl::Status Violation(absl::string_view path, absl::string_view what, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what, " (rule: ", rule, ")"));
}

bool IsLineBreak(uint32_t cp) {
  return cp == '\n' || cp == '\r' || cp == '\t' || cp == 0x2028 || cp == 0x2029;
}

bool IsControl(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

std::string Path(const std::string& parent, const FieldDescriptor* f) {
  return parent.empty() ? f->name() : absl::StrCat(parent, ".", f->name());
}

class Walker {
 public:
  // With `all`, every violation is added there and the walk goes on (a
  // repeated field over its count is not walked into).
  explicit Walker(std::vector<std::string>* all = nullptr) : all_(all) {}

  absl::Status Message(const google::protobuf::Message& m, const std::string& at) {
    const Descriptor* d = m.GetDescriptor();
    if (d == google::protobuf::Timestamp::descriptor()) return Timestamp(m, at);
    // Only caselink's own messages carry rules; other types (none today but
    // Timestamp) are not walked.
    if (d->file()->package() != "caselink.v1") return absl::OkStatus();
    const Reflection* r = m.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    // Only fields that are set: a default value (empty, zero) obeys every rule.
    r->ListFields(m, &fields);
    for (const FieldDescriptor* f : fields) {
      const std::string path = Path(at, f);
      if (!f->is_repeated()) {
        CASELINK_RETURN_IF_ERROR(Keep(Singular(m, r, f, path)));
        continue;
      }
      const int n = r->FieldSize(m, f);
      if (absl::Status counted = Count(f, n, path); !counted.ok()) {
        CASELINK_RETURN_IF_ERROR(Keep(std::move(counted)));
        continue;
      }
      for (int i = 0; i < n; ++i) {
        CASELINK_RETURN_IF_ERROR(Keep(Element(m, r, f, i, absl::StrCat(path, "[", i, "]"))));
      }
    }
    return absl::OkStatus();
  }

 private:
  // A violation: returned (the first ends the walk), or noted in all_.
  absl::Status Keep(absl::Status s) {
    if (s.ok() || all_ == nullptr) return s;
    all_->emplace_back(s.message());
    return absl::OkStatus();
  }

  std::vector<std::string>* const all_;

  absl::Status Singular(const google::protobuf::Message& m, const Reflection* r,
                        const FieldDescriptor* f, const std::string& path) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        return String(f, r->GetStringReference(m, f, &scratch), path);
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return Message(r->GetMessage(m, f), path);
      case FieldDescriptor::CPPTYPE_INT32:
        return Signed(f, r->GetInt32(m, f), path);
      case FieldDescriptor::CPPTYPE_INT64:
        return Signed(f, r->GetInt64(m, f), path);
      case FieldDescriptor::CPPTYPE_UINT32:
        return Unsigned(f, r->GetUInt32(m, f), path);
      case FieldDescriptor::CPPTYPE_UINT64:
        return Unsigned(f, r->GetUInt64(m, f), path);
      case FieldDescriptor::CPPTYPE_ENUM:
        return Enum(f, r->GetEnumValue(m, f), path);
      default:
        return absl::OkStatus();  // bool, float, double: nothing to bound
    }
  }

  absl::Status Element(const google::protobuf::Message& m, const Reflection* r,
                       const FieldDescriptor* f, int i, const std::string& path) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        return String(f, r->GetRepeatedStringReference(m, f, i, &scratch), path);
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        // Map entries are messages too (key, value), so map keys and values
        // are checked like any field.
        return Message(r->GetRepeatedMessage(m, f, i), path);
      case FieldDescriptor::CPPTYPE_INT32:
        return Signed(f, r->GetRepeatedInt32(m, f, i), path);
      case FieldDescriptor::CPPTYPE_INT64:
        return Signed(f, r->GetRepeatedInt64(m, f, i), path);
      case FieldDescriptor::CPPTYPE_UINT32:
        return Unsigned(f, r->GetRepeatedUInt32(m, f, i), path);
      case FieldDescriptor::CPPTYPE_UINT64:
        return Unsigned(f, r->GetRepeatedUInt64(m, f, i), path);
      case FieldDescriptor::CPPTYPE_ENUM:
        return Enum(f, r->GetRepeatedEnumValue(m, f, i), path);
      default:
        return absl::OkStatus();
    }
  }

  static absl::Status Count(const FieldDescriptor* f, int n, const std::string& path) {
    const auto& o = f->options();
    const size_t max = o.HasExtension(v1::max_count) ? o.GetExtension(v1::max_count) : kDefaultMaxCount;
    if (static_cast<size_t>(n) <= max) return absl::OkStatus();
    return Violation(path, absl::StrCat("holds ", n, " elements; the limit is ", max),
                     o.HasExtension(v1::max_count) ? absl::StrCat("max_count ", max)
                                                   : absl::StrCat("default max_count ", max));
  }

  static absl::Status String(const FieldDescriptor* f, const std::string& value,
                             const std::string& path) {
    const auto& o = f->options();
    const size_t max = o.HasExtension(v1::max_length) ? o.GetExtension(v1::max_length)
                                                      : kDefaultMaxLength;
    if (value.size() > max) {
      return Violation(path, absl::StrCat("is ", value.size(), " bytes long; the limit is ", max),
                       o.HasExtension(v1::max_length) ? absl::StrCat("max_length ", max)
                                                      : absl::StrCat("default max_length ", max));
    }
    // bytes fields hold binary data by definition.
    if (f->type() == FieldDescriptor::TYPE_BYTES) return absl::OkStatus();
    return ValidateTextField(path, value, o.GetExtension(v1::allow_line_breaks));
  }

  static absl::Status Signed(const FieldDescriptor* f, int64_t v, const std::string& path) {
    const auto& o = f->options();
    const int64_t min = o.HasExtension(v1::min_int) ? o.GetExtension(v1::min_int) : 0;
    if (v < min) {
      return min == 0 ? Violation(path, absl::StrCat("must not be negative (got ", v, ")"), "min_int 0")
                      : Violation(path, absl::StrCat("must be at least ", min, " (got ", v, ")"),
                                  absl::StrCat("min_int ", min));
    }
    if (o.HasExtension(v1::max_int) && v > o.GetExtension(v1::max_int)) {
      const int64_t max = o.GetExtension(v1::max_int);
      return Violation(path, absl::StrCat("must be at most ", max, " (got ", v, ")"),
                       absl::StrCat("max_int ", max));
    }
    return absl::OkStatus();
  }

  static absl::Status Unsigned(const FieldDescriptor* f, uint64_t v, const std::string& path) {
    const auto& o = f->options();
    if (o.HasExtension(v1::min_int) && o.GetExtension(v1::min_int) > 0 &&
        v < static_cast<uint64_t>(o.GetExtension(v1::min_int))) {
      const int64_t min = o.GetExtension(v1::min_int);
      return Violation(path, absl::StrCat("must be at least ", min, " (got ", v, ")"),
                       absl::StrCat("min_int ", min));
    }
    if (o.HasExtension(v1::max_int)) {
      const int64_t max = o.GetExtension(v1::max_int);
      if (max < 0 || v > static_cast<uint64_t>(max)) {
        return Violation(path, absl::StrCat("must be at most ", max, " (got ", v, ")"),
                         absl::StrCat("max_int ", max));
      }
    }
    return absl::OkStatus();
  }

  static absl::Status Enum(const FieldDescriptor* f, int v, const std::string& path) {
    if (f->enum_type()->FindValueByNumber(v) != nullptr) return absl::OkStatus();
    return Violation(path, absl::StrCat("unknown value ", v, " of ", f->enum_type()->name()),
                     "known enum value");
  }

  static absl::Status Timestamp(const google::protobuf::Message& m, const std::string& at) {
    const auto* d = m.GetDescriptor();
    const Reflection* r = m.GetReflection();
    const int64_t seconds = r->GetInt64(m, d->FindFieldByNumber(1));
    const int32_t nanos = r->GetInt32(m, d->FindFieldByNumber(2));
    if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds || nanos < 0 ||
        nanos > 999999999) {
      return Violation(at, "is not a valid time (years 1-9999, nanos 0-999999999)",
                       "google.protobuf.Timestamp range");
    }
    return absl::OkStatus();
  }
};

}  // namespace

absl::Status ValidateTextField(absl::string_view field, absl::string_view value,
                               bool allow_line_breaks) {
  const auto* s = reinterpret_cast<const unsigned char*>(value.data());
  const size_t n = value.size();
  size_t i = 0;
  while (i < n) {
    const size_t start = i;
    const unsigned char b = s[i];
    uint32_t cp;
    size_t len;
    if (b < 0x80) {
      cp = b;
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      cp = b & 0x1F;
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      cp = b & 0x0F;
      len = 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      cp = b & 0x07;
      len = 4;
    } else {
      cp = 0;
      len = 0;  // 0x80-0xC1 (continuation or overlong lead) and 0xF5-0xFF
    }
    bool ok = len != 0 && start + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      const unsigned char c = s[start + k];
      if ((c & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    // Overlong 3- and 4-byte forms, UTF-16 surrogates, past U+10FFFF.
    if (ok && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
               (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (!ok) {
      return Violation(field, absl::StrCat("is not valid UTF-8 at byte ", start), "valid UTF-8");
    }
    if (IsLineBreak(cp)) {
      if (!allow_line_breaks) {
        return Violation(field,
                         absl::StrFormat("contains a line break or tab (U+%04X) at byte %d; this "
                                         "field is one line",
                                         cp, start),
                         "no line breaks");
      }
    } else if (IsControl(cp)) {
      return Violation(field,
                       absl::StrFormat("contains the control character U+%04X at byte %d", cp, start),
                       "no control characters");
    }
    i = start + len;
  }
  return absl::OkStatus();
}

absl::Status ValidateRequestFields(const google::protobuf::Message& request) {
  return Walker().Message(request, "");
}

std::vector<std::string> AllFieldViolations(const google::protobuf::Message& message) {
  std::vector<std::string> all;
  Walker(&all).Message(message, "").IgnoreError();  // never fails in this mode
  return all;
}

}  // namespace caselink::server
