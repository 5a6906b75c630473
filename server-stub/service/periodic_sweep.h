// A server task run on a schedule on a thread of its own: the lease sweep
// (heartbeats written, expired leases released every flush interval), the
// seat reclamation sweep and the scan for licenses near their expiry. Stopping wakes the thread at
// once instead of waiting out the interval. On the test clock (test_clock.h) the interval is
// counted on that clock, looked at every 50 ms, so a sweep runs as soon as a test moves time past
// it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "nodelock/crypto/result.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

// Whether the first sweep runs as the server starts or one interval later:
// the expiry scan runs at once, so a server restarted more often than its
// interval still scans.
enum class FirstSweep { at_start, after_interval };

// Whether a sweep runs once more when the server stops: the lease sweep does,
// so a clean stop writes every heartbeat received.
enum class FinalSweep { yes, no };

class PeriodicSweep {
 public:
  // Runs `sweep` every `interval` until destroyed; `what` names it in the
  // message of a failed sweep, which is retried at the next interval.
  // `test_clock` set: the interval is whole seconds of it instead of real time.
  PeriodicSweep(std::string what, std::function<Status()> sweep, std::chrono::milliseconds interval,
                FirstSweep first_sweep, FinalSweep final_sweep,
                std::function<UnixTime()> test_clock = {});
  ~PeriodicSweep();
  PeriodicSweep(const PeriodicSweep&) = delete;
  PeriodicSweep& operator=(const PeriodicSweep&) = delete;

 private:
  void run();
  void sweep_once();
  // False while the test clock has not moved a whole interval since the last sweep.
  bool due();

  const std::string what_;
  const std::function<Status()> sweep_;
  const std::chrono::milliseconds interval_;
  const FirstSweep first_sweep_;
  const FinalSweep final_sweep_;
  const std::function<UnixTime()> test_clock_;
  // Read before the thread starts, so a test that moves the clock as soon as
  // the server listens moves it past this.
  UnixTime last_swept_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nodelock::server
