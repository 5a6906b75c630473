#include "metrics.h"

#include <sstream>

namespace nodelock::server {

Metrics::Metrics() : started_(std::chrono::steady_clock::now()) {}

void Metrics::count_request(const std::string& route, int status, std::chrono::nanoseconds took) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{route, status}];
  request_seconds_[route] += std::chrono::duration<double>(took).count();
}

void Metrics::count_activation(const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++activations_[outcome];
}

std::string Metrics::prometheus_text() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out << "# HELP nodelock_uptime_seconds Seconds since this server started.\n"
      << "# TYPE nodelock_uptime_seconds gauge\n"
      << "nodelock_uptime_seconds "
      << std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count()
      << "\n# HELP nodelock_http_requests_total HTTP requests answered, by route and status.\n"
      << "# TYPE nodelock_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out << "nodelock_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << count << '\n';
  }
  out << "# HELP nodelock_http_request_seconds_total Time spent answering, by route.\n"
      << "# TYPE nodelock_http_request_seconds_total counter\n";
  for (const auto& [route, seconds] : request_seconds_) {
    out << "nodelock_http_request_seconds_total{route=\"" << route << "\"} " << seconds << '\n';
  }
  out << "# HELP nodelock_activations_total Activation and check-in outcomes.\n"
      << "# TYPE nodelock_activations_total counter\n";
  for (const auto& [outcome, count] : activations_) {
    out << "nodelock_activations_total{outcome=\"" << outcome << "\"} " << count << '\n';
  }
  return out.str();
}

}  // namespace nodelock::server
