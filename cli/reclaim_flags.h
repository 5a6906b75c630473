// The inactivity threshold of `license create --reclaim-after` and `license
// set-reclaim --after`: a whole number with its unit, days for people
// ("30d") and seconds for tests ("5s"), also hours and minutes ("12h", "90m").
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"

namespace nodelock::cli {

// The threshold in seconds; invalid_argument (a usage error) naming `flag`
// for anything else: no unit, a sign, zero, a fraction.
[[nodiscard]] Result<std::int64_t> reclaim_seconds(std::string_view text, std::string_view flag);

// "frees seats idle for more than 30 days" or "never frees idle seats": a
// license's reclaim_after_seconds as license show prints it.
std::string reclaim_policy_text(const nlohmann::json& reclaim_after_seconds);

}  // namespace nodelock::cli
