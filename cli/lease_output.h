// How the `nodelock lease` commands show a floating seat held on this
// machine, online (a LEASE kept alive by heartbeats) or borrowed for offline
// use (a BORROW), to people and to scripts.
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nodelock/client/borrow.h"
#include "nodelock/client/floating.h"

namespace nodelock::cli {

nlohmann::json held_json(const HeldLease& held);
nlohmann::json borrow_json(const HeldBorrow& held);

// "<verb> lease …", when it expires and how to renew it; `now` for the
// seconds left.
void print_held(const HeldLease& held, std::string_view verb, std::int64_t now);
// "<verb> a floating seat … for offline use until …", and how to return it.
void print_borrow(const HeldBorrow& held, std::string_view verb, std::int64_t now);

}  // namespace nodelock::cli
