#include "csv_reader.h"

#include "absl/strings/str_cat.h"

namespace caselink::cli {

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  std::string field;
  int line = 1;
  rec.line = 1;
  bool in_quotes = false, field_quoted = false, any = false;
  auto end_field = [&] {
    rec.fields.push_back(std::move(field));
    field.clear();
    field_quoted = false;
  };
  auto end_record = [&] {
    end_field();
    bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (!blank) out.push_back(std::move(rec));
    rec = CsvRecord();
    rec.line = line;
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        if (!field.empty() || field_quoted) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", line, ": a quote inside an unquoted field; quote the whole field"));
        }
        in_quotes = field_quoted = any = true;
        break;
      case ',':
        end_field();
        any = true;
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') break;  // CRLF: the \n ends it
        ++line;
        end_record();
        break;
      case '\n':
        ++line;
        end_record();
        break;
      default:
        if (field_quoted) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", line, ": text after a closing quote"));
        }
        field.push_back(c);
        any = true;
    }
  }
  if (in_quotes) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", rec.line, ": a quoted field is not closed before the end of the file"));
  }
  if (any || !field.empty()) end_record();
  return out;
}

}  // namespace caselink::cli
