// The report service: a license's usage over a range of time, for vendors and
// support staff deciding whether a customer has the seats they need.
//
// Every role may read reports, viewer included. The figures are computed by
// the pure functions of usage_report.h over the sessions the usage log keeps;
// this service only finds the license, settles the range and reads the
// sessions. Like the other services it knows nothing of HTTP.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/lease_store.h"
#include "nodelock/server/usage.h"
#include "nodelock/server/usage_report.h"

namespace nodelock::server {

// A report's range is at most this long, so a report stays one quick read.
inline constexpr int kMaxReportDays = 366;
// Without a start, a report covers this many days up to its end.
inline constexpr int kDefaultReportDays = 30;

struct LicenseUsage {
  License license;
  ReportRange range;
  std::vector<UsageSession> sessions;
};

class ReportService {
 public:
  explicit ReportService(ServiceContext context);

  // The license's sessions over [from, to] (both included; to none: now, from
  // none: 30 days before to). The range never reaches past now, so an open
  // session counts up to now. invalid_argument for a range that is empty or
  // longer than 366 days; not_found (license).
  [[nodiscard]] Result<LicenseUsage> usage(std::string_view license_id,
                                           std::optional<UnixTime> from,
                                           std::optional<UnixTime> to) const;

  [[nodiscard]] Result<UsageSummary> summary(std::string_view license_id,
                                             std::optional<UnixTime> from,
                                             std::optional<UnixTime> to) const;
  [[nodiscard]] Result<std::vector<DailyPeak>> peaks(std::string_view license_id,
                                                     std::optional<UnixTime> from,
                                                     std::optional<UnixTime> to) const;
  [[nodiscard]] Result<std::vector<ReportedSession>> sessions(std::string_view license_id,
                                                              std::optional<UnixTime> from,
                                                              std::optional<UnixTime> to) const;
  // The SVG step chart of seats in use, titled with the licensee and license id.
  [[nodiscard]] Result<std::string> chart(std::string_view license_id, std::optional<UnixTime> from,
                                          std::optional<UnixTime> to) const;

  // Every license with its seats in use now, for the metrics gauges.
  [[nodiscard]] Result<std::vector<License>> seats_in_use() const;
  // Every license's floating leases still held, for the same gauges.
  [[nodiscard]] Result<std::vector<Lease>> held_leases() const;

 private:
  ServiceContext context_;
};

}  // namespace nodelock::server
