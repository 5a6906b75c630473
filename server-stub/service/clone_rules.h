// Clone detection: telling a machine from a copy of its disk or VM image.
//
// A copy holds the same device key and license as its original, so signatures
// cannot tell them apart. What they cannot share is the future: each online
// answer gives the machine a fresh random receipt, and its next check-in must
// present it with the next number. Once one of the two has checked in, the
// other holds a receipt the server has moved past: the histories forked.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "nodelock/activation/payloads.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server {

struct FreshReceipt {
  std::string receipt;  // for the machine
  std::string hash;     // for the store
};

FreshReceipt fresh_receipt();

// The judge of one online check-in presenting `presented`, for the store to
// run inside its transaction (CheckIn::follow_history). It accepts the history
// that continues the seat's, or repeats a check-in whose answer was lost, and
// sets `counter` to the number it gave; anything else is `cloned`.
std::function<Result<SeatHistory>(const Activation&, const SeatHistory&)> history_judge(
    std::optional<CheckInHistory> presented, std::string next_receipt_hash, ClonePolicy policy,
    std::int64_t& counter);

}  // namespace nodelock::server
