#include "nodelock/client/floating_session.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "nodelock/crypto/utc_time.h"

namespace nodelock {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The server answered that it holds no such lease: retrying cannot bring it back.
bool ended_by_server(ErrorCode code) {
  return code == ErrorCode::lease_ended || code == ErrorCode::not_found;
}

}  // namespace

struct FloatingSession::Impl {
  explicit Impl(FloatingSessionOptions given) : options(std::move(given)), calls(options.lease) {
    calls.server.timeout_seconds = std::max(1, options.call_timeout_seconds);
  }

  // How long the lease lives past a confirmed heartbeat. Counted on this
  // machine's steady clock from when the heartbeat was sent, which is before
  // the server renewed it: never later than the server's expiry, whatever the
  // two wall clocks say.
  Clock::duration time_to_live() const {
    return seconds(std::max<std::int64_t>(1, held.lease.expires_at - held.lease.issued_at));
  }
  Clock::duration heartbeat_interval() const {
    return seconds(std::max<std::int64_t>(1, held.lease.heartbeat_seconds));
  }
  // The wait before the next try after `failed_calls` failures in a row.
  Clock::duration retry_wait() const {
    const int doublings = std::min(failed_calls - 1, 16);
    const Clock::duration wait =
        milliseconds(std::max(1, options.first_retry_milliseconds)) * (1 << std::max(0, doublings));
    return std::min(wait, heartbeat_interval());
  }

  void hold(HeldLease lease, Clock::time_point sent) {
    held = std::move(lease);
    valid_until = sent + time_to_live();
    state = SessionState::holding;
    failed_calls = 0;
    last_error.reset();
  }

  Error expired_without_heartbeat() const {
    std::string message = "the floating lease " + held.lease.lease_id + " on " +
                          held.lease.product + " expired at " + utc_timestamp(held.expires_at) +
                          " without a confirmed heartbeat";
    if (last_error) {
      message +=
          " (" + std::to_string(failed_calls) + " failed; the last: " + last_error->message + ")";
    }
    message += "; the seat is no longer held, and a new one is being checked out";
    return make_error(last_error ? last_error->code : ErrorCode::lease_ended, message);
  }

  void run();

  const FloatingSessionOptions options;
  LeaseOptions calls;  // options.lease with the call timeout

  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  SessionState state = SessionState::holding;
  HeldLease held;
  Clock::time_point valid_until;
  int failed_calls = 0;
  std::optional<Error> last_error;
  std::thread thread;
};

void FloatingSession::Impl::run() {
  std::unique_lock<std::mutex> lock(mutex);
  Clock::time_point due = Clock::now() + heartbeat_interval();
  for (;;) {
    wake.wait_until(lock, due, [this] { return stopping; });
    if (stopping) return;
    std::function<void()> report;
    if (state != SessionState::lost && Clock::now() >= valid_until) {
      const Error lost = expired_without_heartbeat();
      state = SessionState::lost;
      last_error = lost;
      due = Clock::now();
      if (options.on_lost) report = [this, lost] { options.on_lost(lost); };
    } else {
      const bool holding = state != SessionState::lost;
      lock.unlock();
      const Clock::time_point sent = Clock::now();
      Result<HeldLease> outcome = holding ? renew_lease(calls, options.product)
                                          : check_out_lease(calls, options.key, options.product);
      lock.lock();
      if (stopping) return;
      const Clock::time_point now = Clock::now();
      if (outcome.ok()) {
        hold(std::move(*outcome), sent);
        due = sent + heartbeat_interval();
        if (!holding && options.on_regained) report = options.on_regained;
      } else {
        ++failed_calls;
        last_error = outcome.error();
        if (holding && ended_by_server(outcome.code())) {
          state = SessionState::lost;
          due = now;
          if (options.on_lost) {
            report = [this, lost = outcome.error()] { options.on_lost(lost); };
          }
        } else if (holding) {
          state = SessionState::retrying;
          due = std::min(now + retry_wait(), valid_until);
        } else {
          due = now + retry_wait();
        }
      }
    }
    if (report) {
      lock.unlock();
      report();
      lock.lock();
    }
  }
}

Result<FloatingSession> FloatingSession::start(FloatingSessionOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  const Clock::time_point sent = Clock::now();
  auto held = check_out_lease(impl->calls, impl->options.key, impl->options.product);
  if (!held.ok()) return held.error();
  impl->hold(std::move(*held), sent);
  Impl* running = impl.get();
  impl->thread = std::thread([running] { running->run(); });
  return FloatingSession(std::move(impl));
}

FloatingSession::FloatingSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FloatingSession::FloatingSession(FloatingSession&&) noexcept = default;

FloatingSession& FloatingSession::operator=(FloatingSession&& other) noexcept {
  if (this != &other) {
    stop();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

FloatingSession::~FloatingSession() { stop(); }

void FloatingSession::stop() {
  if (!impl_) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->thread.join();
  // Also after a loss: the lease may still be held on the server, whose
  // expiry is later than the one this machine counts. A release that fails
  // (the server is gone) leaves the seat to expire there within one TTL.
  (void)release_lease(impl_->calls, impl_->options.product);
  impl_.reset();
}

bool FloatingSession::valid() const {
  if (!impl_) return false;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->state != SessionState::lost && Clock::now() < impl_->valid_until;
}

SessionStatus FloatingSession::status() const {
  if (!impl_) return {};
  std::lock_guard<std::mutex> lock(impl_->mutex);
  // Expired by the clock before the session's thread has noticed: lost all the same.
  const SessionState state = Clock::now() < impl_->valid_until ? impl_->state : SessionState::lost;
  return {state, impl_->held.lease.lease_id, impl_->held.expires_at, impl_->failed_calls,
          impl_->last_error};
}

Lease FloatingSession::lease() const {
  if (!impl_) return {};
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->held.lease;
}

}  // namespace nodelock
