// server::IsValidResidentId (身份证号, GB 11643) and IsValidCreditCode
// (统一社会信用代码, GB 32100).
#include "server/core/party_ids.h"

#include <string>

#include "gtest/gtest.h"

namespace caselink::server {
namespace {

TEST(ResidentIdTest, ValidNumbers) {
  for (const char* id : {"510105199001011237", "11010519491231002X", "440308199901101512",
                         "510122200002290014", "510105200012314562", "510105190001010006"}) {
    EXPECT_TRUE(IsValidResidentId(id)) << id;
  }
}

TEST(ResidentIdTest, WrongCheckCharacter) {
  EXPECT_FALSE(IsValidResidentId("510105199001011234"));
  EXPECT_FALSE(IsValidResidentId("510105199001011230"));
  EXPECT_FALSE(IsValidResidentId("510105199001011238"));
  EXPECT_FALSE(IsValidResidentId("110105194912310021"));  // X expected
  EXPECT_FALSE(IsValidResidentId("51010519900101123X"));  // 7 expected
}

TEST(ResidentIdTest, LowercaseXIsRefused) {
  EXPECT_FALSE(IsValidResidentId("11010519491231002x"));
}

TEST(ResidentIdTest, WrongLength) {
  EXPECT_FALSE(IsValidResidentId(""));
  EXPECT_FALSE(IsValidResidentId("51010519900101123"));     // 17
  EXPECT_FALSE(IsValidResidentId("5101051990010112370"));   // 19
  EXPECT_FALSE(IsValidResidentId("510105900101123"));       // old 15-digit form
}

TEST(ResidentIdTest, LettersAndOtherCharacters) {
  EXPECT_FALSE(IsValidResidentId("51010519900101A237"));
  EXPECT_FALSE(IsValidResidentId("X10105199001011237"));
  EXPECT_FALSE(IsValidResidentId("510105 99001011237"));
  EXPECT_FALSE(IsValidResidentId(std::string("510105199001\0" "11237", 18)));
  EXPECT_FALSE(IsValidResidentId("５１０１０５１９９００１０１１２３７"));  // full-width digits
}

TEST(ResidentIdTest, ImpossibleBirthDates) {
  // Each has a correct check character for its (wrong) date.
  EXPECT_FALSE(IsValidResidentId("510105199013011234"));  // month 13
  EXPECT_FALSE(IsValidResidentId("51010519900000123X"));  // month 00, day 00
  EXPECT_FALSE(IsValidResidentId("510105199001001231"));  // day 00
  EXPECT_FALSE(IsValidResidentId("510105199001321235"));  // day 32
  EXPECT_FALSE(IsValidResidentId("510105189901011233"));  // 1899
  EXPECT_FALSE(IsValidResidentId("510105210101010009"));  // 2101
}

TEST(ResidentIdTest, NonexistentCalendarDate) {
  // 1990-02-30 does not exist; the check character is right for it.
  ASSERT_TRUE(IsValidResidentId("510105202402291238"));  // 2024-02-29 does
  if (IsValidResidentId("510105199002301236")) {
    FAIL() << "regression: server/core/party_ids.cc IsValidResidentId only checks day 1-31, so "
                    "1990-02-30 (and 04-31, 02-29 of non-leap years) passes as a birth date; "
                    "check the day against the month's length (absl::CivilDay round trip)";
  }
}

TEST(CreditCodeTest, ValidCodes) {
  for (const char* code : {"91510181MA6C12341E", "91350100M000100Y43", "91110000100000000R",
                           "12100000000000000F"}) {
    EXPECT_TRUE(IsValidCreditCode(code)) << code;
  }
}

TEST(CreditCodeTest, WrongCheckCharacter) {
  EXPECT_FALSE(IsValidCreditCode("91510181MA6C12341F"));
  EXPECT_FALSE(IsValidCreditCode("91510181MA6C123410"));
  EXPECT_FALSE(IsValidCreditCode("91350100M000100Y44"));
  EXPECT_FALSE(IsValidCreditCode("91510181MA6C12431E"));  // transposed digits
}

TEST(CreditCodeTest, ForbiddenLetters) {
  // I, O, S, V, Z never occur in a code, wherever they are.
  for (char c : {'I', 'O', 'S', 'V', 'Z'}) {
    std::string code = "91510181MA6C12341E";
    code[9] = c;  // the 'A'
    EXPECT_FALSE(IsValidCreditCode(code)) << code;
    std::string last = "91510181MA6C12341E";
    last[17] = c;
    EXPECT_FALSE(IsValidCreditCode(last)) << last;
  }
}

TEST(CreditCodeTest, LowercaseAndOtherCharacters) {
  EXPECT_FALSE(IsValidCreditCode("91510181ma6c12341e"));
  EXPECT_FALSE(IsValidCreditCode("91510181MA6C1234-E"));
  EXPECT_FALSE(IsValidCreditCode(std::string("91510181MA6C1234\0E", 18)));
}

TEST(CreditCodeTest, WrongLength) {
  EXPECT_FALSE(IsValidCreditCode(""));
  EXPECT_FALSE(IsValidCreditCode("91510181MA6C12341"));
  EXPECT_FALSE(IsValidCreditCode("91510181MA6C12341E0"));
}

}  // namespace
}  // namespace caselink::server
