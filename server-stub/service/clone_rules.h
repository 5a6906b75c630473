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
#include "nodelock/audit/audit_chain.h"
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

// A seat claim signed by another device key than the one holding `seat`, from a
// machine the seat's policy matches, is a second installation: a copy of that
// machine's disk or VM image activated afresh, or that machine after its
// license store was lost. The server cannot tell which, so the seat stays with
// the installation holding it; the newcomer takes a seat of its own if one is
// free, and is refused with this error if not.
Error held_by_another_installation(const Activation& seat, const License& license, int used);

// The audit entry of a second installation on `seat`, by `actor` (the device,
// or the support token that carried its request):
// what the newcomer was given, its own seat's id, or none when it was refused.
AuditEntry second_installation_entry(const Activation& seat, std::string_view newcomer_machine_id,
                                     const std::optional<std::string>& own_seat,
                                     std::string_view actor, UnixTime now);

}  // namespace nodelock::server
