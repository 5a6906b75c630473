// Counters for GET /metrics, in the Prometheus text format.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace nodelock::server {

class Metrics {
 public:
  Metrics();

  // One answered request of `route` (its pattern, e.g. "/v1/licenses/{id}").
  void count_request(const std::string& route, int status, std::chrono::nanoseconds took);
  // One activation outcome: "granted", "existing", "renewed" or an error code name.
  void count_activation(const std::string& outcome);

  std::string prometheus_text() const;

 private:
  mutable std::mutex mutex_;
  const std::chrono::steady_clock::time_point started_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, double> request_seconds_;
  std::map<std::string, std::uint64_t> activations_;
};

}  // namespace nodelock::server
