#include "nodelock/audit/csv.h"

namespace nodelock {

namespace {

// What a spreadsheet takes for the start of a formula, and the apostrophe
// that marks a cell as text.
constexpr std::string_view kDefused = "=+-@\t\r'";

bool starts_defused(std::string_view text) {
  return !text.empty() && kDefused.find(text.front()) != std::string_view::npos;
}

Error bad_csv(int line, const std::string& what) {
  return make_error(ErrorCode::malformed, "line " + std::to_string(line) + ": " + what);
}

}  // namespace

std::string csv_field(std::string_view text) {
  const std::string safe = starts_defused(text) ? "'" + std::string(text) : std::string(text);
  if (safe.find_first_of(",\"\r\n") == std::string::npos) return safe;
  std::string quoted = "\"";
  for (char c : safe) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

Result<std::vector<CsvRecord>> read_csv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  int line = 1;
  bool in_record = false;  // something was read on this record
  std::size_t i = 0;
  const auto end_field = [&] {
    if (field.size() > 1 && field.front() == '\'' &&
        starts_defused(std::string_view(field).substr(1))) {
      field.erase(0, 1);
    }
    record.fields.push_back(std::move(field));
    field.clear();
  };
  const auto end_record = [&] {
    if (in_record) {
      end_field();
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    in_record = false;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (!in_record) record.line = line;
    if (c == '"' && field.empty() && (record.fields.empty() || text[i - 1] == ',')) {
      const int opened = line;
      in_record = true;
      for (++i;; ++i) {
        if (i >= text.size()) return bad_csv(opened, "a quoted field is never closed");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field += text[i];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' &&
          !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
        return bad_csv(line, "a closing quote must be followed by a comma or the end of the line");
      }
      continue;
    }
    if (c == ',') {
      in_record = true;
      end_field();
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      end_record();
      if (c == '\r') ++i;
      ++line;
    } else if (c == '"') {
      return bad_csv(line,
                     "a quote inside an unquoted field; quote the whole field and double "
                     "the quote (\"\")");
    } else {
      in_record = true;
      field += c;
    }
    ++i;
  }
  end_record();
  return records;
}

}  // namespace nodelock
