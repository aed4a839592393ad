// Who may open which workflow item and to whom (workflow/creation_rules.h),
// and the late notes of 国务院令第310号 第五条, without a server.
#include "workflow/creation_rules.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class FakeDirectory : public AgencyDirectory {
 public:
  std::vector<v1::Role> RolesOf(const std::string& agency) const override {
    auto it = roles_.find(agency);
    return it == roles_.end() ? std::vector<v1::Role>{} : it->second;
  }
  std::vector<std::string> AgenciesWith(v1::Role role) const override {
    std::vector<std::string> out;
    for (const auto& [id, roles] : roles_) {
      for (v1::Role r : roles) {
        if (r == role) out.push_back(id);
      }
    }
    return out;
  }

 private:
  std::map<std::string, std::vector<v1::Role>> roles_ = {
      {"market", {v1::ENFORCEMENT}}, {"town-a", {v1::TOWN}},      {"psb", {v1::POLICE}},
      {"proc", {v1::PROCURATORATE}}, {"justice", {v1::JUSTICE}}, {"gov", {v1::GOVERNMENT}},
      {"ops", {v1::OPERATOR}}};
};

Actor As(const std::string& id, const FakeDirectory& d) { return Actor{id, d.RolesOf(id)}; }

struct SenderCase {
  const CreationRule& (*rule)();
  std::string agency;
  bool allowed;
};

TEST(CreationRulesTest, EverySenderAgainstEveryRule) {
  const FakeDirectory d;
  const std::vector<SenderCase> cases = {
      {ForwardTransferCreation, "market", true},  {ForwardTransferCreation, "town-a", true},
      {ForwardTransferCreation, "psb", false},    {ForwardTransferCreation, "proc", false},
      {ForwardTransferCreation, "justice", false}, {ForwardTransferCreation, "gov", false},
      {ReverseTransferCreation, "proc", true},    {ReverseTransferCreation, "market", false},
      // 行政处罚法 第二十七条: the police hand cases back too.
      {ReverseTransferCreation, "psb", true},     {ReverseTransferCreation, "justice", false},
      {ReverseTransferCreation, "gov", false},    {SupervisionCreation, "proc", true},
      {SupervisionCreation, "market", false},     {SupervisionCreation, "justice", false},
      {SupervisionCreation, "ops", false},
  };
  for (const SenderCase& c : cases) {
    const absl::Status s = CheckSender(c.rule(), As(c.agency, d));
    if (c.allowed) {
      EXPECT_TRUE(s.ok()) << c.rule().kind << " by " << c.agency << ": " << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << c.rule().kind << " by " << c.agency;
      EXPECT_THAT(std::string(s.message()), HasSubstr("rule:")) << "the refusal names its rule";
    }
  }
}

TEST(CreationRulesTest, ReceiverMustBeAnotherAgencyOfTheRightRole) {
  const FakeDirectory d;
  const Actor market = As("market", d);
  EXPECT_TRUE(CheckReceiver(ForwardTransferCreation(), market, "psb", d).ok());
  auto s = CheckReceiver(ForwardTransferCreation(), market, "", d);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("receiver_agency: is required"));
  s = CheckReceiver(ForwardTransferCreation(), market, "market", d);
  EXPECT_THAT(std::string(s.message()), HasSubstr("must be another agency"));
  s = CheckReceiver(ForwardTransferCreation(), market, "nobody", d);
  EXPECT_THAT(std::string(s.message()), HasSubstr("not an agency of the district"));
  s = CheckReceiver(ForwardTransferCreation(), market, "justice", d);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("is not a police agency"));

  const Actor proc = As("proc", d);
  EXPECT_TRUE(CheckReceiver(ReverseTransferCreation(), proc, "town-a", d).ok());
  EXPECT_FALSE(CheckReceiver(ReverseTransferCreation(), proc, "psb", d).ok());
  for (const char* supervised : {"market", "town-a", "psb", "justice", "gov"}) {
    EXPECT_TRUE(CheckReceiver(SupervisionCreation(), proc, supervised, d).ok()) << supervised;
  }
  EXPECT_FALSE(CheckReceiver(SupervisionCreation(), proc, "ops", d).ok());
}

TEST(CreationRulesTest, LateNotesFollowArticleFive) {
  const Settings settings = *Settings::From(v1::WorkflowConfig());
  const absl::Time report = absl::FromCivil(absl::CivilSecond(2024, 3, 5, 9, 0, 0), settings.tz);
  // Approved within 3 days, sent within 24 hours: no note.
  EXPECT_THAT(ForwardTransferLateNotes(settings, report, report + absl::Hours(48),
                                       report + absl::Hours(60)),
              IsEmpty());
  // Approved on the 4th day after the report (2024-03-09 is past 24:00 of
  // 03-08), sent 25 hours after approval: both notes.
  const absl::Time approve = absl::FromCivil(absl::CivilSecond(2024, 3, 9, 8, 0, 0), settings.tz);
  std::vector<std::string> notes =
      ForwardTransferLateNotes(settings, report, approve, approve + absl::Hours(25));
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_THAT(notes[0], HasSubstr("approved after the period"));
  EXPECT_THAT(notes[0], HasSubstr("第五条"));
  EXPECT_THAT(notes[1], HasSubstr("sent after the period"));
  // Without an approval time nothing can be late.
  EXPECT_THAT(ForwardTransferLateNotes(settings, report, std::nullopt, approve), IsEmpty());
  // Not approved (不批准移送) on the 4th day: late as a decision, never sent.
  notes = ForwardTransferLateNotes(settings, report, approve, approve + absl::Hours(25), /*approved=*/false);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("not approved (不批准移送) after the period"));
  EXPECT_THAT(ForwardTransferLateNotes(settings, report, report + absl::Hours(48), approve, false), IsEmpty());
}

TEST(CreationRulesTest, AForwardTransferNeedsTheMaterialsOfArticle6) {
  google::protobuf::RepeatedPtrField<v1::Material> m;
  absl::Status none = CheckMaterials(ForwardTransferCreation(), m);
  EXPECT_EQ(none.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(none.message()),
              HasSubstr("MATERIAL_TRANSFER_LETTER, MATERIAL_INVESTIGATION_REPORT, MATERIAL_ITEM_LIST"));
  for (v1::MaterialKind k : {v1::MATERIAL_TRANSFER_LETTER, v1::MATERIAL_INVESTIGATION_REPORT}) m.Add()->set_kind(k);
  EXPECT_THAT(std::string(CheckMaterials(ForwardTransferCreation(), m).message()),
              ::testing::EndsWith("carry MATERIAL_ITEM_LIST (国务院令第310号 第六条: 应当附有涉嫌犯罪案件移送书、"
                                  "涉嫌犯罪案件情况的调查报告、涉案物品清单)"));
  m.Add()->set_kind(v1::MATERIAL_ITEM_LIST);
  EXPECT_TRUE(CheckMaterials(ForwardTransferCreation(), m).ok());
  // The other kinds of item require none.
  EXPECT_TRUE(CheckMaterials(ReverseTransferCreation(), {}).ok());
  EXPECT_TRUE(CheckMaterials(SupervisionCreation(), {}).ok());
}

}  // namespace
}  // namespace caselink::workflow
