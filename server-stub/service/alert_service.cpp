#include "nodelock/server/alert_service.h"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "identifiers.h"
#include "license_rules.h"
#include "nodelock/crypto/utc_time.h"
#include "nodelock/server/seats_in_use.h"

namespace nodelock::server {

namespace {

constexpr std::size_t kMaxUrlLength = 2000;
constexpr int kExpiryThresholds[] = {1, 7, 30};  // days, nearest first

std::string named(const License& license) {
  return "license " + license.id + (license.licensee.empty() ? "" : " (" + license.licensee + ")");
}

Status check_url(const std::string& url) {
  const bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  const std::size_t host = url.find("://") + 3;
  const bool printable = std::none_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
  if (scheme && url.size() > host && url.size() <= kMaxUrlLength && printable && url[host] != '/') {
    return {};
  }
  return make_error(ErrorCode::invalid_argument,
                    "the webhook URL must be http:// or https:// with a host, at most 2000 "
                    "characters without spaces, e.g. https://hooks.example.com/nodelock");
}

}  // namespace

AlertService::AlertService(ServiceContext context, UnixTime repeat_seconds)
    : context_(std::move(context)), repeat_seconds_(repeat_seconds) {}

bool AlertService::take_turn(const std::string& key, bool once, UnixTime now) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto seen = recent_.find(key);
  if (seen != recent_.end() && (once || now - seen->second < repeat_seconds_)) return false;
  recent_[key] = now;
  return true;
}

void AlertService::give_back_turn(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  recent_.erase(key);
}

void AlertService::raise(Alert alert, const std::string& key, bool once) const {
  alert.id = new_record_id("alr");
  // The request that raised it must not fail for it; a lost alert is raised
  // again by the next event.
  auto raised = context_.store.raise_alert(alert, once ? 0 : alert.raised_at - repeat_seconds_ + 1);
  if (!raised.ok()) give_back_turn(key);
}

void AlertService::raise_for_seats(std::string_view kind, const SeatCount& seats,
                                   const std::function<std::string(const License&)>& say) const {
  Alert alert;
  alert.license_id = seats.license_id;
  alert.kind = std::string(kind);
  alert.raised_at = context_.clock();
  // Most events repeat one raised moments ago: answered here, before any read.
  const std::string key = alert.license_id + '\n' + alert.kind;
  if (!take_turn(key, false, alert.raised_at)) return;
  auto license = context_.store.license(seats.license_id);
  if (!license.ok()) return give_back_turn(key);
  alert.details = nlohmann::json{{"used", seats.used}, {"max", *seats.max}}.dump();
  alert.message = say(*license);
  raise(std::move(alert), key, false);
}

void AlertService::after_activation(const ActivationAnswer& answer) const {
  // A site license has no limit for its seats to reach.
  if (!answer.seats || answer.seats->license_id.empty() || !answer.seats->max) return;
  const SeatCount& seats = *answer.seats;
  const int max = *seats.max;
  const bool refused = !answer.result.ok() && answer.result.code() == ErrorCode::activation_limit;
  const bool high = answer.result.ok() && seats.used * 5 > max * 4;
  if (!refused && !high) return;
  raise_for_seats(refused ? kSeatsExhausted : kHighUtilisation, seats, [&](const License& license) {
    return refused ? "A machine was refused on " + named(license) + ": all " +
                         std::to_string(seats.used) + " of " + std::to_string(max) +
                         " seats are in use. Free one (nodelock admin devices, reset) or raise the "
                         "limit (nodelock admin license set-limit)"
                   : named(license) + " has " + std::to_string(seats.used) + " of " +
                         std::to_string(max) + " seats in use (" +
                         std::to_string(seats.used * 100 / max) +
                         " %), over 80 %: consider more seats before machines are refused";
  });
}

