// CSV as spreadsheets read it (RFC 4180), for the exports support staff open
// in one: the audit log, the usage session log and license records, which are
// also read back (license import).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"

namespace nodelock {

// `text` as one field: quoted when it holds a separator, a quote or a line
// break. Text a spreadsheet would run as a formula (it starts with = + - @, a
// tab or a carriage return) is written after an apostrophe, which spreadsheets
// show as text; so is text that starts with an apostrophe, so that read_csv
// gives back exactly what was written.
std::string csv_field(std::string_view text);

// One record of a CSV text and the line it starts on (the first is 1), so a
// report points at the right line even after quoted fields that span lines.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// Reads RFC 4180 CSV: fields separated by commas, records by CRLF or LF, a
// field in double quotes may hold commas, line breaks and "" for a quote. A
// leading UTF-8 byte order mark and empty lines are skipped. malformed, naming
// the line, for a quote left open, a quote inside an unquoted field, or
// anything but a separator after a closing quote. An apostrophe before a
// formula character or another apostrophe is dropped (see csv_field).
[[nodiscard]] Result<std::vector<CsvRecord>> read_csv(std::string_view text);

}  // namespace nodelock
