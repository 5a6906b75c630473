// Identifiers the server hands out. Random enough that several server instances
// on one database never collide and an id reveals nothing about how many exist;
// ordered by time, so new rows land at the end of the id index instead of on a
// random page of it (a random page per activation is a page written per
// activation).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nodelock::server {

// `prefix` + "_" + 12 hex digits of the time in milliseconds + 10 hex digits
// (40 random bits), e.g. "act_0193a1b2c3d4e5f6a7b8c9".
std::string new_record_id(std::string_view prefix);

// True when `text` has the form new_record_id(prefix) gives.
bool is_record_id(std::string_view text, std::string_view prefix);

// A machine ID as people read it out, in its canonical form
// "NL-XXXX-XXXX-XXXX-XXXX": case, spaces and dashes do not matter, and O, I
// and L read as 0, 1 and 1, as in license keys. None when it is not one.
std::optional<std::string> canonical_machine_id(std::string_view text);

}  // namespace nodelock::server
