// auth::MaskValue and MaskBook: what a clerk sees of a masked value.
#include "auth/masking.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::auth {
namespace {

v1::MaskRule Rule(int first, int last, const std::string& mask_char = "") {
  v1::MaskRule r;
  r.set_keep_first(first);
  r.set_keep_last(last);
  if (!mask_char.empty()) r.set_mask_char(mask_char);
  return r;
}

TEST(MaskValueTest, IdNumberKeepsThreeAndFour) {
  EXPECT_EQ(MaskValue("510105199001011234", Rule(3, 4)), "510***********1234");
  EXPECT_EQ(MaskValue("11010519491231002X", Rule(3, 4)), "110***********002X");
}

TEST(MaskValueTest, NameKeepsTheFirstCodePoint) {
  EXPECT_EQ(MaskValue("张三", Rule(1, 0)), "张*");
  EXPECT_EQ(MaskValue("欧阳娜娜", Rule(1, 0)), "欧***");
  EXPECT_EQ(MaskValue("Zhang San", Rule(1, 0)), "Z********");
}

TEST(MaskValueTest, Phone) {
  EXPECT_EQ(MaskValue("13812345678", Rule(3, 4)), "138****5678");
}

TEST(MaskValueTest, CreditCode) {
  EXPECT_EQ(MaskValue("91510181MA6C12341E", Rule(2, 4)), "91************341E");
}

TEST(MaskValueTest, AddressKeepsTheLeadingCodePoints) {
  EXPECT_EQ(MaskValue("四川省成都市锦江区某街1号", Rule(6, 0)), "四川省成都市*******");
}

TEST(MaskValueTest, ShortValuesAreNeverFullyRevealed) {
  const std::string digits = "123456789";
  for (size_t n = 1; n <= 7; ++n) {
    const std::string v = digits.substr(0, n);
    const std::string m = MaskValue(v, Rule(3, 4));
    EXPECT_NE(m, v) << v;
    EXPECT_EQ(m.size(), v.size()) << v;  // one '*' per hidden ASCII char
    EXPECT_THAT(m, ::testing::HasSubstr("*")) << v;
  }
  EXPECT_EQ(MaskValue("1", Rule(3, 4)), "*");
  EXPECT_EQ(MaskValue("12", Rule(3, 4)), "1*");
  EXPECT_EQ(MaskValue("1234567", Rule(3, 4)), "123*567");
  EXPECT_EQ(MaskValue("12345678", Rule(3, 4)), "123*5678");
  EXPECT_EQ(MaskValue("张", Rule(1, 0)), "*");
  EXPECT_EQ(MaskValue("张三", Rule(5, 5)), "张*");
}

TEST(MaskValueTest, EmptyStaysEmpty) {
  EXPECT_EQ(MaskValue("", Rule(3, 4)), "");
  EXPECT_EQ(MaskValue("", Rule(0, 0)), "");
  EXPECT_EQ(MaskValue("", Rule(0, 0, "#")), "");
}

TEST(MaskValueTest, NoKeepHidesEverything) {
  EXPECT_EQ(MaskValue("张三丰", Rule(0, 0)), "***");
  EXPECT_EQ(MaskValue("abc", v1::MaskRule()), "***");
}

TEST(MaskValueTest, NegativeKeepsCountAsZero) {
  EXPECT_EQ(MaskValue("abcd", Rule(-2, -1)), "****");
}

TEST(MaskValueTest, CustomMaskChar) {
  EXPECT_EQ(MaskValue("13812345678", Rule(3, 4, "#")), "138####5678");
  EXPECT_EQ(MaskValue("张三", Rule(1, 0, "某")), "张某");
  EXPECT_EQ(MaskValue("张三", Rule(1, 0, "×")), "张×");
}

TEST(MaskValueTest, InvalidUtf8IsNeverEchoedWhole) {
  for (const std::string& bad :
       {std::string("\xff\xfe\xfd"), std::string("\xe5\xbc"), std::string("ab\xe5\xbc"),
        std::string("\xe5\xbc\xa0\xe4"), std::string("\x80\x80\x80\x80"),
        std::string("\xf0\x9f\x98"), std::string("\xc3")}) {
    for (const v1::MaskRule& r : {Rule(0, 0), Rule(1, 0), Rule(3, 4), Rule(1, 1)}) {
      const std::string m = MaskValue(bad, r);
      EXPECT_NE(m, bad) << "keep " << r.keep_first() << "/" << r.keep_last();
      EXPECT_THAT(m, ::testing::HasSubstr("*"));
    }
  }
  // Valid code points around an invalid byte stay whole.
  EXPECT_EQ(MaskValue("张\xff三", Rule(1, 1)), "张*三");
}

TEST(MaskValueTest, FourByteCodePointsAreNotSplit) {
  EXPECT_EQ(MaskValue("😀😁😂", Rule(1, 1)), "😀*😂");
}

TEST(MaskBookTest, UsesTheRuleOfEachShape) {
  google::protobuf::RepeatedPtrField<v1::MaskRule> rules;
  v1::MaskRule* name = rules.Add();
  name->set_shape(v1::MASK_SHAPE_NAME);
  name->set_keep_first(1);
  v1::MaskRule* id = rules.Add();
  id->set_shape(v1::MASK_SHAPE_ID_NUMBER);
  id->set_keep_first(3);
  id->set_keep_last(4);
  id->set_mask_char("#");
  MaskBook book(rules);
  EXPECT_EQ(book.Mask("张三", v1::MASK_SHAPE_NAME), "张*");
  EXPECT_EQ(book.Mask("510105199001011234", v1::MASK_SHAPE_ID_NUMBER), "510###########1234");
  // No rule for these shapes: everything hidden.
  EXPECT_EQ(book.Mask("13812345678", v1::MASK_SHAPE_PHONE), "***********");
  EXPECT_EQ(book.Mask("四川省", v1::MASK_SHAPE_ADDRESS), "***");
  EXPECT_EQ(book.Mask("free text", v1::MASK_SHAPE_UNSPECIFIED), "*********");
  EXPECT_EQ(book.Mask("", v1::MASK_SHAPE_PHONE), "");
}

TEST(MaskBookTest, EmptyBookHidesEverything) {
  MaskBook book;
  EXPECT_EQ(book.Mask("张三", v1::MASK_SHAPE_NAME), "**");
  EXPECT_EQ(book.Mask("510105199001011234", v1::MASK_SHAPE_ID_NUMBER), std::string(18, '*'));
}

}  // namespace
}  // namespace caselink::auth

namespace caselink::auth {
namespace {

// Found by fuzz_policy_parse: huge keep lengths overflowed int (and could
// reveal the value) or looped for seconds. They are clamped now.
TEST(MaskValueHugeKeepTest, HugeKeepLengthsNeverRevealAndReturnAtOnce) {
  v1::MaskRule r;
  r.set_keep_first(2147483647);
  r.set_keep_last(1);
  const std::string id = "510181198503121235";
  std::string m = MaskValue(id, r);
  EXPECT_NE(m, id);
  EXPECT_EQ(m.size(), id.size());
  EXPECT_NE(m.find('*'), std::string::npos);
  r.set_keep_first(2000000000);
  r.set_keep_last(2000000000);
  EXPECT_NE(MaskValue(id, r), id);
}

}  // namespace
}  // namespace caselink::auth
