// The type of an uploaded document told from its first bytes, never from its
// name, so that only PDF, OFD, JPEG, PNG, TIFF, DOCX and XLSX are stored. Pure
// and thread-safe; never reads past the bytes given, however malformed.
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "caselink/v1/document.pb.h"

namespace caselink {

// How many leading bytes SniffContentType needs to decide (it looks no further).
inline constexpr std::size_t kSniffBytes = 256 * 1024;

// The type of a file from its first bytes (up to kSniffBytes of them; fewer if
// the file is shorter), or CONTENT_TYPE_UNSPECIFIED for anything else. A ZIP
// counts as OFD, DOCX or XLSX only by an entry name found in those bytes, so
// a container whose telling entry starts later is not accepted.
v1::ContentType SniffContentType(absl::string_view head);

// "PDF", "OFD", ..., "unknown" — for error messages.
const char* ContentTypeLabel(v1::ContentType t);

// A short description of what the bytes look like when they are not accepted,
// e.g. "a ZIP archive that is neither DOCX, XLSX nor OFD", "a GIF image",
// "plain text", "unrecognised bytes (starting 4d 5a 90 00 03 00 00 00)".
// For bytes that are accepted, their label ("PDF", ...).
std::string DescribeUnaccepted(absl::string_view head);

}  // namespace caselink
