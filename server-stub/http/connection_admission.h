// Which accepted connections get a worker, decided as each reaches one.
//
// A connection holds its worker while it is open, so one address could take
// every worker with slow or idle connections, and many addresses together
// still can. Each address may hold a few connections at a time, and the last
// workers are kept for /v1/health and /metrics: a connection that finds every
// other worker busy is served one request, and only if it asks for those.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace nodelock::server {

class ConnectionAdmission {
 public:
  enum class Grant { refused, full, reserved_only };

  // Held for as long as the connection is served; releases its place.
  class Ticket {
   public:
    Ticket(ConnectionAdmission& admission, std::string address, Grant grant)
        : admission_(&admission), address_(std::move(address)), grant_(grant) {}
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();
    Grant grant() const { return grant_; }

   private:
    ConnectionAdmission* admission_;
    std::string address_;
    Grant grant_;
  };

  // `reserved_workers` of `workers` are kept for health and metrics.
  ConnectionAdmission(std::size_t workers, std::size_t reserved_workers,
                      std::size_t max_per_address)
      : general_workers_(workers - reserved_workers), max_per_address_(max_per_address) {}

  [[nodiscard]] Ticket admit(const std::string& address);

 private:
  void release(const std::string& address, Grant grant);

  const std::size_t general_workers_;
  const std::size_t max_per_address_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> connections_of_;
  std::size_t general_in_use_ = 0;
};

}  // namespace nodelock::server
