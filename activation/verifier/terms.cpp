#include "terms.h"

#include <cstdint>
#include <string_view>

#include "../store/clock_guard.h"
#include "nodelock/crypto/numbers.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock {

namespace {

constexpr std::int64_t kDay = 24 * 3600;

// The major version of "4.2.0" (its leading digits), or -1 without any. A
// major too large to read is later than every limit, so it is not covered.
std::int64_t major_version(std::string_view version) {
  const std::string_view digits = version.substr(0, version.find_first_not_of("0123456789"));
  if (digits.empty()) return -1;
  const auto major = parse_whole_number(digits, "version", 0, INT64_MAX);
  return major.ok() ? *major : INT64_MAX;
}

}  // namespace

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
  const std::int64_t major = major_version(options.app_version);
  if (license.max_version && major > *license.max_version) {
    return make_error(ErrorCode::version_not_covered,
                      "This license covers versions up to " + std::to_string(*license.max_version) +
                          ".x, not " + options.app_version +
                          ". Upgrade the license or use an earlier version.");
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
  const std::string licensee = view.license.licensee.empty() ? "" : " of " + view.license.licensee;
  const std::string seen = presented.empty()
                               ? "this machine presents no site id"
                               : "this machine presents site id '" + std::string(presented) + "'";
  return make_error(ErrorCode::outside_site,
                    "This site license" + licensee + " is for site '" + view.site_id + "', and " +
                        seen + ". Set the site id with `nodelock offline install FILE --site-id " +
                        view.site_id + "`, or ask support for this site's file.");
}

}  // namespace nodelock
