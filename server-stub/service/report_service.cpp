#include "nodelock/server/report_service.h"

#include <utility>
#include <vector>

#include "license_rules.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

ReportService::ReportService(ServiceContext context) : context_(std::move(context)) {}

Result<LicenseUsage> ReportService::usage(std::string_view license_id, std::optional<UnixTime> from,
                                          std::optional<UnixTime> to) const {
  const UnixTime now = context_.clock();
  LicenseUsage usage;
  usage.range.until = to && *to < now ? *to + 1 : now + 1;
  usage.range.from = from.value_or(usage.range.until - kDefaultReportDays * kSecondsPerDay);
  if (usage.range.from >= usage.range.until) {
    return make_error(ErrorCode::invalid_argument,
                      "the report's range is empty: it starts at " +
                          utc_timestamp(usage.range.from) + " and ends at " +
                          utc_timestamp(usage.range.until) +
                          " (never later than now); give --from before --to");
  }
  if (usage.range.until - usage.range.from > kMaxReportDays * kSecondsPerDay) {
    return make_error(ErrorCode::invalid_argument,
                      "a report covers at most " + std::to_string(kMaxReportDays) +
                          " days; this range has " +
                          std::to_string((usage.range.until - usage.range.from) / kSecondsPerDay) +
                          "; ask for one year at a time");
  }
  auto license = context_.store.license(license_id);
  if (!license.ok()) return license.error();
  usage.license = std::move(*license);
  if (context_.usage_log != nullptr) {
    auto sessions =
        context_.usage_log->usage_sessions(license_id, usage.range.from, usage.range.until - 1);
    if (!sessions.ok()) return sessions.error();
    usage.sessions = std::move(*sessions);
  }
  return usage;
}

namespace {

// `compute` over the license's usage in the range, or the error of reading it.
template <class Compute>
auto computed(Result<LicenseUsage> usage, Compute compute)
    -> Result<decltype(compute(std::declval<const LicenseUsage&>()))> {
  if (!usage.ok()) return usage.error();
  return compute(*usage);
}

}  // namespace

Result<UsageSummary> ReportService::summary(std::string_view license_id,
                                            std::optional<UnixTime> from,
                                            std::optional<UnixTime> to) const {
  return computed(usage(license_id, from, to), [](const LicenseUsage& found) {
    return usage_summary(found.sessions, found.license.max_activations, found.range);
  });
}

Result<std::vector<DailyPeak>> ReportService::peaks(std::string_view license_id,
                                                    std::optional<UnixTime> from,
                                                    std::optional<UnixTime> to) const {
  return computed(usage(license_id, from, to), [](const LicenseUsage& found) {
    return daily_peaks(found.sessions, found.range);
  });
}

Result<std::vector<ReportedSession>> ReportService::sessions(std::string_view license_id,
                                                             std::optional<UnixTime> from,
                                                             std::optional<UnixTime> to) const {
  return computed(usage(license_id, from, to), [](const LicenseUsage& found) {
    return reported_sessions(found.sessions, found.range);
  });
}

Result<std::string> ReportService::chart(std::string_view license_id, std::optional<UnixTime> from,
                                         std::optional<UnixTime> to) const {
  return computed(usage(license_id, from, to), [](const LicenseUsage& found) {
    const License& license = found.license;
    const std::string title =
        license.licensee.empty() ? license.id : license.licensee + " (" + license.id + ")";
    return usage_chart_svg(found.sessions, license.max_activations, found.range, title);
  });
}

Result<std::vector<License>> ReportService::seats_in_use() const {
  return context_.store.licenses("");
}

Result<std::vector<Lease>> ReportService::held_leases() const {
  return context_.store.leases().held_leases("");
}

}  // namespace nodelock::server
