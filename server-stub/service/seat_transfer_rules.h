// The rules that hold support back from moving a seat to another machine, and
// what people read when a transfer is refused.
//
// The store reads the seat, what the new machine already has on its license
// and the license's recent transfers inside the transfer's transaction; these
// rules judge what it read.
#pragma once

#include <string>
#include <string_view>

#include "license_rules.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server {

// invalid_argument when the seat is on `to_machine_id` already; conflict when
// that machine holds a seat of the license or has one held for it, or the
// license is a site license; forbidden, unless `override_limit`, when the
// license's yearly allowance or cool-down holds the seat back at `now`. With
// `override_limit`, the admission names the limits set aside.
[[nodiscard]] Result<Admission> admit_transfer(const TransferringSeat& transfer,
                                               std::string_view to_machine_id, bool override_limit,
                                               UnixTime now);

// The message of the store's conflict for a transfer to `to_machine_id` of a
// seat no longer active.
std::string transfer_refusal_message(const SeatRefusal& refusal, std::string_view to_machine_id);

}  // namespace nodelock::server
