// Floating leases: who holds which floating seat, until when, and every
// session since.
//
// A lease is one client's hold on a seat. It lives until its expiry unless
// renewed; it ends when released, when it expires, when support forces it off
// or when its user is disabled. Every lease is also a usage session (usage.h),
// so ended leases stay in the store for reports.
//
// Promises, on top of the Store's:
//   - Check-out re-reads the license's leases under the database's write
//     lock, so seat limits hold under any number of concurrent check-outs.
//   - Check-out, release and the end of a lease are durable when they return,
//     each with its audit entry.
//   - Renewals (heartbeats) are answered from memory and written in batches
//     by flush(): a crash loses at most the renewals since the last flush, so
//     a lease is never extended, and never shortened by more than one flush
//     interval, across a restart.
//
// Every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/server/store.h"
#include "nodelock/server/usage.h"

namespace nodelock::server {

struct Lease {
  std::string id;
  std::string license_id;
  std::string seat;  // what the seat is counted by: a user, a machine ID or a project
  std::string user;  // empty when the client named none
  std::string machine_id;
  std::string hostname;
  std::string project;
  std::string device_public_key;  // base64 of the requesting device's key
  UnixTime started_at = 0;
  UnixTime last_seen_at = 0;
  UnixTime expires_at = 0;
  int ttl_seconds = 0;        // each renewal moves the expiry this far past its time
  std::int64_t sequence = 0;  // of the last accepted heartbeat; each must be higher
  bool overage = false;       // held on a grace seat
  // Taken offline (a BORROW): no heartbeats; held until its expiry or its return.
  bool borrowed = false;
  std::optional<UnixTime> ended_at;
  std::optional<SessionEnd> end;
};

// How a check-out may be granted, decided by the service's seat rules.
struct SeatDecision {
  bool overage = false;
  // The id of a lease among those held that the request's holder already has:
  // the store gives that lease the check-out's expiry, TTL, last-seen time,
  // hostname and kind (online or borrowed) instead of adding a lease, so a
  // holder checking out again never holds two. Its id, start, sequence and
  // overage stay.
  std::optional<std::string> reissue;
};

struct LeaseCheckout {
  // The lease to create: every field but overage, sequence and the end.
  Lease lease;
  std::string nonce;  // of the signed request, recorded as used
  UnixTime now = 0;
  // Run inside the transaction on the license and the user the lease names
  // before anything else; an error refuses the check-out.
  UserAdmit admit_user;
  // Run inside the transaction on the license as it is then, its leases
  // still held (those expired by `now` already ended) and its enabled users
  // with a reserved seat; an error refuses the check-out with that error and
  // nothing changes.
  std::function<Result<SeatDecision>(const License& license, const std::vector<Lease>& held,
                                     const std::vector<std::string>& reserved)>
      decide;
};

struct CheckoutOutcome {
  Lease lease;
  License license;
};

struct LeaseRenewal {
  std::string lease_id;
  std::int64_t sequence = 0;
  UnixTime now = 0;
};

struct RenewedLease {
  UnixTime expires_at = 0;
  std::int64_t sequence = 0;
};

struct LeaseEnding {
  std::string lease_id;
  SessionEnd end = SessionEnd::released;
  ChangedBy by;
  // Set for a release by its holder: must be above the last heartbeat's, so
  // a recorded release cannot be replayed against a later lease state.
  std::optional<std::int64_t> sequence;
};

class LeaseStore : public UsageLog {
 public:
  // The lease created, or the one held that the decision reissues. Errors:
  // replayed (nonce seen), not_found (license; a reissued lease not held),
  // and whatever `admit_user` or `decide` returns.
  virtual Result<CheckoutOutcome> check_out(const LeaseCheckout& checkout) = 0;
  // The lease's new expiry. Errors: not_found, lease_ended (expired, released
  // or forced off: lease() says which and when), replayed (sequence not above
  // the last one), conflict (a borrowed lease, which takes none).
  virtual Result<RenewedLease> renew(const LeaseRenewal& renewal) = 0;
  // The lease as ended. Errors: not_found, lease_ended (already ended),
  // replayed.
  virtual Result<Lease> end_lease(const LeaseEnding& ending) = 0;
  // Writes the renewals made since the last flush.
  virtual Status flush() = 0;
  // Ends every lease whose expiry is at or before `now`; how many ended.
  virtual Result<int> expire_leases(UnixTime now) = 0;

  virtual Result<Lease> lease(std::string_view id) = 0;
  // The license's leases still held, oldest first, with their latest
  // renewals; every license's when `license_id` is empty.
  virtual Result<std::vector<Lease>> held_leases(std::string_view license_id) = 0;
};

}  // namespace nodelock::server
