// Slows down license key guessing: each client address may fail a key lookup a
// few times in a burst, then once per refill interval. A blocked address is
// refused before its request is even read, so guessing costs the server
// nothing and the guesser time.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace nodelock::server {

class FailureRateLimiter {
 public:
  // `burst` failures at once, then one more every `refill`.
  FailureRateLimiter(int burst, std::chrono::seconds refill);

  // 0 when `address` may try now; otherwise the seconds until it may.
  int retry_after(const std::string& address);
  void record_failure(const std::string& address);

 private:
  using Clock = std::chrono::steady_clock;
  struct Allowance {
    double tokens;
    Clock::time_point updated;
  };
  Allowance& refilled(const std::string& address, Clock::time_point now);

  const double burst_;
  const std::chrono::seconds refill_;
  std::mutex mutex_;
  std::unordered_map<std::string, Allowance> allowances_;
};

}  // namespace nodelock::server
