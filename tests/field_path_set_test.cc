// FieldPathSet: interned paths (one copy per distinct text, stable), a set
// that iterates in text order with each path once, and lookups by text.
#include "auth/field_path_set.h"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(InternFieldPathTest, EqualTextGivesTheSamePointerAndOtherTextAnother) {
  const std::string* a = InternFieldPath("parties.person.name");
  std::string built = "parties.person";
  built += ".name";
  EXPECT_EQ(InternFieldPath(built), a);
  EXPECT_EQ(*a, "parties.person.name");
  EXPECT_NE(InternFieldPath("parties.person.id_number"), a);
}

TEST(InternFieldPathTest, ThreadsInterningTheSameTextAgree) {
  std::vector<const std::string*> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = InternFieldPath("interned.by.many.threads"); });
  }
  for (auto& t : threads) t.join();
  for (const std::string* p : seen) EXPECT_EQ(p, seen[0]);
}

TEST(FieldPathSetTest, IteratesInTextOrderWithEachPathOnce) {
  FieldPathSet s;
  EXPECT_TRUE(s.insert(InternFieldPath("title")));
  EXPECT_TRUE(s.insert("facts"));
  EXPECT_TRUE(s.insert(std::string("parties.person.name")));
  EXPECT_FALSE(s.insert(InternFieldPath("facts")));  // a repeated field's path is reported once
  EXPECT_FALSE(s.insert("title"));
  EXPECT_THAT(s, ElementsAre("facts", "parties.person.name", "title"));
  EXPECT_EQ(s.size(), 3u);
}

TEST(FieldPathSetTest, CountFindsByText) {
  FieldPathSet s;
  s.insert("b");
  s.insert("a.c");
  EXPECT_EQ(s.count("a.c"), 1u);
  EXPECT_EQ(s.count(std::string("b")), 1u);
  EXPECT_EQ(s.count("a"), 0u);  // a prefix is not the path
  EXPECT_EQ(s.count("c"), 0u);
  EXPECT_EQ(FieldPathSet().count("b"), 0u);
}

TEST(FieldPathSetTest, ACopyIsIndependentAndClearEmpties) {
  FieldPathSet s;
  s.insert("x");
  FieldPathSet copy = s;
  copy.insert("y");
  EXPECT_THAT(s, ElementsAre("x"));
  EXPECT_THAT(copy, ElementsAre("x", "y"));
  s.clear();
  EXPECT_THAT(s, IsEmpty());
  EXPECT_TRUE(s.empty());
}

TEST(FieldPathSetTest, ManyPathsStaySortedWhateverTheInsertOrder) {
  FieldPathSet s;
  std::vector<std::string> want;
  for (int i = 99; i >= 0; --i) {
    const std::string p = "f" + std::to_string(i * 37 % 100);
    s.insert(p);
    want.push_back(p);
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(std::vector<std::string>(s.begin(), s.end()), want);
}

}  // namespace
}  // namespace caselink::auth
