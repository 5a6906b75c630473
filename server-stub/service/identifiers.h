// Identifiers the server hands out: random, so several server instances on one
// database never collide and an id reveals nothing about how many exist.
#pragma once

#include <string>
#include <string_view>

namespace nodelock::server {

// `prefix` + "_" + 20 lower-case hex digits (80 random bits), e.g. "act_3f9c…".
std::string new_record_id(std::string_view prefix);

}  // namespace nodelock::server
