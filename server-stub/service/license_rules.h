// The rules a license imposes, in one place for activation, check-in and the
// admin views: whether it admits a machine now, when its holder must check in,
// and how people see it named.
#pragma once

#include <string>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/fingerprint/policy.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

inline constexpr UnixTime kSecondsPerDay = 86400;
// The most machines one license admits, and the most of any per-license count.
inline constexpr int kMaxActivations = 1000000;

// ok when `license` may grant or renew a seat at `now`; otherwise suspended,
// revoked or expired (grace days included), with what to do about it.
Status admit(const License& license, UnixTime now);

// When a license issued at `issued_at` must next check in: after its refresh
// interval, and never later than the end of a subscription's grace. A seat
// activated by files has no server to check in with, so its license runs to the
// end of its term (the last time there is, for a perpetual one).
UnixTime refresh_by(const License& license, const Activation& seat, UnixTime issued_at);

// The license's fingerprint match policy; the standard one when none was set.
Result<fingerprint::MatchPolicy> match_policy_of(const License& license);

// invalid_argument naming `field` unless low <= value <= high.
Status in_range(const char* field, std::int64_t value, std::int64_t low, std::int64_t high);

// "…-ABCDE": how messages name a license key without revealing it.
std::string key_display(const License& license);

// "1 seat", "3 seats": `count` of `noun`, in the plural unless one.
std::string plural(int count, const std::string& noun);

// The days a yearly allowance counts back over (resets, transfers).
inline constexpr UnixTime kAllowanceYear = 365 * kSecondsPerDay;

// Why `license` refuses one more `noun` ("device reset") under its yearly
// allowance of `allowed`, `made_at` (oldest first, at least `allowed` of them)
// being those of the last 365 days: how many were made and the date the
// oldest lapses enough for the next.
std::string allowance_used_up(const License& license, const std::string& noun, int allowed,
                              const std::vector<UnixTime>& made_at);

// The license a customer's key opens, for every caller that authenticates with
// a key (activation, floating check-out, the holder's self-service): the key as
// typed is parsed (invalid_key for a typo, told before any lookup), found by its
// keyed hash, and the stored hash compared again in constant time, so a store
// whose index compares early-out never decides alone. not_found names only the
// key's last group: the same answer whichever caller guessed.
Result<License> license_with_key(Store& store, const LicenseKeyHasher& hasher,
                                 std::string_view typed_key);

}  // namespace nodelock::server
