// License record files (docs/FORMATS.md, "License records"): one schema, as CSV
// with a header row or as a JSON array, read with the line each record starts
// on so a report can point at it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nodelock/server/license_import.h"

namespace nodelock::server {

// Every column a record may have, in the order an export writes them; `key`
// only comes in, since the server never has it.
extern const std::vector<std::string> kRecordColumns;

struct RecordFile {
  std::vector<LicenseRecord> records;   // the records that read well
  std::vector<RecordProblem> problems;  // one per bad field, by line
  // What was read otherwise than written (spaces trimmed), by line: said, not refused.
  std::vector<RecordProblem> notes;
};

// Every record of `text`; a file that cannot be read at all gives one problem.
RecordFile read_license_records(std::string_view text, RecordFormat format);

// The records as a file: CSV with a header row of every column but `key`, or a
// JSON array.
std::string write_license_records(const std::vector<LicenseRecord>& records, RecordFormat format);

}  // namespace nodelock::server
