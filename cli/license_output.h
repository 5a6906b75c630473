// How the CLI shows a license to people and to scripts.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "nodelock/activation/payloads.h"

namespace nodelock::cli {

// "2026-11-22" (UTC).
std::string date_text(std::int64_t unix_time);

nlohmann::json license_json(const License& license);
void print_license(std::ostream& out, const License& license);

}  // namespace nodelock::cli
