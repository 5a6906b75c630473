#include "connection_admission.h"

namespace nodelock::server {

ConnectionAdmission::Ticket::~Ticket() { admission_->release(address_, grant_); }

ConnectionAdmission::Ticket ConnectionAdmission::admit(const std::string& address) {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::size_t& held = connections_of_[address];
  if (held >= max_per_address_) return Ticket(*this, address, Grant::refused);
  ++held;
  if (general_in_use_ >= general_workers_) return Ticket(*this, address, Grant::reserved_only);
  ++general_in_use_;
  return Ticket(*this, address, Grant::full);
}

void ConnectionAdmission::release(const std::string& address, Grant grant) {
  if (grant == Grant::refused) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  if (grant == Grant::full) --general_in_use_;
  const auto entry = connections_of_.find(address);
  if (--entry->second == 0) connections_of_.erase(entry);
}

}  // namespace nodelock::server
