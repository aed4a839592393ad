#include "caselink_common/content_type_sniffer.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace caselink {
namespace {

using v1::ContentType;

constexpr absl::string_view kZipLocalHeader("PK\x03\x04", 4);
constexpr absl::string_view kZipEmpty("PK\x05\x06", 4);  // an archive with no entries
constexpr absl::string_view kPdfHeader("%PDF-", 5);
// Readers (Acrobat, pdf.js, poppler) find the header after up to 1024 bytes of
// anything, e.g. a MacBinary or mail header, so a file they open is accepted.
constexpr std::size_t kPdfHeaderSlack = 1024;
constexpr absl::string_view kPng("\x89PNG\r\n\x1a\n", 8);
constexpr absl::string_view kTiffSignatures[] = {
    absl::string_view("II*\0", 4), absl::string_view("MM\0*", 4),  // TIFF
    absl::string_view("II+\0", 4), absl::string_view("MM\0+", 4),  // BigTIFF
};

uint32_t Le16(absl::string_view s, std::size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8;
}

uint32_t Le32(absl::string_view s, std::size_t at) { return Le16(s, at) | Le16(s, at + 2) << 16; }

struct ZipEntries {
  bool ofd = false;   // OFD.xml at the root: GB/T 33190's entry point
  bool word = false;  // word/...: a WordprocessingML package
  bool xl = false;    // xl/...: a SpreadsheetML package
};

// The names of the local file headers that lie wholly inside `zip`, walked
// from offset 0. The central directory would be authoritative but sits at the
// end of the file, which a streamed upload has not received yet.
ZipEntries ReadZipEntryNames(absl::string_view zip) {
  constexpr std::size_t kHeaderSize = 30;
  constexpr uint32_t kSizesInDataDescriptor = 1u << 3;
  constexpr uint32_t kZip64Size = 0xFFFFFFFFu;
  ZipEntries found;
  std::size_t pos = 0;  // invariant: pos <= zip.size()
  while (zip.size() - pos >= kHeaderSize && zip.substr(pos, 4) == kZipLocalHeader) {
    const uint32_t flags = Le16(zip, pos + 6);
    const uint32_t compressed_size = Le32(zip, pos + 18);
    const uint32_t uncompressed_size = Le32(zip, pos + 22);
    const std::size_t name_length = Le16(zip, pos + 26);
    const std::size_t extra_length = Le16(zip, pos + 28);
    const std::size_t name_at = pos + kHeaderSize;
    if (name_length > zip.size() - name_at) break;  // a name cut off says nothing
    const absl::string_view name = zip.substr(name_at, name_length);
    if (name == "OFD.xml") {
      found.ofd = true;
    } else if (absl::StartsWith(name, "word/")) {
      found.word = true;
    } else if (absl::StartsWith(name, "xl/")) {
      found.xl = true;
    }
    // 64-bit so that a huge compressed size cannot wrap around.
    const uint64_t data_at = uint64_t{name_at} + name_length + extra_length;
    if (data_at > zip.size()) break;
    uint64_t next;
    if ((flags & kSizesInDataDescriptor) != 0 || compressed_size == kZip64Size ||
        uncompressed_size == kZip64Size) {
      // A streaming writer learns the size only after the data (and ZIP64
      // keeps it in an extra field): the next entry is wherever its signature
      // is. Compressed data may fake one; the price is a misread name.
      const std::size_t at = zip.find(kZipLocalHeader, static_cast<std::size_t>(data_at));
      if (at == absl::string_view::npos) break;
      next = at;
    } else {
      next = data_at + compressed_size;
    }
    if (next > zip.size()) break;
    pos = static_cast<std::size_t>(next);  // > the old pos: data_at >= pos + 30
  }
  return found;
}

// Whether every character of `s` is valid in an encoding and none is a
// control character a text file would not hold. Structure only (overlong
// UTF-8 passes): this names what a rejected file looks like, it accepts none.
// A character cut off by the end of `s` passes, as `s` may be a prefix.
bool IsTextIn(absl::string_view s, std::size_t (*char_length)(absl::string_view, std::size_t)) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7F) return false;
      ++i;
      continue;
    }
    const std::size_t n = char_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool InRange(absl::string_view s, std::size_t at, unsigned char lo, unsigned char hi) {
  const auto b = static_cast<unsigned char>(s[at]);
  return b >= lo && b <= hi;
}

// The length of the UTF-8 sequence at s[i] (>= 0x80), at most to the end of
// `s`; 0 if it is not one.
std::size_t Utf8Length(absl::string_view s, std::size_t i) {
  std::size_t n = 0;
  if (InRange(s, i, 0xC2, 0xDF)) {
    n = 2;
  } else if (InRange(s, i, 0xE0, 0xEF)) {
    n = 3;
  } else if (InRange(s, i, 0xF0, 0xF4)) {
    n = 4;
  } else {
    return 0;
  }
  for (std::size_t k = 1; k < n; ++k) {
    if (i + k == s.size()) return k;
    if (!InRange(s, i + k, 0x80, 0xBF)) return 0;
  }
  return n;
}

// The same for GB18030 (a superset of GBK and GB2312), which Chinese text
// files written on Windows use.
std::size_t Gb18030Length(absl::string_view s, std::size_t i) {
  if (!InRange(s, i, 0x81, 0xFE)) return 0;
  if (i + 1 == s.size()) return 1;
  if (InRange(s, i + 1, 0x40, 0x7E) || InRange(s, i + 1, 0x80, 0xFE)) return 2;
  if (!InRange(s, i + 1, 0x30, 0x39)) return 0;
  if (i + 2 == s.size()) return 2;
  if (!InRange(s, i + 2, 0x81, 0xFE)) return 0;
  if (i + 3 == s.size()) return 3;
  if (!InRange(s, i + 3, 0x30, 0x39)) return 0;
  return 4;
}

