#include "license_rules.h"

#include <algorithm>

#include "nodelock/activation/license_key.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

Status admit(const License& license, UnixTime now) {
  switch (license.state) {
    case LicenseState::suspended:
      return make_error(ErrorCode::suspended, "license " + key_display(license) +
                                                  " is suspended by the vendor; contact support");
    case LicenseState::revoked:
      return make_error(ErrorCode::revoked, "license " + key_display(license) +
                                                " was revoked by the vendor; contact support");
    case LicenseState::active:
      break;
  }
  if (license.expires_at && now > *license.expires_at + license.grace_days * kSecondsPerDay) {
    const std::string what = license.term == Term::trial ? "trial" : "license";
    return make_error(ErrorCode::expired, "the " + what + " " + key_display(license) +
                                              " expired on " + utc_date(*license.expires_at) +
                                              "; renew it or contact sales");
  }
  return {};
}

UnixTime refresh_by(const License& license, const Activation& seat, UnixTime issued_at) {
  const UnixTime end_of_term = license.expires_at
                                   ? *license.expires_at + license.grace_days * kSecondsPerDay
                                   : kLatestUnixTime;
  if (seat.mode == "offline") return end_of_term;
  return std::min(issued_at + license.refresh_days * kSecondsPerDay, end_of_term);
}

Result<fingerprint::MatchPolicy> match_policy_of(const License& license) {
  if (license.match_policy.empty()) return fingerprint::MatchPolicy::standard();
  const auto json = nlohmann::json::parse(license.match_policy, nullptr, false);
  auto policy = fingerprint::match_policy_from_json(json);
  if (!policy.ok()) {
    return make_error(ErrorCode::server_error, "the match policy stored with license " +
                                                   license.id +
                                                   " is unreadable: " + policy.message());
  }
  return policy;
}

Status in_range(const char* field, std::int64_t value, std::int64_t low, std::int64_t high) {
  if (value >= low && value <= high) return {};
  return make_error(ErrorCode::invalid_argument,
                    std::string(field) + " must be between " + std::to_string(low) + " and " +
                        std::to_string(high) + ", not " + std::to_string(value));
}

std::string key_display(const License& license) { return "…-" + license.key_last5; }

std::string plural(int count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string allowance_used_up(const License& license, const std::string& noun, int allowed,
                              const std::vector<UnixTime>& made_at) {
  const int made = static_cast<int>(made_at.size());
  std::string when;
  if (allowed > 0) {
    // The oldest lapse first; one more is possible once enough have.
    when = ", so the next is possible on " + utc_date(made_at[made - allowed] + kAllowanceYear);
  }
  return "license " + key_display(license) + " allows " + plural(allowed, noun) +
         " in 365 days and " + std::to_string(made) + (made == 1 ? " was" : " were") + " made" +
         when;
}

Result<License> license_with_key(Store& store, const LicenseKeyHasher& hasher,
                                 std::string_view typed_key) {
  auto key = LicenseKey::parse(typed_key);
  if (!key.ok()) return key.error();
  const std::string hash = hasher.hash(key->text());
  const Error unknown = make_error(ErrorCode::not_found, "no license has the key ending in " +
                                                             key->last_group() + "; check the key");
  auto license = store.license_by_key_hash(hash);
  if (!license.ok()) return license.code() == ErrorCode::not_found ? unknown : license.error();
  if (!crypto::constant_time_equal(crypto::ByteView(license->key_hash), crypto::ByteView(hash))) {
    return unknown;
  }
  return license;
}

}  // namespace nodelock::server
