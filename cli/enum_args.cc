#include "enum_args.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace caselink::cli {
namespace {

struct KindName {
  v1::MaterialKind kind;
  const char* name;       // the standard name, accepted by ParseMaterialKind
  const char* title_key;  // what KindFromTitle looks for in a title
};

// In KindFromTitle's search order (the first key a title contains wins).
constexpr KindName kKindNames[] = {
    {v1::MATERIAL_TRANSFER_LETTER, "移送书", "移送书"},
    {v1::MATERIAL_INVESTIGATION_REPORT, "调查报告", "调查报告"},
    {v1::MATERIAL_ITEM_LIST, "涉案物品清单", "物品清单"},
    {v1::MATERIAL_EXPERT_REPORT, "检验报告", "检验报告"},
    {v1::MATERIAL_EXPERT_REPORT, "鉴定意见", "鉴定"},
    {v1::MATERIAL_RECEIPT, "回执", "回执"},
    {v1::MATERIAL_NON_FILING_NOTICE, "不予立案通知书", "不予立案通知书"},
    {v1::MATERIAL_RECOMMENDATION, "检察建议书", "检察建议书"},
    {v1::MATERIAL_OPINION, "检察意见书", "检察意见书"},
    {v1::MATERIAL_REPLY_LETTER, "回复函", "回复"},
    {v1::MATERIAL_RECTIFICATION_REPORT, "整改报告", "整改报告"},
    {v1::MATERIAL_MEETING_MINUTES, "会议纪要", "会议纪要"},
    {v1::MATERIAL_OTHER, "其他", nullptr},
};

}  // namespace

v1::MaterialKind KindFromTitle(const std::string& title) {
  for (const KindName& k : kKindNames) {
    if (k.title_key != nullptr && absl::StrContains(title, k.title_key)) return k.kind;
  }
  return v1::MATERIAL_OTHER;
}

bool ParseMaterialKind(const std::string& text, v1::MaterialKind* kind) {
  for (const KindName& k : kKindNames) {
    if (text == k.name) {
      *kind = k.kind;
      return true;
    }
  }
  v1::MaterialKind parsed;
  if (text.empty() || !ParseEnum<v1::MaterialKind>("MATERIAL_", text, &v1::MaterialKind_Parse, &parsed) ||
      parsed == v1::MATERIAL_KIND_UNSPECIFIED) {
    return false;
  }
  *kind = parsed;
  return true;
}

std::string MaterialKindChoices() {
  std::vector<std::string> out;
  for (size_t i = 0; i < sizeof(kKindNames) / sizeof(kKindNames[0]); ++i) {
    const KindName& k = kKindNames[i];
    // Several names of one kind (检验报告 / 鉴定意见) share one entry.
    if (i + 1 < sizeof(kKindNames) / sizeof(kKindNames[0]) && kKindNames[i + 1].kind == k.kind) {
      out.push_back(absl::StrCat(k.name, " or ", kKindNames[i + 1].name, " (", MaterialKindArg(k.kind), ")"));
      ++i;
      continue;
    }
    out.push_back(absl::StrCat(k.name, " (", MaterialKindArg(k.kind), ")"));
  }
  return absl::StrJoin(out, ", ");
}

std::string MaterialKindArg(v1::MaterialKind kind) {
  std::string name = v1::MaterialKind_Name(kind);
  if (absl::StartsWith(name, "MATERIAL_")) name = name.substr(9);
  return absl::AsciiStrToLower(absl::StrReplaceAll(name, {{"_", "-"}}));
}

}  // namespace caselink::cli
