// The usage reports as the API writes them (docs/API.md, "Usage reports").
#pragma once

#include <nlohmann/json.hpp>

#include "nodelock/server/usage_report.h"

namespace nodelock::server {

nlohmann::json to_json(const UsageSummary& summary);
nlohmann::json to_json(const DailyPeak& day);
nlohmann::json to_json(const ReportedSession& reported);
// {"from", "to"}: the first and the last second of the range.
nlohmann::json to_json(const ReportRange& range);

}  // namespace nodelock::server
