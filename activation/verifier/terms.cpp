#include "terms.h"

#include <cstdint>
#include <string_view>

#include "../store/clock_guard.h"
#include "nodelock/activation/site_binding.h"
#include "nodelock/crypto/numbers.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock {

namespace {

constexpr std::int64_t kDay = 24 * 3600;

}  // namespace

Result<std::int64_t> app_major_version(std::string_view version) {
  const auto unreadable = [version] {
    return make_error(ErrorCode::invalid_argument,
                      "'" + std::string(version) +
                          "' is not an application version: give numbers separated by dots, "
                          "such as 4.2.0 or v4.2, optionally followed by -PRERELEASE or +BUILD");
  };
  std::string_view rest = version;
  if (!rest.empty() && (rest.front() == 'v' || rest.front() == 'V')) rest.remove_prefix(1);
  const std::string_view numbers = rest.substr(0, rest.find_first_of("-+"));
  const std::string_view suffix = rest.substr(numbers.size());
  // Each dot-separated part is one or more digits: no sign, space or empty part.
  if (numbers.empty() || numbers.front() == '.' || numbers.back() == '.' ||
      numbers.find("..") != std::string_view::npos ||
      numbers.find_first_not_of("0123456789.") != std::string_view::npos || suffix.size() == 1) {
    return unreadable();
  }
  if (suffix.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-+.",
                               1) != std::string_view::npos) {
    return unreadable();
  }
  // A major too large to read is later than every limit, so it is not covered.
  const auto major =
      parse_whole_number(numbers.substr(0, numbers.find('.')), "version", 0, INT64_MAX);
  return major.ok() ? *major : INT64_MAX;
}

Status check_terms(const License& license, bool checks_in, const CheckOptions& options,
                   std::int64_t now, bool& in_grace) {
  const std::int64_t grace = license.grace_days * kDay;
  if (now + ClockGuard::kToleranceSeconds < license.issued_at) {
    return make_error(ErrorCode::clock_rollback,
                      "The system clock (" + utc_date(now) +
                          ") is before this license was issued (" + utc_date(license.issued_at) +
                          "). Set the correct date and time, then try again.");
  }
  if (license.expires_at && now > *license.expires_at + grace) {
    return make_error(ErrorCode::expired, "This license expired on " +
                                              utc_date(*license.expires_at) +
                                              ". Renew it with your vendor, then run "
                                              "`nodelock refresh`.");
  }
  if (checks_in && now > license.refresh_by + grace) {
    return make_error(ErrorCode::needs_refresh,
                      "This license had to check in with the license server by " +
                          utc_date(license.refresh_by) +
                          ". Connect to the network and run `nodelock refresh`.");
  }
  in_grace =
      (license.expires_at && now > *license.expires_at) || (checks_in && now > license.refresh_by);
  if (!options.app_version.empty()) {
    const auto major = app_major_version(options.app_version);
    if (!major.ok()) {
      return make_error(
          ErrorCode::version_not_covered,
          "The application gave a version this check cannot read: " + major.message() + ".");
    }
    if (license.max_version && *major > *license.max_version) {
      return make_error(ErrorCode::version_not_covered,
                        "This license covers versions up to " +
                            std::to_string(*license.max_version) + ".x, not " +
                            options.app_version +
                            ". Upgrade the license or use an earlier version.");
    }
  }
  if (license.maintenance_end && options.app_release_time &&
      *options.app_release_time > *license.maintenance_end) {
    return make_error(ErrorCode::version_not_covered,
                      "This license covers releases up to " + utc_date(*license.maintenance_end) +
                          "; this build is newer. Renew maintenance or use an earlier build.");
  }
  return {};
}

bool asks_for_check_in(const License& license) {
  const std::int64_t end_of_term =
      license.expires_at ? *license.expires_at + license.grace_days * kDay : kLatestUnixTime;
  return license.refresh_by < end_of_term;
}

Error renewal_by_file(const License& license) {
  return make_error(ErrorCode::needs_refresh,
                    "This license had to be renewed by " + utc_date(license.refresh_by) +
                        ". This machine was activated by files, so renew it the same way: run "
                        "`nodelock offline request --renew --product " +
                        license.product +
                        " --out renew.nlreq`, take renew.nlreq to your vendor's support, and "
                        "install the .nlres file they send back with `nodelock offline install "
                        "FILE`.");
}

License terms_of(const SiteLicense& site) {
  License license;
  license.license_id = site.license_id;
  license.product = site.product;
  license.licensee = site.licensee;
  license.model = SeatModel::site;
  license.term = site.term;
  license.features = site.features;
  license.issued_at = site.issued_at;
  license.expires_at = site.expires_at;
  license.grace_days = site.grace_days;
  license.max_version = site.max_version;
  license.maintenance_end = site.maintenance_end;
  return license;
}

License terms_of(const Borrow& borrow) {
  License license;
  license.license_id = borrow.license_id;
  license.product = borrow.product;
  license.licensee = borrow.licensee;
  license.model = SeatModel::floating;
  license.features = borrow.features;
  license.issued_at = borrow.issued_at;
  license.expires_at = borrow.expires_at;
  license.fingerprint = borrow.fingerprint;
  license.match_policy = borrow.match_policy;
  license.machine_id = borrow.machine_id;
  license.device_public_key = borrow.device_public_key;
  return license;
}

Status check_borrow_term(const License& terms, std::int64_t now) {
  if (now < terms.expires_at.value_or(0)) return {};
  return make_error(ErrorCode::expired,
                    "The floating seat borrowed for offline use expired at " +
                        utc_timestamp(terms.expires_at.value_or(0)) +
                        ". Go back online and borrow it again with `nodelock lease borrow --days "
                        "N`, or check a seat out with `nodelock lease checkout`.");
}

Status check_site(const CheckResult::LicenseView& view, std::string_view presented) {
  if (presented == view.site_id) return {};
  return outside_site(view.license.licensee, view.site_id, presented);
}

}  // namespace nodelock
