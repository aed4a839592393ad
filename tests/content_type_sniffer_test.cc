// SniffContentType: each accepted type is told from real leading bytes, a ZIP
// by the entry names of its local headers within kSniffBytes; anything else,
// truncated or malformed input included, is UNSPECIFIED without a read past
// the bytes given (a guard page after them makes such a read crash).
#include "caselink_common/content_type_sniffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace caselink {
namespace {

using v1::ContentType;

// Bytes that end where an unreadable page begins: reading one past them is a
// SIGSEGV, not a silent read of whatever follows.
class GuardedBuffer {
 public:
  GuardedBuffer() = default;
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;
  ~GuardedBuffer() { Release(); }

  absl::string_view Place(absl::string_view bytes) {
    if (bytes.size() > capacity_) Reserve(bytes.size());
    char* end = base_ + capacity_;
    if (!bytes.empty()) std::memcpy(end - bytes.size(), bytes.data(), bytes.size());
    return absl::string_view(end - bytes.size(), bytes.size());
  }

 private:
  void Reserve(std::size_t size) {
    Release();
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    capacity_ = (size + page - 1) / page * page;
    mapped_ = capacity_ + page;
    void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) std::abort();
    base_ = static_cast<char*>(p);
    if (mprotect(base_ + capacity_, page, PROT_NONE) != 0) std::abort();
  }
  void Release() {
    if (base_ != nullptr) munmap(base_, mapped_);
    base_ = nullptr;
    capacity_ = 0;
  }

  char* base_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t mapped_ = 0;
};

void Put16(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v & 0xFF));
  out->push_back(static_cast<char>((v >> 8) & 0xFF));
}
void Put32(std::string* out, uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}
void Put64(std::string* out, uint64_t v) {
  Put32(out, static_cast<uint32_t>(v));
  Put32(out, static_cast<uint32_t>(v >> 32));
}

