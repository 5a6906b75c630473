#include "nodelock/server/seat_queue.h"

#include <algorithm>
#include <utility>

#include "identifiers.h"

namespace nodelock::server {

SeatQueue::SeatQueue(std::chrono::seconds poll_interval, std::function<UnixTime()> clock)
    : poll_interval_(poll_interval), clock_(std::move(clock)) {}

SeatQueue::Line* SeatQueue::line_of(const std::string& license_id) {
  const auto found = lines_.find(license_id);
  if (found == lines_.end()) return nullptr;
  const UnixTime stale = clock_() - 2 * poll_interval_.count();
  Line& line = found->second;
  line.erase(std::remove_if(line.begin(), line.end(),
                            [&](const Waiter& waiter) { return waiter.polled < stale; }),
             line.end());
  if (line.empty()) {
    lines_.erase(found);
    return nullptr;
  }
  return &line;
}

SeatQueue::Line::iterator SeatQueue::find(Line& line, const std::optional<std::string>& ticket,
                                          const std::string& device_key) {
  if (!ticket) return line.end();
  // A ticket shown by another device is not its place: ids are not secrets
  // enough to be handed around, the device key is.
  return std::find_if(line.begin(), line.end(), [&](const Waiter& waiter) {
    return waiter.ticket == *ticket && waiter.device_key == device_key;
  });
}

int SeatQueue::ahead_of(const std::string& license_id, const std::optional<std::string>& ticket,
                        const std::string& device_key) {
  std::lock_guard<std::mutex> lock(mutex_);
  Line* line = line_of(license_id);
  if (line == nullptr) return 0;
  return static_cast<int>(find(*line, ticket, device_key) - line->begin());
}

std::optional<QueueTicket> SeatQueue::keep_place(const std::string& license_id,
                                                 const std::optional<std::string>& ticket,
                                                 const std::string& device_key) {
  std::lock_guard<std::mutex> lock(mutex_);
  Line* found = line_of(license_id);
  Line& line = found != nullptr ? *found : lines_[license_id];
  auto place = find(line, ticket, device_key);
  if (place == line.end()) {
    if (line.size() >= kMaxWaiting) return std::nullopt;
    line.push_back({new_record_id("tkt"), device_key, 0});
    place = std::prev(line.end());
  }
  place->polled = clock_();
  return QueueTicket{place->ticket, static_cast<int>(place - line.begin()) + 1,
                     static_cast<int>(line.size()), static_cast<int>(poll_interval_.count())};
}

void SeatQueue::leave(const std::string& license_id, const std::string& ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = lines_.find(license_id);
  if (found == lines_.end()) return;
  Line& line = found->second;
  line.erase(std::remove_if(line.begin(), line.end(),
                            [&](const Waiter& waiter) { return waiter.ticket == ticket; }),
             line.end());
  if (line.empty()) lines_.erase(found);
}

}  // namespace nodelock::server
