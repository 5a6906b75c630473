// The server's lease sweep: every flush interval, heartbeats received are
// written and leases that expired are released, so a crashed client's seat is
// free within one TTL and a server crash loses at most one interval of renewals.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "nodelock/server/lease_service.h"

namespace nodelock::server {

class LeaseSweeper {
 public:
  // Sweeps `service` (which must outlive the sweeper) every `interval`.
  LeaseSweeper(const LeaseService& service, std::chrono::milliseconds interval);
  // Stops after one last sweep, so a clean stop writes every heartbeat.
  ~LeaseSweeper();
  LeaseSweeper(const LeaseSweeper&) = delete;
  LeaseSweeper& operator=(const LeaseSweeper&) = delete;

 private:
  void run();

  const LeaseService& service_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nodelock::server
