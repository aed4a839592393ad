// Enum values given on the command line, shared by the command groups: any
// enum by its value name (any case, '-' for '_', with or without the
// prefix), and the document kinds (MaterialKind) also by their standard
// Chinese names (移送书, 调查报告, ...). Stateless; thread-safe.
//
// Example:
//   v1::MaterialKind kind;
//   if (!ParseMaterialKind("移送书", &kind)) ...            // MATERIAL_TRANSFER_LETTER
//   ParseEnum<v1::WorkflowAction>("ACTION_", "return-for-material", &v1::WorkflowAction_Parse, &a);
//   KindFromTitle("涉嫌犯罪案件移送书");                     // MATERIAL_TRANSFER_LETTER
#pragma once

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "caselink/v1/workflow.pb.h"

namespace caselink::cli {

// "ACCEPT", "accept", "return-for-material" -> PREFIX_RETURN_FOR_MATERIAL.
template <typename Enum>
bool ParseEnum(const std::string& prefix, const std::string& name, bool (*parse)(const std::string&, Enum*),
               Enum* out) {
  std::string upper = absl::AsciiStrToUpper(absl::StrReplaceAll(name, {{"-", "_"}}));
  if (parse(upper, out)) return true;
  return parse(prefix + upper, out);
}

// The kind of a document, from the standard name its title carries (the
// names the rules use), for --material given without an explicit kind;
// MATERIAL_OTHER when the title carries none.
v1::MaterialKind KindFromTitle(const std::string& title);

// A kind given as an argument: exactly its standard name (移送书, 调查报告,
// 涉案物品清单, 检验报告 or 鉴定意见, ..., 其他) or its value name
// (transfer-letter, TRANSFER_LETTER, MATERIAL_TRANSFER_LETTER). False for
// anything else, MATERIAL_KIND_UNSPECIFIED included.
bool ParseMaterialKind(const std::string& text, v1::MaterialKind* kind);

// The accepted kinds for an error message: "移送书 (transfer-letter),
// 调查报告 (investigation-report), ..., 其他 (other)".
std::string MaterialKindChoices();

// The short value name of a kind: MATERIAL_ITEM_LIST -> "item-list".
std::string MaterialKindArg(v1::MaterialKind kind);

}  // namespace caselink::cli
