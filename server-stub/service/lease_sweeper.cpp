#include "lease_sweeper.h"

#include <iostream>

namespace nodelock::server {

LeaseSweeper::LeaseSweeper(const LeaseService& service, std::chrono::milliseconds interval)
    : service_(service), interval_(interval), thread_([this] { run(); }) {}

LeaseSweeper::~LeaseSweeper() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void LeaseSweeper::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    const bool stopping = wake_.wait_for(lock, interval_, [this] { return stopping_; });
    lock.unlock();
    // A failed sweep is retried at the next interval; the renewals it could
    // not write stay in memory until then.
    if (Status swept = service_.sweep(); !swept.ok()) {
      std::cerr << "nodelock-server: lease sweep failed: " << swept.message() << std::endl;
    }
    if (stopping) return;
    lock.lock();
  }
}

}  // namespace nodelock::server
