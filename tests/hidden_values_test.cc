// auth::HiddenValues: finding a case's withheld personal values again inside
// its text, and what each becomes.
#include "auth/hidden_values.h"

#include <string>

#include "gtest/gtest.h"

namespace caselink::auth {
namespace {

std::string Applied(const HiddenValues& h, const std::string& text) {
  std::string out = "untouched";
  return h.Apply(text, &out) ? out : "(none)";
}

TEST(HiddenValuesTest, ReplacesEveryOccurrenceAndKeepsTheRestByteForByte) {
  HiddenValues h;
  h.Add("张三", "张*", false);
  EXPECT_EQ(Applied(h, "张三与张三的兄弟"), "张*与张*的兄弟");
  EXPECT_EQ(Applied(h, "  张三\n"), "  张*\n");
  EXPECT_EQ(Applied(h, "无人"), "(none)");
}

TEST(HiddenValuesTest, NothingFoundLeavesOutUntouched) {
  HiddenValues h;
  h.Add("张三", "张*", false);
  std::string out = "before";
  EXPECT_FALSE(h.Apply("李四", &out));
  EXPECT_EQ(out, "before");
}

TEST(HiddenValuesTest, TheLongerValueWinsAtTheSamePlace) {
  HiddenValues h;
  h.Add("张三", "A", false);
  h.Add("张三丰", "B", false);
  EXPECT_EQ(Applied(h, "张三丰和张三"), "B和A");
}

TEST(HiddenValuesTest, OverlappingValuesReplaceTheLeftmost) {
  HiddenValues h;
  h.Add("ab", "X", false);
  h.Add("bc", "Y", false);
  EXPECT_EQ(Applied(h, "abc bc"), "Xc Y");
}

TEST(HiddenValuesTest, ADeniedRenderingOfTheSameValueWins) {
  HiddenValues h;
  h.Add("李四", "李*", false);
  h.Add("李四", "[已屏蔽]", true);
  h.Add("李四", "李*", false);
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(Applied(h, "受李四指使"), "受[已屏蔽]指使");
}

TEST(HiddenValuesTest, ValuesShorterThanTwoCodePointsAreIgnored) {
  HiddenValues h;
  h.Add("", "x", true);
  h.Add("张", "*", false);
  h.Add("a", "*", false);
  EXPECT_TRUE(h.empty());
  h.Add("ab", "**", false);
  EXPECT_EQ(h.size(), 1u);
}

TEST(HiddenValuesTest, MatchesNeverSplitACodePoint) {
  // "三" is E4 B8 89; a value made of its last bytes plus more must not match
  // inside it. Values are valid UTF-8, so a match starts on a boundary.
  HiddenValues h;
  h.Add("三丰", "**", false);
  EXPECT_EQ(Applied(h, "张三丰"), "张**");
  EXPECT_EQ(Applied(h, "张三"), "(none)");
}

TEST(HiddenValuesTest, DigitsSpacedOutOrHyphenatedAreStillFound) {
  HiddenValues h;
  h.Add("13800138000", "138****8000", false);
  EXPECT_EQ(Applied(h, "电话138 0013-8000。"), "电话138****8000。");
  EXPECT_EQ(Applied(h, "电话 138.0013.8000 或 1-3-8-0-0-1-3-8-0-0-0"), "电话 138****8000 或 138****8000");
  // The ideographic space, a typographic dash, zero-width spaces.
  EXPECT_EQ(Applied(h, "138\u30000013\u20148000"), "138****8000");
  EXPECT_EQ(Applied(h, "1\u200b3\u200b800138000"), "138****8000");
  EXPECT_EQ(Applied(h, "1380013800"), "(none)");
}

TEST(HiddenValuesTest, FullWidthFormsAndTheCaseOfLettersAreFolded) {
  HiddenValues h;
  h.Add("51018119850312123X", "510***********123X", false);
  EXPECT_EQ(Applied(h, "身份证５１０１８１１９８５０３１２１２３ｘ号"), "身份证510***********123X号");
  EXPECT_EQ(Applied(h, "身份证51018119850312123x号"), "身份证510***********123X号");
}

TEST(HiddenValuesTest, ANameSpacedOutIsFoundAndTheTextAroundItKept) {
  HiddenValues h;
  h.Add("张三丰", "张**", false);
  EXPECT_EQ(Applied(h, "据张 三 丰称"), "据张**称");
  EXPECT_EQ(Applied(h, "（张\u00b7三丰） "), "（张**） ");
  // Separators before and after a value are not part of it.
  EXPECT_EQ(Applied(h, " - 张三丰 - "), " - 张** - ");
}

TEST(HiddenValuesTest, TwoSpellingsOfOneValueAreOneValue) {
  HiddenValues h;
  h.Add("138 0013 8000", "138****8000", false);
  h.Add("13800138000", "[已屏蔽]", true);
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(Applied(h, "13800138000"), "[已屏蔽]");
  // A value that is only separators and one character is too short.
  h.Add("- 1 -", "*", false);
  EXPECT_EQ(h.size(), 1u);
}

TEST(HiddenValuesTest, BytesThatAreNotUtf8AreKeptAsTheyAre) {
  HiddenValues h;
  h.Add("ab", "**", false);
  EXPECT_EQ(Applied(h, "\xff a b\xfe\xe4"), "\xff **\xfe\xe4");
}

}  // namespace
}  // namespace caselink::auth
