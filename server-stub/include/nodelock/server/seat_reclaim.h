// Automatic seat reclamation ("our seats are full of machines nobody uses").
//
// A node-locked license may carry an inactivity threshold: a machine that has
// not checked in for longer than that loses its seat, which the server frees
// on a schedule so another machine can take it. The freed seat's machine is
// told why at its next check-in (seat_reclaimed) and may activate again, taking
// a free seat like a new machine. Seats of license users are reclaimed by the
// same threshold, so an inactive user's count drops with them.
//
// Floating licenses have their own lease TTL and site licenses no seat limit
// to free room under, so only node-locked licenses take a threshold. A
// suspended or revoked license's seats are left as they are, and so are seats
// activated offline: their machines could not check in.
//
// Roles: support may switch reclamation off or lengthen the threshold (fewer
// seats freed); turning it on or shortening it frees customers' seats and
// needs an admin. Every change and every freed seat is in the audit log. Like
// the other services it knows nothing of HTTP, and may be called from many
// threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/admin_service.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

// The longest threshold: ten years.
inline constexpr std::int64_t kMaxReclaimAfterSeconds = 3650 * 86400;

// ok when a license of `model` may take `seconds` as its threshold (none is
// always fine); invalid_argument naming the field otherwise.
[[nodiscard]] Status check_reclaim_after(SeatModel model,
                                         const std::optional<std::int64_t>& seconds);

class SeatReclaimService {
 public:
  explicit SeatReclaimService(ServiceContext context);

  // Sets the license's threshold, or clears it (none). invalid_argument,
  // not_found, forbidden (a role too low for the change).
  [[nodiscard]] Result<License> set_policy(const AdminCaller& caller, std::string_view license_id,
                                           std::optional<std::int64_t> after_seconds) const;

  // One sweep: frees every active seat of an active node-locked license with a
  // threshold whose machine's last check-in is older than the threshold.
  // Returns the seats freed. Each batch of seats is one transaction; a failed
  // batch stops the sweep, and the next sweep picks its seats up again.
  [[nodiscard]] Result<std::vector<Activation>> sweep() const;

 private:
  ServiceContext context_;
};

}  // namespace nodelock::server
