// The queue for floating seats: clients refused because every seat is held
// may wait for one, in order, instead of trying again at random.
//
// A refused client gets a ticket and polls with it (a fresh LEASE REQUEST
// each time); a seat that comes free goes to the first ticket: while tickets
// wait, a check-out is granted only when there are more seats free than
// tickets ahead of it, so no newcomer jumps the queue. A ticket not polled
// within two poll intervals is dropped, so a waiter that was killed does not
// block the ones behind it.
//
// The queue lives in the server's memory and only there: a ticket is a place
// in a line, not a right to a seat, and is worth keeping for seconds, not
// across a restart. Its time is the server's clock (the test clock in tests),
// like every other deadline of the server. A restart empties the queue; the waiting clients' next
// polls carry tickets the server no longer knows, and they are queued again
// at once, in the order their polls arrive.
//
// Every method may be called from many threads at once.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "nodelock/server/store_records.h"

namespace nodelock::server {

struct QueueTicket {
  std::string id;
  int position = 0;  // 1: next to get a seat
  int waiting = 0;   // tickets in the license's queue, this one included
  int poll_seconds = 0;
};

class SeatQueue {
 public:
  // Tickets waiting on one license at most; beyond them a refusal carries none.
  static constexpr std::size_t kMaxWaiting = 1000;

  SeatQueue(std::chrono::seconds poll_interval, std::function<UnixTime()> clock);

  // How many tickets wait ahead of the caller on `license_id`: those before
  // `ticket` when it is the caller's (issued to `device_key`), every ticket
  // for a newcomer (no ticket, or one the queue does not know).
  int ahead_of(const std::string& license_id, const std::optional<std::string>& ticket,
               const std::string& device_key);
  // The caller's place after a refusal: its ticket, polled now, or a new one
  // at the back. std::nullopt when the license's queue is full.
  std::optional<QueueTicket> keep_place(const std::string& license_id,
                                        const std::optional<std::string>& ticket,
                                        const std::string& device_key);
  // The ticket got its seat.
  void leave(const std::string& license_id, const std::string& ticket);

 private:
  struct Waiter {
    std::string ticket;
    std::string device_key;
    UnixTime polled;
  };
  using Line = std::deque<Waiter>;

  // The live tickets of `license_id`, stale ones dropped; null when none wait.
  Line* line_of(const std::string& license_id);
  static Line::iterator find(Line& line, const std::optional<std::string>& ticket,
                             const std::string& device_key);

  const std::chrono::seconds poll_interval_;
  const std::function<UnixTime()> clock_;
  std::mutex mutex_;
  std::map<std::string, Line> lines_;
};

}  // namespace nodelock::server
