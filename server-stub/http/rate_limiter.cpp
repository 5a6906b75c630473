#include "rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace nodelock::server {

namespace {

// Bounds the memory a flood of addresses can take; full allowances carry no
// information and are the ones dropped.
constexpr std::size_t kMaxTrackedAddresses = 100000;

}  // namespace

FailureRateLimiter::FailureRateLimiter(int burst, std::chrono::seconds refill)
    : burst_(burst), refill_(refill) {}

FailureRateLimiter::Allowance& FailureRateLimiter::refilled(const std::string& address,
                                                            Clock::time_point now) {
  auto found = allowances_.find(address);
  if (found == allowances_.end()) {
    if (allowances_.size() >= kMaxTrackedAddresses) {
      for (auto it = allowances_.begin(); it != allowances_.end();) {
        const double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
        const bool full = it->second.tokens + elapsed / refill_.count() >= burst_;
        it = full ? allowances_.erase(it) : std::next(it);
      }
    }
    found = allowances_.emplace(address, Allowance{burst_, now}).first;
  }
  Allowance& allowance = found->second;
  const double elapsed = std::chrono::duration<double>(now - allowance.updated).count();
  allowance.tokens = std::min(burst_, allowance.tokens + elapsed / refill_.count());
  allowance.updated = now;
  return allowance;
}

int FailureRateLimiter::retry_after(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (allowances_.count(address) == 0) return 0;
  const Allowance& allowance = refilled(address, Clock::now());
  if (allowance.tokens >= 1.0) return 0;
  return static_cast<int>(std::ceil((1.0 - allowance.tokens) * refill_.count()));
}

void FailureRateLimiter::record_failure(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  Allowance& allowance = refilled(address, Clock::now());
  allowance.tokens = std::max(0.0, allowance.tokens - 1.0);
}

}  // namespace nodelock::server
