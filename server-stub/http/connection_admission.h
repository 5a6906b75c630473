// Which accepted connections get a worker, decided as each reaches one.
//
// A connection holds its worker while it is open, so one address could take
// every worker with slow or idle connections, and many addresses together
// still can. Each address may hold a few workers at a time; its further
// connections wait in a line of their own, holding a socket but no worker,
// and are handed back to the pool one by one as the address's connections
// end. So a burst from one address (a lab behind NAT) is served in turn, and
// a slow attack from one address slows only itself. The last workers are
// kept for /v1/health and /metrics: a connection that finds every other
// worker busy is served one request, and only if it asks for those.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace nodelock::server {

class ConnectionAdmission {
 public:
  // waiting: the socket is in its address's line, and resume() will hand it
  // back; refused: the line is full too.
  enum class Grant { full, reserved_only, waiting, refused };

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

  // `reserved_workers` of `workers` are kept for health and metrics; an
  // address holds at most `max_per_address` and has at most
  // `max_waiting_per_address` more in line. `resume` gets a waiting socket
  // when its turn comes.
  ConnectionAdmission(std::size_t workers, std::size_t reserved_workers,
                      std::size_t max_per_address, std::size_t max_waiting_per_address,
                      std::function<void(socket_t)> resume);
  ConnectionAdmission(const ConnectionAdmission&) = delete;
  ConnectionAdmission& operator=(const ConnectionAdmission&) = delete;
  // Closes the sockets still waiting.
  ~ConnectionAdmission();

  [[nodiscard]] Ticket admit(const std::string& address, socket_t socket);

 private:
  struct AddressState {
    std::size_t held = 0;
    std::deque<socket_t> waiting;
  };

  void release(const std::string& address, Grant grant);

  const std::size_t general_workers_;
  const std::size_t max_per_address_;
  const std::size_t max_waiting_per_address_;
  const std::function<void(socket_t)> resume_;
  std::mutex mutex_;
  std::unordered_map<std::string, AddressState> addresses_;
  std::size_t general_in_use_ = 0;
};

}  // namespace nodelock::server
