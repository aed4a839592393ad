#include "auth/free_text_scanner.h"

#include <cstring>

namespace caselink::auth {
namespace {

// GB 11643-1999 (ISO 7064 MOD 11-2): weight of position i is 2^(17-i) mod 11;
// the check character for sum mod 11 = 0..10.
constexpr int kIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kIdCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

// GB 32100-2015: the 31 characters (no I, O, S, V, Z) and their values; the
// weight of position i is 3^(i-1) mod 31; the check value is 31 - sum mod 31
// (31 itself written 0).
constexpr char kCreditChars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kCreditWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int CreditValue(char c) {
  const char* p = c == '\0' ? nullptr : std::strchr(kCreditChars, c);
  return p == nullptr ? -1 : static_cast<int>(p - kCreditChars);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool RealDate(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kDays[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

int Num(absl::string_view s, size_t from, size_t n) {
  int v = 0;
  for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool IsMobile(const char* d) {  // 11 digits
  return d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

// What a byte position holds: an alphanumeric code point (ASCII, or the
// full-width forms U+FF10-FF19, U+FF21-FF3A, U+FF41-FF5A, three bytes each),
// normalised to an upper-case ASCII character, or 0 for anything else.
// Every other byte (Chinese, punctuation, invalid UTF-8) is a boundary; no
// other code point can contain the byte 0xEF, so reading byte by byte never
// sees a full-width form that is not there.
char Classify(absl::string_view s, size_t i, size_t* len) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  *len = 1;
  if (c < 0x80) {
    if (IsDigit(static_cast<char>(c))) return static_cast<char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return Upper(static_cast<char>(c));
    return 0;
  }
  if (c != 0xEF || i + 2 >= s.size()) return 0;
  const unsigned char b1 = static_cast<unsigned char>(s[i + 1]);
  const unsigned char b2 = static_cast<unsigned char>(s[i + 2]);
  if (b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) {
    *len = 3;
    return static_cast<char>('0' + (b2 - 0x90));
  }
  if (b1 == 0xBC && b2 >= 0xA1 && b2 <= 0xBA) {
    *len = 3;
    return static_cast<char>('A' + (b2 - 0xA1));
  }
  if (b1 == 0xBD && b2 >= 0x81 && b2 <= 0x9A) {
    *len = 3;
    return static_cast<char>('A' + (b2 - 0x81));
  }
  return 0;
}

// Bytes that may begin an alphanumeric code point: ASCII letters and digits,
// and 0xEF (the lead byte of the full-width forms).
struct MayStartTable {
  bool t[256] = {};
  MayStartTable() {
    for (int c = '0'; c <= '9'; ++c) t[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
    t[0xEF] = true;
  }
  bool operator[](unsigned char c) const { return t[c]; }
};
const MayStartTable kMayStart;

// The scan's state: the current run of digits and the current run of
// letters and digits. Only their first characters are kept (no candidate is
// longer than 19), so memory is constant and nothing is re-read.
class Scanner {
 public:
  Scanner(absl::string_view text, std::vector<FreeTextMatch>* out, ScanStats* stats)
      : text_(text), out_(out), stats_(stats) {}

  void Run() {
    size_t i = 0;
    while (i < text_.size()) {
      if (alen_ == 0) {
        // Between runs (most of a Chinese text): skip, in a tight loop, the
        // bytes that cannot start a letter or digit. Nothing is pending.
        const size_t from = i;
        while (i < text_.size() && !kMayStart[static_cast<unsigned char>(text_[i])]) ++i;
        Step(i - from);
        if (i == text_.size()) break;
      }
      size_t len;
      const char c = Classify(text_, i, &len);
      Step(1);
      if (!IsDigit(c)) EndDigits(c, i + len);
      if (c == 0) {
        EndAlnum(i);
      } else {
        if (alen_ == 0) {
          astart_ = i;
          afirst_match_ = out_->size();
        }
        if (alen_ < kKeep) abuf_[alen_] = c;
        ++alen_;
        if (IsDigit(c)) {
          if (dlen_ < kKeep) {
            dbuf_[dlen_] = c;
            doff_[dlen_] = i;
          }
          ++dlen_;
          dend_ = i + len;
        }
      }
      i += len;
    }
    EndDigits(0, text_.size());
    EndAlnum(text_.size());
  }

 private:
  static constexpr size_t kKeep = 20;

  void Step(uint64_t n) {
    if (stats_ != nullptr) stats_->steps += n;
  }

  static int Bit(FreeTextClass c) { return 1 << static_cast<int>(c); }

  void Add(size_t begin, size_t end, FreeTextClass cls, int also = 0) {
    out_->push_back(FreeTextMatch{begin, end, cls, also});
  }

  // The digit run ends before a character normalised to `next` (0 for a
  // non-alphanumeric one or the end) whose bytes end at `next_end`.
  void EndDigits(char next, size_t next_end) {
    const size_t n = dlen_;
    dlen_ = 0;
    if (n < 11 || n > 19) return;
    Step(n);
    const absl::string_view d(dbuf_, n);
    if (n == 17 && next == 'X') {
      char id[18];
      std::memcpy(id, dbuf_, 17);
      id[17] = 'X';
      if (ValidIdNumber18(absl::string_view(id, 18))) {
        Add(doff_[0], next_end, FreeTextClass::kIdNumber);
        return;
      }
    }
    if (n == 18 && (ValidIdNumber18(d) || LuhnValid(d))) {
      // Every class these 18 digits pass, whatever their context.
      const int cc = ValidCreditCode(d) ? Bit(FreeTextClass::kCreditCode) : 0;
      if (ValidIdNumber18(d)) {
        Add(doff_[0], dend_, FreeTextClass::kIdNumber,
            cc | (LuhnValid(d) ? Bit(FreeTextClass::kBankCard) : 0));
      } else {
        Add(doff_[0], dend_, FreeTextClass::kBankCard, cc);
      }
    } else if (n == 15 && ValidIdNumber15(d)) {
      Add(doff_[0], dend_, FreeTextClass::kIdNumber);
    } else if (n == 11 && IsMobile(dbuf_)) {
      Add(doff_[0], dend_, FreeTextClass::kMobile);
    } else if (n == 13 && dbuf_[0] == '8' && dbuf_[1] == '6' && IsMobile(dbuf_ + 2)) {
      Add(doff_[2], dend_, FreeTextClass::kMobile);
    } else if (n >= 16 && LuhnValid(d)) {
      Add(doff_[0], dend_, FreeTextClass::kBankCard);
    }
  }

  // The alphanumeric run ends at byte `end`. An 18-character run that is a
  // credit code replaces what its digits matched, unless they are an
  // identity number (both checks passing is rare; the stricter one wins).
  void EndAlnum(size_t end) {
    const size_t n = alen_;
    alen_ = 0;
    if (n != 18) return;
    Step(n);
    if (!ValidCreditCode(absl::string_view(abuf_, 18))) return;
    int also = 0;
    if (out_->size() > afirst_match_) {
      FreeTextMatch& m = (*out_)[afirst_match_];
      if (m.begin == astart_ && m.end == end) {  // the whole run: keep it, add the class
        m.also |= Bit(FreeTextClass::kCreditCode);
        return;
      }
      // At most one match of 11+ digits fits in 18 characters.
      also = Bit(m.cls) | m.also;
      out_->resize(afirst_match_);
    }
    Add(astart_, end, FreeTextClass::kCreditCode, also);
  }

  absl::string_view text_;
  std::vector<FreeTextMatch>* out_;
  ScanStats* stats_;

  char dbuf_[kKeep];
  size_t doff_[kKeep];
  size_t dlen_ = 0;
  size_t dend_ = 0;

  char abuf_[kKeep];
  size_t alen_ = 0;
  size_t astart_ = 0;
  size_t afirst_match_ = 0;
};

}  // namespace

bool ValidIdNumber18(absl::string_view s) {
  if (s.size() != 18) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (!IsDigit(s[i])) return false;
    sum += (s[i] - '0') * kIdWeights[i];
  }
  if (s[0] == '0') return false;  // no division code starts with 0
  return Upper(s[17]) == kIdCheck[sum % 11];
}

bool ValidIdNumber15(absl::string_view s) {
  if (s.size() != 15) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  if (s[0] < '1' || s[0] > '8') return false;
  return RealDate(1900 + Num(s, 6, 2), Num(s, 8, 2), Num(s, 10, 2));
}

bool ValidCreditCode(absl::string_view s) {
  if (s.size() != 18) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const int v = CreditValue(Upper(s[i]));
    if (v < 0) return false;
    if (i >= 2 && i < 8 && v > 9) return false;  // division code: digits
    sum += v * kCreditWeights[i];
  }
  const int check = (31 - sum % 31) % 31;
  return CreditValue(Upper(s[17])) == check;
}

bool LuhnValid(absl::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (size_t k = digits.size(); k-- > 0;) {
    if (!IsDigit(digits[k])) return false;
    int v = digits[k] - '0';
    if (twice) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

void ScanFreeText(absl::string_view text, std::vector<FreeTextMatch>* out, ScanStats* stats) {
  Scanner(text, out, stats).Run();
}

}  // namespace caselink::auth
