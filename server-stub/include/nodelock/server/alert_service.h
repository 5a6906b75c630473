// The alert service: what the vendor should hear about a license before its
// users do, and the webhooks it is told by.
//
// Kinds (docs/OPERATIONS.md, "Alerts and webhooks"):
//   seats_exhausted    a machine was refused because every seat is in use
//   grace_in_use       a floating license lent a grace seat beyond its seats
//   license_expiring   a license expires within 30, 7 or 1 days (once per threshold)
//   high_utilisation   more than 80 % of a license's seats are in use
// An alert of one kind and license is raised at most once per repeat interval
// (license_expiring once per threshold, ever), so a stream of refused
// requests raises one alert, not one each. A raised alert and one delivery
// per webhook are stored in one transaction; the dispatcher posts them.
//
// Viewer reads alerts; only an admin manages webhooks. Every method may be
// called from many threads at once. Raising never fails the request that
// caused it: an alert that cannot be stored is dropped.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/admin_service.h"
#include "nodelock/server/lease_service.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

inline constexpr std::string_view kSeatsExhausted = "seats_exhausted";
inline constexpr std::string_view kGraceInUse = "grace_in_use";
inline constexpr std::string_view kLicenseExpiring = "license_expiring";
inline constexpr std::string_view kHighUtilisation = "high_utilisation";

struct NewWebhook {
  Webhook webhook;
  std::string secret;  // "whsec_…": shown once; the receiver checks signatures with it
};

class AlertService {
 public:
  AlertService(ServiceContext context, UnixTime repeat_seconds);

  // After a node-locked activation: seats_exhausted when it was refused for
  // the license's limit, high_utilisation when it left more than 80 % of the
  // seats in use.
  void after_activation(const ActivationAnswer& answer) const;
  // After a floating check-out: seats_exhausted when it was refused for want
  // of a seat, grace_in_use when it was granted on a grace seat,
  // high_utilisation when it left more than 80 % of the seats in use.
  void after_checkout(const LeaseAnswer& answer) const;
  // Raises license_expiring for every active license within 30, 7 or 1 days
  // of its expiry: the nearest threshold it has reached, once.
  [[nodiscard]] Status scan_expiring() const;

  // Alerts raised from `from` to `to` (included), of one license or all.
  [[nodiscard]] Result<std::vector<Alert>> alerts(std::string_view license_id, UnixTime from,
                                                  UnixTime to) const;

  // invalid_argument for a URL that is not http(s)://host…; forbidden below admin.
  [[nodiscard]] Result<NewWebhook> add_webhook(const AdminCaller& caller,
                                               const std::string& url) const;
  [[nodiscard]] Result<std::vector<Webhook>> webhooks(AdminRole caller) const;
  [[nodiscard]] Result<Webhook> remove_webhook(const AdminCaller& caller,
                                               std::string_view id) const;
  // The HMAC key of a webhook's signatures, derived from the server's pepper.
  std::string webhook_secret(std::string_view webhook_id) const;

 private:
  // Reserves the turn of `key` (license, kind and scope) to raise an alert:
  // false while one was raised within the repeat interval, or ever when `once`.
  bool take_turn(const std::string& key, bool once, UnixTime now) const;
  void give_back_turn(const std::string& key) const;
  // Stores `alert` (its id is made here); gives the turn back when it cannot.
  void raise(Alert alert, const std::string& key, bool once) const;
  // Raises `kind` about the seats of a license with a limit, once per repeat
  // interval, with the message `say` makes of the license.
  void raise_for_seats(std::string_view kind, const SeatCount& seats,
                       const std::function<std::string(const License&)>& say) const;

  ServiceContext context_;
  UnixTime repeat_seconds_;
  // When each (license, kind, scope) was last raised or found raised: most
  // repeats are answered here without a write.
  mutable std::mutex mutex_;
  mutable std::map<std::string, UnixTime> recent_;
};

}  // namespace nodelock::server