bool LooksLikeText(absl::string_view head) {
  const absl::string_view sample = head.substr(0, 4096);
  return IsTextIn(sample, Utf8Length) || IsTextIn(sample, Gb18030Length);
}

struct Signature {
  absl::string_view magic;
  const char* what;
};

// Formats people upload by mistake, so the error names what they sent.
constexpr Signature kUnaccepted[] = {
    {absl::string_view("GIF87a", 6), "a GIF image"},
    {absl::string_view("GIF89a", 6), "a GIF image"},
    {absl::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8),
     "an old-format Office file (.doc, .xls or .ppt)"},
    {absl::string_view("{\\rtf", 5), "an RTF document"},
    {absl::string_view("Rar!\x1A\x07", 6), "a RAR archive"},
    {absl::string_view("7z\xBC\xAF\x27\x1C", 6), "a 7-Zip archive"},
    {absl::string_view("\x1F\x8B", 2), "a gzip archive"},
    {absl::string_view("\xFF\xFE", 2), "plain text (UTF-16)"},
    {absl::string_view("\xFE\xFF", 2), "plain text (UTF-16)"},
};

}  // namespace

ContentType SniffContentType(absl::string_view head) {
  head = head.substr(0, kSniffBytes);
  // A signature at offset 0 decides, before the PDF header is looked for
  // further in: a JPEG or ZIP that happens to hold "%PDF-" stays what it is.
  if (absl::StartsWith(head, absl::string_view("\xFF\xD8\xFF", 3))) return v1::CONTENT_JPEG;
  if (absl::StartsWith(head, kPng)) return v1::CONTENT_PNG;
  for (absl::string_view tiff : kTiffSignatures) {
    if (absl::StartsWith(head, tiff)) return v1::CONTENT_TIFF;
  }
  if (absl::StartsWith(head, kZipLocalHeader)) {
    const ZipEntries entries = ReadZipEntryNames(head);
    // OFD.xml is the one entry an OFD package must have and an OOXML one
    // never has; a package with both word/ and xl/ is a Word document.
    if (entries.ofd) return v1::CONTENT_OFD;
    if (entries.word) return v1::CONTENT_DOCX;
    if (entries.xl) return v1::CONTENT_XLSX;
    return v1::CONTENT_TYPE_UNSPECIFIED;
  }
  if (head.substr(0, kPdfHeaderSlack + kPdfHeader.size()).find(kPdfHeader) !=
      absl::string_view::npos) {
    return v1::CONTENT_PDF;
  }
  return v1::CONTENT_TYPE_UNSPECIFIED;
}

const char* ContentTypeLabel(ContentType t) {
  switch (t) {
    case v1::CONTENT_PDF:
      return "PDF";
    case v1::CONTENT_OFD:
      return "OFD";
    case v1::CONTENT_JPEG:
      return "JPEG";
    case v1::CONTENT_PNG:
      return "PNG";
    case v1::CONTENT_TIFF:
      return "TIFF";
    case v1::CONTENT_DOCX:
      return "DOCX";
    case v1::CONTENT_XLSX:
      return "XLSX";
    default:  // UNSPECIFIED, and any number a peer sent that is no type
      return "unknown";
  }
}

std::string DescribeUnaccepted(absl::string_view head) {
  head = head.substr(0, kSniffBytes);
  const ContentType type = SniffContentType(head);
  if (type != v1::CONTENT_TYPE_UNSPECIFIED) return ContentTypeLabel(type);
  if (head.empty()) return "an empty file";
  if (absl::StartsWith(head, kZipLocalHeader) || absl::StartsWith(head, kZipEmpty)) {
    return "a ZIP archive that is neither DOCX, XLSX nor OFD";
  }
  for (const Signature& s : kUnaccepted) {
    if (absl::StartsWith(head, s.magic)) return s.what;
  }
  if (head.size() >= 14 && absl::StartsWith(head, "BM") && Le32(head, 6) == 0) {
    return "a BMP image";  // "BM" alone is too common in text; bytes 6-9 are reserved zeros
  }
  if (head.size() >= 12 && absl::StartsWith(head, "RIFF") && head.substr(8, 4) == "WEBP") {
    return "a WebP image";
  }
  if (head.size() >= 12 && head.substr(4, 4) == "ftyp") {
    const absl::string_view brand = head.substr(8, 4);
    if (absl::StartsWith(brand, "hei") || absl::StartsWith(brand, "hev") || brand == "mif1" ||
        brand == "msf1") {
      return "a HEIC image";
    }
    return "an MP4 or QuickTime video";
  }
  if (head.find(kPdfHeader) != absl::string_view::npos) {
    return absl::StrCat("a PDF whose header comes after more than ", kPdfHeaderSlack,
                        " bytes of other data");
  }
  if (LooksLikeText(head)) return "plain text";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (std::size_t i = 0; i < head.size() && i < 8; ++i) {
    const auto b = static_cast<unsigned char>(head[i]);
    if (i > 0) hex += ' ';
    hex += kHex[b >> 4];
    hex += kHex[b & 0xF];
  }
  return absl::StrCat("unrecognised bytes (starting ", hex, ")");
}

}  // namespace caselink
