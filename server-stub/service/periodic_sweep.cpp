#include "periodic_sweep.h"

#include <iostream>
#include <utility>

namespace nodelock::server {

PeriodicSweep::PeriodicSweep(std::string what, std::function<Status()> sweep,
                             std::chrono::milliseconds interval, FinalSweep final_sweep)
    : what_(std::move(what)),
      sweep_(std::move(sweep)),
      interval_(interval),
      final_sweep_(final_sweep),
      thread_([this] { run(); }) {}

PeriodicSweep::~PeriodicSweep() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void PeriodicSweep::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    const bool stopping = wake_.wait_for(lock, interval_, [this] { return stopping_; });
    lock.unlock();
    if (stopping && final_sweep_ == FinalSweep::no) return;
    // A failed sweep is retried at the next interval; what it could not do
    // waits until then (the lease sweep keeps its renewals in memory).
    if (Status swept = sweep_(); !swept.ok()) {
      std::cerr << "nodelock-server: " << what_ << " failed: " << swept.message() << std::endl;
    }
    if (stopping) return;
    lock.lock();
  }
}

}  // namespace nodelock::server
