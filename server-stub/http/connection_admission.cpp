#include "connection_admission.h"

#include <unistd.h>

namespace nodelock::server {

ConnectionAdmission::Ticket::~Ticket() { admission_->release(address_, grant_); }

ConnectionAdmission::ConnectionAdmission(std::size_t workers, std::size_t reserved_workers,
                                         std::size_t max_per_address,
                                         std::size_t max_waiting_per_address,
                                         std::function<void(socket_t)> resume)
    : general_workers_(workers - reserved_workers),
      max_per_address_(max_per_address),
      max_waiting_per_address_(max_waiting_per_address),
      resume_(std::move(resume)) {}

ConnectionAdmission::~ConnectionAdmission() {
  for (auto& [address, state] : addresses_) {
    for (const socket_t socket : state.waiting) ::close(socket);
  }
}

ConnectionAdmission::Ticket ConnectionAdmission::admit(const std::string& address,
                                                       socket_t socket) {
  const std::lock_guard<std::mutex> lock(mutex_);
  AddressState& state = addresses_[address];
  if (state.held >= max_per_address_) {
    if (state.waiting.size() >= max_waiting_per_address_) {
      return Ticket(*this, address, Grant::refused);
    }
    state.waiting.push_back(socket);
    return Ticket(*this, address, Grant::waiting);
  }
  ++state.held;
  if (general_in_use_ >= general_workers_) return Ticket(*this, address, Grant::reserved_only);
  ++general_in_use_;
  return Ticket(*this, address, Grant::full);
}

void ConnectionAdmission::release(const std::string& address, Grant grant) {
  if (grant == Grant::refused || grant == Grant::waiting) return;
  socket_t next = INVALID_SOCKET;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (grant == Grant::full) --general_in_use_;
    const auto entry = addresses_.find(address);
    AddressState& state = entry->second;
    --state.held;
    if (!state.waiting.empty()) {
      next = state.waiting.front();
      state.waiting.pop_front();
    } else if (state.held == 0) {
      addresses_.erase(entry);
    }
  }
  if (next != INVALID_SOCKET) resume_(next);
}

}  // namespace nodelock::server
