#include "nodelock/server/seat_reclaim.h"

#include <string>
#include <utility>

#include "license_rules.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

namespace {

// Seats freed per transaction: a sweep of a large license never holds the
// one writer for long, so activations and check-ins keep flowing beside it.
constexpr int kSeatsPerBatch = 500;

std::string threshold_text(const std::optional<std::int64_t>& seconds) {
  return seconds ? duration_text(*seconds) : "never";
}

// Whether changing `from` to `to` frees more seats than before: turning
// reclamation on, or shortening its threshold.
bool frees_more_seats(const std::optional<std::int64_t>& from,
                      const std::optional<std::int64_t>& to) {
  if (!to) return false;
  return !from || *to < *from;
}

}  // namespace

Status check_reclaim_after(SeatModel model, const std::optional<std::int64_t>& seconds) {
  if (!seconds) return {};
  if (model != SeatModel::node_locked) {
    return make_error(ErrorCode::invalid_argument,
                      "reclaim_after_seconds is for node-locked licenses: a floating lease ends "
                      "by its own TTL and a site license has no seat limit to make room under");
  }
  if (*seconds < 1 || *seconds > kMaxReclaimAfterSeconds) {
    return make_error(ErrorCode::invalid_argument, "reclaim_after_seconds must be between 1 and " +
                                                       std::to_string(kMaxReclaimAfterSeconds) +
                                                       " (3650 days), not " +
                                                       std::to_string(*seconds));
  }
  return {};
}

SeatReclaimService::SeatReclaimService(ServiceContext context) : context_(std::move(context)) {}

Result<License> SeatReclaimService::set_policy(const AdminCaller& caller,
                                               std::string_view license_id,
                                               std::optional<std::int64_t> after_seconds) const {
  if (Status allowed = require_role(caller.role, AdminRole::support); !allowed.ok()) {
    return allowed.error();
  }
  ReclaimPolicyChange change;
  change.license_id = std::string(license_id);
  change.reclaim_after_seconds = after_seconds;
  change.by = {caller.token_id, context_.clock()};
  const AdminRole role = caller.role;
  change.admit = [role, after_seconds](const License& license) -> Status {
    if (Status valid = check_reclaim_after(license.model, after_seconds); !valid.ok()) {
      return valid;
    }
    if (role == AdminRole::admin ||
        !frees_more_seats(license.reclaim_after_seconds, after_seconds)) {
      return {};
    }
    return make_error(ErrorCode::forbidden,
                      "freeing the seats of machines idle for " + threshold_text(after_seconds) +
                          " on license " + key_display(license) + " (now " +
                          threshold_text(license.reclaim_after_seconds) +
                          ") needs an admin token; support may only lengthen the threshold or "
                          "switch it off");
  };
  return context_.store.set_reclaim_policy(change);
}

Result<std::vector<Activation>> SeatReclaimService::sweep() const {
  auto licenses = context_.store.licenses("");
  if (!licenses.ok()) return licenses.error();
  std::vector<Activation> freed;
  for (const License& license : *licenses) {
    if (!license.reclaim_after_seconds || license.state != LicenseState::active ||
        license.model != SeatModel::node_locked) {
      continue;
    }
    for (;;) {
      const UnixTime now = context_.clock();
      auto idle = context_.store.idle_seats(license.id, now - *license.reclaim_after_seconds,
                                            kSeatsPerBatch);
      if (!idle.ok()) return idle.error();
      if (idle->empty()) break;
      auto batch = context_.store.reclaim_seats({license.id, *idle, now});
      if (!batch.ok()) return batch.error();
      const bool last_batch = static_cast<int>(idle->size()) < kSeatsPerBatch || batch->empty();
      for (Activation& seat : *batch) freed.push_back(std::move(seat));
      if (last_batch) break;
    }
  }
  return freed;
}

}  // namespace nodelock::server
