// The lease service: floating seats checked out, renewed and given back.
//
// A client checks a seat out with a LEASE REQUEST signed by its device key
// and gets a vendor-signed LEASE and a secret of that lease alone. Its
// heartbeats and its release carry an HMAC under that secret instead of a
// signature: microseconds instead of an Ed25519 verify, on the server's
// hottest path. The server keeps no lease secret: each is derived from the
// lease id under a key of the server's, so a copy of the database reveals
// none.
//
// A seat may also be borrowed for offline use: a LEASE REQUEST that asks to
// borrow gets a vendor-signed BORROW instead, bound to the machine's
// fingerprint and device key, which the Verifier accepts offline until it
// expires. A borrowed seat takes no heartbeats; it is held until its expiry,
// when the sweep ends it, or until its holder returns it (with the lease's
// secret, like a release). Support can force it off, but the BORROW on the
// machine stays usable offline until its expiry: nothing can reach it.
//
// Like the other services it knows nothing of HTTP, and may be called from
// many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/admin_service.h"
#include "nodelock/server/lease_store.h"
#include "nodelock/server/seat_queue.h"

namespace nodelock::server {

struct IssuedLease {
  std::string lease;   // the armored, vendor-signed LEASE, or BORROW when borrowed
  std::string secret;  // base64 of the lease's heartbeat secret; sent only now
  Lease record;
  int heartbeat_seconds = 0;
};

// A check-out's place in the license's seat queue (seat_queue.h).
struct QueueRequest {
  bool join = false;                  // refused: keep a place in the queue
  std::optional<std::string> ticket;  // the place kept by an earlier refusal
};

// A check-out's outcome; `seats` once the license is known, and on
// seats_exhausted the leases that hold the seats and, when the request asked
// to join the queue and the refusal is one a free seat ends, its place there.
struct [[nodiscard]] LeaseAnswer {
  Result<IssuedLease> result;
  std::optional<SeatCount> seats;
  std::vector<Lease> holders;
  std::optional<QueueTicket> ticket;
};

// A heartbeat or a release as its holder sends it.
struct LeaseProof {
  std::string lease_id;
  std::int64_t sequence = 0;
  std::string mac;  // base64 of lease_call_mac()
};

class LeaseService {
 public:
  explicit LeaseService(ServiceContext context);

  // Answers an armored LEASE REQUEST. Errors: those of a signed request
  // (malformed, wrong_document, tampered, request_expired, replayed),
  // invalid_key, not_found, product_mismatch, conflict (not a floating
  // license), invalid_argument (the seat scope needs a user or a project the
  // request lacks), suspended, revoked, expired, forbidden and user_disabled
  // (license users), seats_exhausted (the message lists who holds the seats).
  // A request that asks to borrow is refused with invalid_argument.
  // A check-out is idempotent per seat holder: a request from the device key
  // and user that hold a live online lease on its seat gets that lease back,
  // renewed by its TTL, with its secret and the sequence it reached, rather
  // than a second lease.
  // While machines wait in the license's queue, a seat that comes free is
  // theirs in order: a request is granted only when more seats are free than
  // tickets wait ahead of it. With `queue.join`, a seats_exhausted refusal
  // keeps the request's place (`queue.ticket`, or a new one at the back),
  // unless a free seat would not end it: a second user of a project on a mono
  // token while every team token is held.
  LeaseAnswer check_out(std::string_view armored_request, const QueueRequest& queue = {}) const;
  // Answers an armored LEASE REQUEST that asks to borrow the seat, with a
  // BORROW expiring after the days asked. Errors as for check_out, and
  // borrow_not_allowed (the license allows no borrowing, or fewer days),
  // invalid_argument (the request does not ask to borrow, or for less than a
  // day). A borrow waits behind the queue like a newcomer, and does not join it.
  // A borrow from the holder of a live lease on its seat converts that lease
  // (online or borrowed before) into the BORROW, rather than adding a lease.
  LeaseAnswer borrow(std::string_view armored_request) const;

  // Extends the lease by its TTL from now. Errors: tampered (wrong MAC),
  // not_found, lease_ended, replayed.
  [[nodiscard]] Result<RenewedLease> heartbeat(const LeaseProof& proof) const;
  // Frees the lease's seat at once. Errors as for heartbeat, and conflict
  // for a borrowed lease, which is returned instead.
  [[nodiscard]] Result<Lease> release(const LeaseProof& proof) const;
  // Frees a borrowed seat before its expiry. Errors as for heartbeat, and
  // conflict for a lease that is not borrowed.
  [[nodiscard]] Result<Lease> return_borrow(const LeaseProof& proof) const;

  // Writes the heartbeats received since the last sweep and releases the
  // leases that expired; the server runs it every flush interval.
  [[nodiscard]] Status sweep() const;

  // The license's leases still held (viewer).
  [[nodiscard]] Result<std::vector<Lease>> held_leases(AdminRole caller,
                                                       std::string_view license_id) const;
  // Frees a stuck seat at once (support); its holder's next heartbeat is
  // refused with lease_ended. not_found, lease_ended (already ended).
  [[nodiscard]] Result<Lease> force_release(const AdminCaller& caller,
                                            std::string_view lease_id) const;

 private:
  crypto::Bytes secret_of(std::string_view lease_id) const;
  Status check_proof(const LeaseProof& proof, LeaseCall call) const;
  LeaseAnswer take_seat(std::string_view armored_request, bool borrowing,
                        const QueueRequest& queue) const;
  // Ends the lease its holder proved with `proof`, which must be borrowed
  // exactly when `borrowed`.
  Result<Lease> give_back(const LeaseProof& proof, bool borrowed) const;
  // Ends the lease, with the store's refusal put in words.
  Result<Lease> end_lease(const LeaseEnding& ending) const;

  ServiceContext context_;
  crypto::Bytes secret_key_;
  std::unique_ptr<SeatQueue> queue_;  // apart, since a mutex cannot move with the service
};

}  // namespace nodelock::server