uint32_t Crc32(absl::string_view s) {
  uint32_t c = 0xFFFFFFFFu;
  for (char ch : s) {
    c ^= static_cast<unsigned char>(ch);
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

struct ZipEntry {
  std::string name;
  std::string data;
  // General-purpose flag bit 3, as a streaming writer sets it: CRC and sizes
  // are 0 in the local header and follow the data in a data descriptor.
  bool data_descriptor = false;
  // Sizes 0xFFFFFFFF in the local header, the real ones in a ZIP64 extra field.
  bool zip64_sizes = false;
};

// A real ZIP of stored (uncompressed) entries: local headers, central
// directory, end record.
std::string Zip(const std::vector<ZipEntry>& entries) {
  constexpr uint32_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;
  std::string out;
  std::string central;
  for (const ZipEntry& e : entries) {
    const auto offset = static_cast<uint32_t>(out.size());
    const uint32_t crc = Crc32(e.data);
    const auto size = static_cast<uint32_t>(e.data.size());
    const uint32_t flags = e.data_descriptor ? 0x0008 : 0;
    const uint32_t version = e.zip64_sizes ? 45 : 20;
    uint32_t header_crc = crc;
    uint32_t header_size = size;
    std::string extra;
    if (e.data_descriptor) header_crc = header_size = 0;
    if (e.zip64_sizes) {
      header_size = 0xFFFFFFFFu;
      Put16(&extra, 0x0001);
      Put16(&extra, 16);
      Put64(&extra, size);
      Put64(&extra, size);
    }
    out += "PK\x03\x04";
    Put16(&out, version);
    Put16(&out, flags);
    Put16(&out, 0);  // stored
    Put16(&out, 0);  // time
    Put16(&out, kDosDate1980);
    Put32(&out, header_crc);
    Put32(&out, header_size);
    Put32(&out, header_size);
    Put16(&out, static_cast<uint32_t>(e.name.size()));
    Put16(&out, static_cast<uint32_t>(extra.size()));
    out += e.name;
    out += extra;
    out += e.data;
    if (e.data_descriptor) {
      out += "PK\x07\x08";
      Put32(&out, crc);
      Put32(&out, size);
      Put32(&out, size);
    }
    central += "PK\x01\x02";
    Put16(&central, version);  // made by
    Put16(&central, version);  // needed
    Put16(&central, flags);
    Put16(&central, 0);
    Put16(&central, 0);
    Put16(&central, kDosDate1980);
    Put32(&central, crc);
    Put32(&central, size);
    Put32(&central, size);
    Put16(&central, static_cast<uint32_t>(e.name.size()));
    for (int i = 0; i < 4; ++i) Put16(&central, 0);  // extra, comment, disk, internal attrs
    Put32(&central, 0);                               // external attrs
    Put32(&central, offset);
    central += e.name;
  }
  const auto central_at = static_cast<uint32_t>(out.size());
  out += central;
  out += std::string("PK\x05\x06", 4);
  Put16(&out, 0);
  Put16(&out, 0);
  Put16(&out, static_cast<uint32_t>(entries.size()));
  Put16(&out, static_cast<uint32_t>(entries.size()));
  Put32(&out, static_cast<uint32_t>(central.size()));
  Put32(&out, central_at);
  Put16(&out, 0);
  return out;
}

const std::string kContentTypesXml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
const std::string kRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>";

std::string Docx() {
  return Zip({{"[Content_Types].xml", kContentTypesXml},
              {"_rels/.rels", kRels},
              {"word/document.xml", "<w:document/>"}});
}
std::string Xlsx() {
  return Zip({{"[Content_Types].xml", kContentTypesXml},
              {"_rels/.rels", kRels},
              {"xl/workbook.xml", "<workbook/>"}});
}
std::string Ofd() {
  return Zip({{"OFD.xml", "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\" Version=\"1.0\"/>"},
              {"Doc_0/Document.xml", "<ofd:Document/>"}});
}
std::string DocxStreamed() {
  return Zip({{"[Content_Types].xml", kContentTypesXml, /*data_descriptor=*/true},
              {"_rels/.rels", kRels},
              {"word/document.xml", "<w:document/>"}});
}
std::string Pdf() {
  return std::string(
      "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"
      "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
      "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
}
std::string Jpeg() {  // SOI, then a JFIF APP0 segment
  return std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);
}
std::string Png() {  // signature, then the IHDR chunk of a 1x1 RGBA image
  std::string ihdr("IHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00", 17);
  std::string png("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d", 12);
  png += ihdr;
  const uint32_t crc = Crc32(ihdr);
  for (int shift = 24; shift >= 0; shift -= 8) png.push_back(static_cast<char>((crc >> shift) & 0xFF));
  return png;
}
std::string TiffLittleEndian() { return std::string("II*\x00\x08\x00\x00\x00\x00\x00", 10); }
std::string TiffBigEndian() { return std::string("MM\x00*\x00\x00\x00\x08\x00\x00", 10); }
std::string BigTiff() {
  return std::string("II+\x00\x08\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00", 16);
}

std::vector<std::pair<ContentType, std::string>> ValidSamples() {
  return {{v1::CONTENT_PDF, Pdf()},
          {v1::CONTENT_JPEG, Jpeg()},
          {v1::CONTENT_PNG, Png()},
          {v1::CONTENT_TIFF, TiffLittleEndian()},
          {v1::CONTENT_TIFF, TiffBigEndian()},
          {v1::CONTENT_TIFF, BigTiff()},
          {v1::CONTENT_DOCX, Docx()},
          {v1::CONTENT_XLSX, Xlsx()},
          {v1::CONTENT_OFD, Ofd()},
          {v1::CONTENT_DOCX, DocxStreamed()}};
}

TEST(ContentTypeSnifferTest, GuardPageCatchesAReadPastTheEnd) {
  // The robustness tests below rely on this.
  GuardedBuffer buffer;
  const absl::string_view bytes = buffer.Place("abc");
  EXPECT_EQ(bytes, "abc");
  EXPECT_DEATH(
      {
        volatile char c = bytes.data()[bytes.size()];
        (void)c;
      },
      "");
}

TEST(ContentTypeSnifferTest, TellsEachAcceptedTypeFromItsBytes) {
  EXPECT_EQ(SniffContentType(Pdf()), v1::CONTENT_PDF);
  EXPECT_EQ(SniffContentType(Jpeg()), v1::CONTENT_JPEG);
  EXPECT_EQ(SniffContentType(Png()), v1::CONTENT_PNG);
  EXPECT_EQ(SniffContentType(TiffLittleEndian()), v1::CONTENT_TIFF);
  EXPECT_EQ(SniffContentType(TiffBigEndian()), v1::CONTENT_TIFF);
  EXPECT_EQ(SniffContentType(BigTiff()), v1::CONTENT_TIFF);
  EXPECT_EQ(SniffContentType(std::string("MM\x00+\x00\x08\x00\x00", 8)), v1::CONTENT_TIFF);
  EXPECT_EQ(SniffContentType(Docx()), v1::CONTENT_DOCX);
  EXPECT_EQ(SniffContentType(Xlsx()), v1::CONTENT_XLSX);
  EXPECT_EQ(SniffContentType(Ofd()), v1::CONTENT_OFD);
}

TEST(ContentTypeSnifferTest, NearMissSignaturesAreNotAccepted) {
  EXPECT_EQ(SniffContentType(""), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType("%PDF"), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType("%pdf-1.7\n"), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType("\xFF\xD8"), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType("\xFF\xD9\xFF\xE0"), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType("\x89PNG\r\n\x1a"), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType("\x89PNG\r\n\x1a\x0b"), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType("\x89PNG\n\n\x1a\n"), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType("II*"), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType(std::string("II\x00*", 4)), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType(std::string("MM*\x00", 4)), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType("PK\x03"), v1::CONTENT_TYPE_UNSPECIFIED);
}

TEST(ContentTypeSnifferTest, PdfHeaderMayFollowUpTo1024OtherBytes) {
  EXPECT_EQ(SniffContentType(std::string(1024, 'x') + Pdf()), v1::CONTENT_PDF);
  EXPECT_EQ(SniffContentType(std::string(1025, 'x') + Pdf()), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType(std::string(7, '\0') + "%PDF-1.4\n"), v1::CONTENT_PDF);
}

TEST(ContentTypeSnifferTest, ASignatureAtTheStartWinsOverALaterPdfHeader) {
  EXPECT_EQ(SniffContentType(Jpeg() + Pdf()), v1::CONTENT_JPEG);
  EXPECT_EQ(SniffContentType(Zip({{"a.pdf", Pdf()}})), v1::CONTENT_TYPE_UNSPECIFIED);
}

TEST(ContentTypeSnifferTest, AZipIsAcceptedOnlyByItsEntryNames) {
  EXPECT_EQ(SniffContentType(Zip({{"a.txt", "hello\n"}})), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType(Zip({})), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType(Zip({{"word/", ""}})), v1::CONTENT_DOCX);  // a directory entry
  EXPECT_EQ(SniffContentType(Zip({{"a.txt", "x"}, {"xl/styles.xml", "<styleSheet/>"}})),
            v1::CONTENT_XLSX);
  for (const char* name : {"ofd.xml", "Doc_0/OFD.xml", "OFD.xml.bak", "/OFD.xml", "Word/document.xml",
                           "wordy/x", "docs/word/x", "word", "xl", "xlsx/a", "XL/workbook.xml"}) {
    EXPECT_EQ(SniffContentType(Zip({{name, "x"}})), v1::CONTENT_TYPE_UNSPECIFIED) << name;
  }
}

TEST(ContentTypeSnifferTest, OfdWinsOverWordAndWordOverXl) {
  EXPECT_EQ(SniffContentType(Zip({{"word/a.xml", "x"}, {"OFD.xml", "x"}})), v1::CONTENT_OFD);
  EXPECT_EQ(SniffContentType(Zip({{"xl/a.xml", "x"}, {"word/a.xml", "x"}})), v1::CONTENT_DOCX);
}

TEST(ContentTypeSnifferTest, SkipsEntryDataBySizeRatherThanSearchingIt) {
  // a.txt holds what looks like a local header of word/document.xml: a walk
  // by sizes steps over it; a search for signatures would not.
  const std::string inner = Zip({{"word/document.xml", "<w:document/>"}});
  EXPECT_EQ(SniffContentType(Zip({{"a.txt", inner}})), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType(Zip({{"a.txt", inner}, {"b.txt", "x"}, {"xl/a.xml", "x"}})),
            v1::CONTENT_XLSX);
}

TEST(ContentTypeSnifferTest, AnEntryWithADataDescriptorIsSteppedOverBySearching) {
  EXPECT_EQ(SniffContentType(DocxStreamed()), v1::CONTENT_DOCX);
  // Every entry streamed, as zip -fd or a Java ZipOutputStream writes them.
  EXPECT_EQ(SniffContentType(Zip({{"[Content_Types].xml", kContentTypesXml, true},
                                  {"_rels/.rels", kRels, true},
                                  {"xl/workbook.xml", "<workbook/>", true}})),
            v1::CONTENT_XLSX);
}

TEST(ContentTypeSnifferTest, AnEntryWithZip64SizesIsSteppedOverBySearching) {
  EXPECT_EQ(SniffContentType(Zip({{"[Content_Types].xml", kContentTypesXml, false, true},
                                  {"word/document.xml", "<w:document/>"}})),
            v1::CONTENT_DOCX);
}

TEST(ContentTypeSnifferTest, LooksNoFurtherThanKSniffBytes) {
  // The second entry's name ends exactly at kSniffBytes, then one byte later.
  const std::string word = "word/document.xml";
  const std::size_t first_header = 30 + std::string("a.bin").size();
  const std::size_t name_end_without_data = first_header + 30 + word.size();
  ASSERT_LT(name_end_without_data, kSniffBytes);
  const std::size_t fits = kSniffBytes - name_end_without_data;
  const std::string inside = Zip({{"a.bin", std::string(fits, 'a')}, {word, "<w:document/>"}});
  const std::string outside = Zip({{"a.bin", std::string(fits + 1, 'a')}, {word, "<w:document/>"}});
  EXPECT_EQ(SniffContentType(inside), v1::CONTENT_DOCX);
  EXPECT_EQ(SniffContentType(outside), v1::CONTENT_TYPE_UNSPECIFIED);
  // Well past it, as when the whole file is given.
  const std::string far = Zip({{"a.bin", std::string(kSniffBytes, 'a')}, {word, "<w:document/>"}});
  EXPECT_EQ(SniffContentType(far), v1::CONTENT_TYPE_UNSPECIFIED);
}

TEST(ContentTypeSnifferTest, DescribesWhatIsNotAccepted) {
  EXPECT_EQ(DescribeUnaccepted(""), "an empty file");
  EXPECT_EQ(DescribeUnaccepted(Zip({{"a.txt", "hello\n"}})),
            "a ZIP archive that is neither DOCX, XLSX nor OFD");
  EXPECT_EQ(DescribeUnaccepted(Zip({})), "a ZIP archive that is neither DOCX, XLSX nor OFD");
  const std::string gif("GIF89a\x01\x00\x01\x00\x80\x00\x00\xFF\xFF\xFF\x00\x00\x00!\xF9\x04", 22);
  EXPECT_EQ(SniffContentType(gif), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(DescribeUnaccepted(gif), "a GIF image");
  const std::string text = "起诉意见书\n案件编号：2024-001\r\n\tHello, world.\n";
  EXPECT_EQ(SniffContentType(text), v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(DescribeUnaccepted(text), "plain text");
  EXPECT_EQ(DescribeUnaccepted("\xC6\xF0\xCB\xDF\xD2\xE2\xBC\xFB\xCA\xE9\n"), "plain text");  // GBK
  EXPECT_EQ(DescribeUnaccepted(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", 10)),
            "an old-format Office file (.doc, .xls or .ppt)");
  EXPECT_EQ(DescribeUnaccepted(std::string("\x00\x00\x00\x18" "ftypheic\x00\x00\x00\x00", 16)),
            "a HEIC image");
  EXPECT_EQ(DescribeUnaccepted(std::string(2000, 'x') + Pdf()),
            "a PDF whose header comes after more than 1024 bytes of other data");
  EXPECT_EQ(DescribeUnaccepted(std::string("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF", 14)),
            "unrecognised bytes (starting 4d 5a 90 00 03 00 00 00)");
  EXPECT_EQ(DescribeUnaccepted(std::string("ab\x01", 3)), "unrecognised bytes (starting 61 62 01)");
  EXPECT_EQ(DescribeUnaccepted(Pdf()), "PDF");  // accepted bytes get their label
}

TEST(ContentTypeSnifferTest, LabelsEveryTypeAndAnUnknownNumber) {
  EXPECT_STREQ(ContentTypeLabel(v1::CONTENT_PDF), "PDF");
  EXPECT_STREQ(ContentTypeLabel(v1::CONTENT_OFD), "OFD");
  EXPECT_STREQ(ContentTypeLabel(v1::CONTENT_JPEG), "JPEG");
  EXPECT_STREQ(ContentTypeLabel(v1::CONTENT_PNG), "PNG");
  EXPECT_STREQ(ContentTypeLabel(v1::CONTENT_TIFF), "TIFF");
  EXPECT_STREQ(ContentTypeLabel(v1::CONTENT_DOCX), "DOCX");
  EXPECT_STREQ(ContentTypeLabel(v1::CONTENT_XLSX), "XLSX");
  EXPECT_STREQ(ContentTypeLabel(v1::CONTENT_TYPE_UNSPECIFIED), "unknown");
  EXPECT_STREQ(ContentTypeLabel(static_cast<ContentType>(99)), "unknown");
}

TEST(ContentTypeSnifferTest, EveryPrefixOfAValidFileIsItsTypeOrUnspecified) {
  GuardedBuffer buffer;
  for (const auto& [type, bytes] : ValidSamples()) {
    for (std::size_t n = 0; n <= bytes.size(); ++n) {
      const absl::string_view prefix = buffer.Place(absl::string_view(bytes).substr(0, n));
      const ContentType got = SniffContentType(prefix);
      EXPECT_TRUE(got == type || got == v1::CONTENT_TYPE_UNSPECIFIED)
          << ContentTypeLabel(type) << " cut to " << n << " bytes: " << ContentTypeLabel(got);
      EXPECT_FALSE(DescribeUnaccepted(prefix).empty());
    }
    EXPECT_EQ(SniffContentType(buffer.Place(bytes)), type) << ContentTypeLabel(type);
  }
}

// A local header: signature, version, flags, method, time, date, CRC, sizes,
// name and extra lengths, as the caller gives them, then `tail`.
std::string LocalHeader(uint32_t flags, uint32_t compressed, uint32_t name_length,
                        uint32_t extra_length, absl::string_view tail) {
  std::string h("PK\x03\x04", 4);
  Put16(&h, 20);
  Put16(&h, flags);
  Put16(&h, 0);
  Put16(&h, 0);
  Put16(&h, 0);
  Put32(&h, 0);
  Put32(&h, compressed);
  Put32(&h, compressed);
  Put16(&h, name_length);
  Put16(&h, extra_length);
  h.append(tail.data(), tail.size());
  return h;
}

TEST(ContentTypeSnifferTest, LengthsPointingPastTheEndAreNotFollowed) {
  GuardedBuffer buffer;
  // The name runs past the end: the part present says nothing.
  EXPECT_EQ(SniffContentType(buffer.Place(LocalHeader(0, 0, 0xFFFF, 0, "word/"))),
            v1::CONTENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(SniffContentType(buffer.Place(LocalHeader(0, 0, 6, 0, "word/"))),
            v1::CONTENT_TYPE_UNSPECIFIED);
  // The name is whole; the extra field or the data runs past the end.
  EXPECT_EQ(SniffContentType(buffer.Place(LocalHeader(0, 0, 5, 0xFFFF, "word/"))), v1::CONTENT_DOCX);
  EXPECT_EQ(SniffContentType(buffer.Place(LocalHeader(0, 0xFFFFFFF0u, 3, 0, "xl/abc"))),
            v1::CONTENT_XLSX);
  EXPECT_EQ(SniffContentType(buffer.Place(LocalHeader(8, 0, 3, 0xFFFF, "xl/"))), v1::CONTENT_XLSX);
  // Data descriptors all the way: every search finds the next header, or none.
  std::string chain;
  for (int i = 0; i < 1000; ++i) chain += LocalHeader(8, 0, 0, 0, "");
  chain += LocalHeader(8, 0, 7, 0, "OFD.xml");
  EXPECT_EQ(SniffContentType(buffer.Place(chain)), v1::CONTENT_OFD);
  EXPECT_EQ(SniffContentType(buffer.Place(chain.substr(0, chain.size() - 1))),
            v1::CONTENT_TYPE_UNSPECIFIED);
}

TEST(ContentTypeSnifferTest, RandomBytesAfterAZipSignatureNeverCrashOrHang) {
  GuardedBuffer buffer;
  std::mt19937 rng(20240501);  // fixed: the same inputs every run
  const std::vector<std::string> seeds = {Docx(), Xlsx(), Ofd(), DocxStreamed()};
  int accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string bytes;
    if (i % 2 == 0) {
      // Random bytes, with a sprinkling of signatures and small lengths so
      // that some headers chain.
      bytes.assign("PK\x03\x04", 4);
      const std::size_t length = rng() % 600;
      while (bytes.size() < length) {
        const uint32_t r = rng();
        if (r % 23 == 0) {
          bytes += "PK\x03\x04";
        } else if (r % 29 == 0) {
          bytes += "word/";
        } else {
          bytes.push_back(static_cast<char>(r % 7 == 0 ? (r >> 8) % 4 : (r >> 8) & 0xFF));
        }
      }
    } else {
      // A valid archive with a few bytes changed and maybe cut short.
      bytes = seeds[rng() % seeds.size()];
      const int changes = 1 + static_cast<int>(rng() % 8);
      for (int c = 0; c < changes; ++c) bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xFF);
      if (rng() % 2 == 0) bytes.resize(rng() % (bytes.size() + 1));
    }
    const ContentType got = SniffContentType(buffer.Place(bytes));
    ASSERT_TRUE(got == v1::CONTENT_TYPE_UNSPECIFIED || got == v1::CONTENT_DOCX ||
                got == v1::CONTENT_XLSX || got == v1::CONTENT_OFD)
        << "input " << i << ": " << ContentTypeLabel(got);
    if (got != v1::CONTENT_TYPE_UNSPECIFIED) ++accepted;
    ASSERT_FALSE(DescribeUnaccepted(buffer.Place(bytes)).empty());
  }
  // The mutated archives mostly keep their telling entry: the walk went deep.
  EXPECT_GT(accepted, 1000);
}

}  // namespace
}  // namespace caselink
