// Times as people read them in messages, listings and file headers: always UTC,
// so a support engineer on the phone and a machine in another time zone name
// the same day.
#pragma once

#include <cstdint>
#include <string>

namespace nodelock {

// "2026-12-01" for unix seconds `unix_time`.
std::string utc_date(std::int64_t unix_time);

// "2026-12-01T19:14:37Z" (ISO 8601) for unix seconds `unix_time`.
std::string utc_timestamp(std::int64_t unix_time);

// A span of time in its largest whole unit, rounded down: "31 days", "1 hour",
// "5 seconds". For messages such as "no check-in for 31 days".
std::string duration_text(std::int64_t seconds);

}  // namespace nodelock