void AlertService::after_checkout(const LeaseAnswer& answer) const {
  if (!answer.seats || answer.seats->license_id.empty() || !answer.seats->max) return;
  const SeatCount& seats = *answer.seats;
  const int max = *seats.max;
  if (!answer.result.ok()) {
    if (answer.result.code() != ErrorCode::seats_exhausted) return;
    raise_for_seats(kSeatsExhausted, seats, [&](const License& license) {
      return "A floating check-out was refused for want of a seat on " + named(license) + " (" +
             std::to_string(seats.used) + " of " + std::to_string(max) +
             " seats in use). Free one (nodelock admin sessions, release) or sell more seats";
    });
    return;
  }
  if (grace_seats_in_use(seats.used, max) > 0) {
    raise_for_seats(kGraceInUse, seats, [&](const License& license) {
      return named(license) + " lent a grace seat: " + std::to_string(seats.used) +
             " seats are in use of its " + std::to_string(max) +
             ", the leases beyond them marked as overage in the lease and in reports. Sell "
             "more seats before the grace seats run out too";
    });
    return;
  }
  if (seats.used * 5 <= max * 4) return;
  raise_for_seats(kHighUtilisation, seats, [&](const License& license) {
    return named(license) + " has " + std::to_string(seats.used) + " of " + std::to_string(max) +
           " floating seats in use (" + std::to_string(seats.used * 100 / max) +
           " %), over 80 %: consider more seats before check-outs are refused";
  });
}

Status AlertService::scan_expiring() const {
  auto licenses = context_.store.licenses("");
  if (!licenses.ok()) return licenses.error();
  const UnixTime now = context_.clock();
  for (const License& license : *licenses) {
    if (license.state != LicenseState::active || !license.expires_at) continue;
    const UnixTime left = *license.expires_at - now;
    if (left <= 0) continue;
    for (int threshold : kExpiryThresholds) {
      if (left > threshold * kSecondsPerDay) continue;
      Alert alert;
      alert.license_id = license.id;
      alert.kind = std::string(kLicenseExpiring);
      alert.scope = std::to_string(threshold);
      alert.raised_at = now;
      const std::string key = alert.license_id + '\n' + alert.kind + '\n' + alert.scope;
      if (!take_turn(key, true, now)) break;
      const UnixTime days = (left + kSecondsPerDay - 1) / kSecondsPerDay;
      alert.message = named(license) + " expires on " + utc_timestamp(*license.expires_at) +
                      ", in " + std::to_string(days) + (days == 1 ? " day" : " days") +
                      (license.grace_days > 0
                           ? " (then " + std::to_string(license.grace_days) + " days of grace)"
                           : "") +
                      ": renew it before its machines are refused";
      const nlohmann::json details = {
          {"expires_at", *license.expires_at}, {"days", days}, {"threshold", threshold}};
      alert.details = details.dump();
      raise(std::move(alert), key, true);
      break;
    }
  }
  return {};
}

Result<std::vector<Alert>> AlertService::alerts(std::string_view license_id, UnixTime from,
                                                UnixTime to) const {
  return context_.store.alerts(license_id, from, to);
}

Result<NewWebhook> AlertService::add_webhook(const AdminCaller& caller,
                                             const std::string& url) const {
  if (Status allowed = require_role(caller.role, AdminRole::admin); !allowed.ok()) {
    return allowed.error();
  }
  if (Status valid = check_url(url); !valid.ok()) return valid.error();
  NewWebhook made;
  made.webhook = Webhook{new_record_id("whk"), url, context_.clock()};
  Status added =
      context_.store.add_webhook(made.webhook, {caller.token_id, made.webhook.created_at});
  if (!added.ok()) return added.error();
  made.secret = webhook_secret(made.webhook.id);
  return made;
}

Result<std::vector<Webhook>> AlertService::webhooks(AdminRole caller) const {
  if (Status allowed = require_role(caller, AdminRole::admin); !allowed.ok()) {
    return allowed.error();
  }
  return context_.store.webhooks();
}

Result<Webhook> AlertService::remove_webhook(const AdminCaller& caller, std::string_view id) const {
  if (Status allowed = require_role(caller.role, AdminRole::admin); !allowed.ok()) {
    return allowed.error();
  }
  auto removed = context_.store.remove_webhook(id, {caller.token_id, context_.clock()});
  if (!removed.ok() && removed.code() == ErrorCode::not_found) {
    return make_error(ErrorCode::not_found, "no webhook '" + std::string(id) +
                                                "'; nodelock admin webhook list shows them");
  }
  return removed;
}

std::string AlertService::webhook_secret(std::string_view webhook_id) const {
  // Never a license key's canonical text (which has no ':'), so no key
  // hash is a webhook secret.
  return "whsec_" + context_.key_hasher.hash("webhook:" + std::string(webhook_id));
}

}  // namespace nodelock::server
