// A floating seat held for as long as an object lives.
//
//   auto session = nodelock::FloatingSession::start(std::move(options));
//   if (!session.ok()) { show(session.message()); return; }   // e.g. seats_exhausted
//   ...
//   if (!session->valid()) { save_and_disable_editing(); }
//
// start() checks a seat out (floating.h) and returns only once the server
// granted it. From then on a thread of the session's own renews the lease
// every `heartbeat_seconds` of the LEASE. When a heartbeat fails because the
// server cannot be reached or answers an error, the session tries again with
// a doubling wait and the seat stays valid until the lease's expiry: the
// application keeps working through a short outage. When the lease expires
// without a confirmed heartbeat, or the server says it ended (support released
// it, or it expired there), the session reports the loss through `on_lost` and
// keeps trying to check a seat out again, reporting `on_regained` when it has
// one. Destroying the session stops the thread and releases the seat.
//
// The lease is kept in the local store as `nodelock lease checkout` keeps it
// (<store>/<product>/lease.json), so one store holds one session per product.
//
// Thread safety: valid(), status() and lease() may be called from any thread
// at any time. start(), moving and destroying a session are for its owner's
// thread. The callbacks run on the session's own thread, one at a time and
// never with the session's lock held, so they may call valid(), status() and
// lease(); they must not throw, and must not destroy or move the session
// (its destructor waits for that thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "nodelock/client/floating.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

struct FloatingSessionOptions {
  LeaseOptions lease;  // lease.server.url is required
  std::string key;     // the license key as typed
  std::string product;
  // The seat is no longer held: `why` is lease_ended when the server ended
  // the lease, or the error of the last failed heartbeat (unreachable,
  // tls_failure, server_error, …) when it expired without a confirmed one.
  std::function<void(const Error& why)> on_lost;
  // A seat was checked out again after a loss.
  std::function<void()> on_regained;
  // Every call to the server (the check-out in start(), heartbeats, check-outs
  // after a loss and the release in the destructor) gives up after this long,
  // which bounds how long the destructor takes when the server is gone.
  int call_timeout_seconds = 2;
  // The first wait before a failed call is tried again; it doubles with each
  // failure, up to the lease's heartbeat interval.
  int first_retry_milliseconds = 250;
};

enum class SessionState {
  holding,   // the last heartbeat was confirmed
  retrying,  // heartbeats are failing; the seat is valid until the lease's expiry
  lost,      // no seat: checking one out again
};

struct SessionStatus {
  SessionState state = SessionState::lost;
  std::string lease_id;         // of the lease held, or last held
  std::int64_t expires_at = 0;  // the lease's expiry as the server last confirmed it
  int failed_calls = 0;         // since the last call that succeeded
  std::optional<Error> last_error;
};

class FloatingSession {
 public:
  // Checks a seat out and starts renewing it. Errors: those of
  // check_out_lease (seats_exhausted lists who holds the seats), and
  // invalid_argument when no server URL is given.
  [[nodiscard]] static Result<FloatingSession> start(FloatingSessionOptions options);

  FloatingSession(FloatingSession&&) noexcept;
  FloatingSession& operator=(FloatingSession&&) noexcept;
  FloatingSession(const FloatingSession&) = delete;
  FloatingSession& operator=(const FloatingSession&) = delete;
  // Stops renewing and releases the seat held, waiting at most about twice
  // `call_timeout_seconds` (a call in flight, then the release).
  ~FloatingSession();

  // True while a seat is held and its lease has not expired by this
  // machine's clock. False for a session moved from.
  [[nodiscard]] bool valid() const;
  [[nodiscard]] SessionStatus status() const;
  // The vendor-signed LEASE held, or last held: its features, seat and scope.
  [[nodiscard]] Lease lease() const;

 private:
  struct Impl;
  explicit FloatingSession(std::unique_ptr<Impl> impl);
  void stop();
  std::unique_ptr<Impl> impl_;
};

}  // namespace nodelock
