// The dates of a license record (expires, maintenance_end) as people type
// them into spreadsheets: read exactly, or refused with the forms that are.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

// A date "YYYY-MM-DD" (the end of that day, UTC) or unix seconds, as text or a
// JSON integer. Refused, naming the accepted forms: a date with slashes
// (31/12/2027 and 12/31/2027 read differently by country), and a time before
// 2000, which is no license's date: a number of a few thousands is a
// spreadsheet's day number (46022 is 2025-12-31), which as unix seconds would
// be a license long expired in 1970.
Result<UnixTime> read_record_time(const nlohmann::json& value, std::string_view name);

}  // namespace nodelock::server
