#include "lease_refusals.h"

#include <string>

#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

namespace {

Error already_ended(const Lease& lease) {
  const SessionEnd end = lease.end.value_or(SessionEnd::expired);
  const std::string ended = "lease " + lease.id + " ended at " + utc_timestamp(*lease.ended_at);
  // Checking out again would only be refused: the holder needs a person.
  if (end == SessionEnd::user_disabled || end == SessionEnd::user_removed) {
    const char* what = end == SessionEnd::user_disabled ? " was disabled on license "
                                                        : " was removed from license ";
    return make_error(ErrorCode::lease_ended, ended + " because its user " + lease.user + what +
                                                  lease.license_id +
                                                  "; contact your administrator");
  }
  return make_error(ErrorCode::lease_ended,
                    ended + " (" + std::string(name_of(end)) +
                        "); check a seat out again with `nodelock lease checkout`");
}

Error not_renewable(const Lease& lease, UnixTime now) {
  if (lease.ended_at) return already_ended(lease);
  return make_error(ErrorCode::lease_ended,
                    "lease " + lease.id + " expired at " + utc_timestamp(lease.expires_at) + ", " +
                        std::to_string(now - lease.expires_at) +
                        " seconds ago, without a heartbeat; check a seat out again with "
                        "`nodelock lease checkout`");
}

Error borrowed(const Lease& lease) {
  return make_error(ErrorCode::conflict,
                    "lease " + lease.id + " is borrowed for offline use until " +
                        utc_timestamp(lease.expires_at) +
                        " and takes no heartbeats; return it with `nodelock lease return`");
}

Error heartbeat_replayed(const Lease& lease, std::int64_t sequence) {
  return make_error(ErrorCode::replayed, "heartbeat " + std::to_string(sequence) + " of lease " +
                                             lease.id + " is not above the last one (" +
                                             std::to_string(lease.sequence) +
                                             "); it was replayed or reordered");
}

}  // namespace

Error no_such_lease(std::string_view lease_id) {
  return make_error(ErrorCode::not_found,
                    "no lease '" + std::string(lease_id) +
                        "'; check a seat out again with `nodelock lease checkout`");
}

Error renewal_refusal(LeaseStore& leases, const Error& refused, const LeaseRenewal& renewal) {
  if (refused.code == ErrorCode::not_found) return no_such_lease(renewal.lease_id);
  if (refused.code != ErrorCode::lease_ended && refused.code != ErrorCode::conflict &&
      refused.code != ErrorCode::replayed) {
    return refused;
  }
  auto lease = leases.lease(renewal.lease_id);
  if (!lease.ok())
    return lease.code() == ErrorCode::not_found ? no_such_lease(renewal.lease_id) : lease.error();
  switch (refused.code) {
    case ErrorCode::conflict:
      return borrowed(*lease);
    case ErrorCode::replayed:
      return heartbeat_replayed(*lease, renewal.sequence);
    default:
      return not_renewable(*lease, renewal.now);
  }
}

Error ending_refusal(LeaseStore& leases, const Error& refused, const LeaseEnding& ending) {
  switch (refused.code) {
    case ErrorCode::not_found:
      return no_such_lease(ending.lease_id);
    case ErrorCode::replayed:
      return make_error(ErrorCode::replayed, "the release of lease " + ending.lease_id +
                                                 " carries sequence " +
                                                 std::to_string(ending.sequence.value_or(0)) +
                                                 ", not above the last heartbeat's");
    case ErrorCode::lease_ended: {
      auto lease = leases.lease(ending.lease_id);
      return lease.ok() && lease->ended_at ? already_ended(*lease) : refused;
    }
    default:
      return refused;
  }
}

}  // namespace nodelock::server
