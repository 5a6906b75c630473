#include "metrics.h"

#include <set>
#include <sstream>

#include "nodelock/server/seats_in_use.h"

namespace nodelock::server {

namespace {

void family(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

std::string prometheus_label(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return escaped;
}

Metrics::Metrics() : started_(std::chrono::steady_clock::now()) {}

void Metrics::count_request(const std::string& route, int status, std::chrono::nanoseconds took,
                            const std::string& refusal) {
  const double seconds = std::chrono::duration<double>(took).count();
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{route, status}];
  Latency& latency = latency_[route];
  ++latency.count;
  latency.seconds += seconds;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++latency.buckets[i];
      break;
    }
  }
  if (!refusal.empty()) ++refusals_[refusal];
}

void Metrics::count_activation(const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++activations_[outcome];
}

void Metrics::count_reclaimed(const std::vector<Activation>& freed) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Activation& seat : freed) ++reclaimed_[seat.license_id];
}

std::string Metrics::prometheus_text(const std::vector<License>& licenses,
                                     const std::vector<Lease>& held) const {
  std::map<std::string, std::vector<Lease>> leased;  // by license id
  for (const Lease& lease : held) leased[lease.license_id].push_back(lease);
  const auto floating = [&leased](const License& license) -> const std::vector<Lease>* {
    if (license.model != SeatModel::floating) return nullptr;
    static const std::vector<Lease> none;
    const auto found = leased.find(license.id);
    return found == leased.end() ? &none : &found->second;
  };
  std::ostringstream out;
  out.precision(12);
  family(out, "nodelock_seats_in_use", "gauge", "Seats in use now, by license.");
  for (const License& license : licenses) {
    const std::vector<Lease>* leases = floating(license);
    out << "nodelock_seats_in_use{license=\"" << prometheus_label(license.id) << "\",product=\""
        << prometheus_label(license.product_id) << "\"} "
        << (leases ? seats_in_use(*leases) : license.seats_used) << '\n';
  }
  family(out, "nodelock_leases", "gauge", "Floating leases held now, by license.");
  for (const License& license : licenses) {
    if (const std::vector<Lease>* leases = floating(license)) {
      out << "nodelock_leases{license=\"" << prometheus_label(license.id) << "\",product=\""
          << prometheus_label(license.product_id) << "\"} " << leases->size() << '\n';
    }
  }
  family(out, "nodelock_grace_seats_in_use", "gauge",
         "Floating seats in use beyond the license's seats, on its grace seats, by license.");
  for (const License& license : licenses) {
    if (const std::vector<Lease>* leases = floating(license)) {
      out << "nodelock_grace_seats_in_use{license=\"" << prometheus_label(license.id)
          << "\",product=\"" << prometheus_label(license.product_id) << "\"} "
          << grace_seats_in_use(seats_in_use(*leases), license.max_activations) << '\n';
    }
  }
  family(out, "nodelock_seats", "gauge", "Seats a license admits, by license.");
  for (const License& license : licenses) {
    if (!has_seat_limit(license)) continue;  // a site license admits any number
    out << "nodelock_seats{license=\"" << prometheus_label(license.id) << "\",product=\""
        << prometheus_label(license.product_id) << "\"} " << license.max_activations << '\n';
  }
  std::lock_guard<std::mutex> lock(mutex_);
  family(out, "nodelock_uptime_seconds", "gauge", "Seconds since this server started.");
  out << "nodelock_uptime_seconds "
      << std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() << '\n';
  family(out, "nodelock_http_requests_total", "counter",
         "HTTP requests answered, by route and status.");
  for (const auto& [key, count] : requests_) {
    out << "nodelock_http_requests_total{route=\"" << prometheus_label(key.first) << "\",status=\""
        << key.second << "\"} " << count << '\n';
  }
  family(out, "nodelock_http_request_duration_seconds", "histogram",
         "Time to answer a request, by route.");
  for (const auto& [route, latency] : latency_) {
    const std::string label = prometheus_label(route);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += latency.buckets[i];
      out << "nodelock_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\""
          << kLatencyBuckets[i] << "\"} " << cumulative << '\n';
    }
    out << "nodelock_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\"+Inf\"} "
        << latency.count << '\n'
        << "nodelock_http_request_duration_seconds_sum{route=\"" << label << "\"} "
        << latency.seconds << '\n'
        << "nodelock_http_request_duration_seconds_count{route=\"" << label << "\"} "
        << latency.count << '\n';
  }
  family(out, "nodelock_refusals_total", "counter", "Requests refused, by error code.");
  for (const auto& [code, count] : refusals_) {
    out << "nodelock_refusals_total{code=\"" << prometheus_label(code) << "\"} " << count << '\n';
  }
  family(out, "nodelock_activations_total", "counter", "Activation and check-in outcomes.");
  for (const auto& [outcome, count] : activations_) {
    out << "nodelock_activations_total{outcome=\"" << prometheus_label(outcome) << "\"} " << count
        << '\n';
  }
  family(out, "nodelock_seats_reclaimed_total", "counter",
         "Seats freed because their machine stopped checking in, by license.");
  for (const auto& [license, count] : reclaimed_) {
    out << "nodelock_seats_reclaimed_total{license=\"" << prometheus_label(license) << "\"} "
        << count << '\n';
  }
  return out.str();
}

}  // namespace nodelock::server
