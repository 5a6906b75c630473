// Counters for GET /metrics, in the Prometheus text exposition format
// (version 0.0.4): every family with its HELP and TYPE, label values escaped.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "nodelock/server/lease_store.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

class Metrics {
 public:
  // Upper bounds of the request latency histogram's buckets, in seconds.
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

  Metrics();

  // One answered request of `route` (its pattern, e.g. "/v1/licenses/{id}");
  // `refusal`: the error code of a refused one, empty for a success.
  void count_request(const std::string& route, int status, std::chrono::nanoseconds took,
                     const std::string& refusal);
  // One activation outcome: "granted", "existing", "renewed" or an error code name.
  void count_activation(const std::string& outcome);
  // Seats the reclamation sweep freed.
  void count_reclaimed(const std::vector<Activation>& freed);

  // The text for a scrape, with the seats in use of `licenses` as gauges and,
  // for the floating ones, the leases of `held` (every license's leases still
  // held): a floating license's seats in use are the seats its leases hold.
  std::string prometheus_text(const std::vector<License>& licenses,
                              const std::vector<Lease>& held) const;

 private:
  struct Latency {
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double seconds = 0;
  };

  mutable std::mutex mutex_;
  const std::chrono::steady_clock::time_point started_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Latency> latency_;
  std::map<std::string, std::uint64_t> refusals_;
  std::map<std::string, std::uint64_t> activations_;
  std::map<std::string, std::uint64_t> reclaimed_;  // by license
};

// `value` as a label value: backslash, double quote and line feed escaped.
std::string prometheus_label(const std::string& value);

}  // namespace nodelock::server
