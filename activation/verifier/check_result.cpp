#include <algorithm>
#include <utility>

#include "nodelock/activation/verifier.h"
#include "terms.h"

namespace nodelock {

namespace {

constexpr std::pair<LicenseStatus, std::string_view> kStatusNames[] = {
    {LicenseStatus::valid, "valid"},
    {LicenseStatus::not_activated, "not_activated"},
    {LicenseStatus::expired, "expired"},
    {LicenseStatus::machine_mismatch, "machine_mismatch"},
    {LicenseStatus::tampered, "tampered"},
    {LicenseStatus::clock_rollback, "clock_rollback"},
    {LicenseStatus::needs_refresh, "needs_refresh"},
    {LicenseStatus::version_not_covered, "version_not_covered"},
    {LicenseStatus::dongle_missing, "dongle_missing"},
    {LicenseStatus::suspended, "suspended"},
    {LicenseStatus::revoked, "revoked"},
    {LicenseStatus::outside_site, "outside_site"},
    {LicenseStatus::product_mismatch, "product_mismatch"},
};

}  // namespace

LicenseStatus status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_activated:
      return LicenseStatus::not_activated;
    case ErrorCode::expired:
      return LicenseStatus::expired;
    case ErrorCode::machine_mismatch:
      return LicenseStatus::machine_mismatch;
    case ErrorCode::clock_rollback:
      return LicenseStatus::clock_rollback;
    case ErrorCode::needs_refresh:
      return LicenseStatus::needs_refresh;
    case ErrorCode::version_not_covered:
      return LicenseStatus::version_not_covered;
    case ErrorCode::dongle_missing:
      return LicenseStatus::dongle_missing;
    case ErrorCode::suspended:
      return LicenseStatus::suspended;
    case ErrorCode::revoked:
      return LicenseStatus::revoked;
    case ErrorCode::outside_site:
      return LicenseStatus::outside_site;
    case ErrorCode::product_mismatch:
      return LicenseStatus::product_mismatch;
    default:
      return LicenseStatus::tampered;
  }
}

std::string_view status_name(LicenseStatus status) {
  for (const auto& [known, name] : kStatusNames) {
    if (known == status) return name;
  }
  return "tampered";
}

bool CheckResult::has_feature(std::string_view name) const {
  const auto& list = features();
  return std::find(list.begin(), list.end(), name) != list.end();
}

const std::vector<std::string>& CheckResult::features() const {
  static const std::vector<std::string> none;
  return license_ && ok() ? license_->license.features : none;
}

const std::string& CheckResult::license_id() const {
  static const std::string none;
  return license_ ? license_->license.license_id : none;
}

const std::string& CheckResult::licensee() const {
  static const std::string none;
  return license_ ? license_->license.licensee : none;
}

bool CheckResult::borrowed() const { return license_ && license_->borrowed; }

const std::string& CheckResult::site_id() const {
  static const std::string none;
  return license_ ? license_->site_id : none;
}

const std::string& CheckResult::machine_id() const {
  static const std::string none;
  return license_ ? license_->license.machine_id : none;
}

const std::string& CheckResult::current_machine_id() const {
  static const std::string none;
  return license_ ? license_->current_machine_id : none;
}

const std::string& CheckResult::match_warning() const {
  static const std::string none;
  return license_ ? license_->match_warning : none;
}

std::optional<std::int64_t> CheckResult::expires_at() const {
  return license_ ? license_->license.expires_at : std::nullopt;
}

std::int64_t CheckResult::refresh_by() const {
  if (!license_) return 0;
  const License& license = license_->license;
  return asks_for_check_in(license) ? license.refresh_by : 0;
}

const dongle::DongleBinding* CheckResult::dongle() const {
  return license_ && license_->license.dongle ? &*license_->license.dongle : nullptr;
}

}  // namespace nodelock
