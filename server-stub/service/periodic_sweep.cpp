#include "periodic_sweep.h"

#include <algorithm>
#include <iostream>
#include <utility>

namespace nodelock::server {
namespace {

constexpr std::chrono::milliseconds kTestClockLook{50};

}  // namespace

PeriodicSweep::PeriodicSweep(std::string what, std::function<Status()> sweep,
                             std::chrono::milliseconds interval, FirstSweep first_sweep,
                             FinalSweep final_sweep, std::function<UnixTime()> test_clock)
    : what_(std::move(what)),
      sweep_(std::move(sweep)),
      interval_(interval),
      first_sweep_(first_sweep),
      final_sweep_(final_sweep),
      test_clock_(std::move(test_clock)),
      last_swept_(test_clock_ ? test_clock_() : 0),
      thread_([this] { run(); }) {}

PeriodicSweep::~PeriodicSweep() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool PeriodicSweep::due() {
  const UnixTime now = test_clock_();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(interval_).count();
  if (now - last_swept_ < std::max<std::int64_t>(seconds, 1)) return false;
  last_swept_ = now;
  return true;
}

void PeriodicSweep::sweep_once() {
  // A failed sweep is retried at the next interval; what it could not do
  // waits until then (the lease sweep keeps its renewals in memory).
  if (Status swept = sweep_(); !swept.ok()) {
    std::cerr << "nodelock-server: " << what_ << " failed: " << swept.message() << std::endl;
  }
}

void PeriodicSweep::run() {
  if (first_sweep_ == FirstSweep::at_start) sweep_once();
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    const bool stopping = wake_.wait_for(lock, test_clock_ ? kTestClockLook : interval_,
                                         [this] { return stopping_; });
    lock.unlock();
    if (stopping && final_sweep_ == FinalSweep::no) return;
    if (!stopping && test_clock_ && !due()) {
      lock.lock();
      continue;
    }
    sweep_once();
    if (stopping) return;
    lock.lock();
  }
}

}  // namespace nodelock::server
