// Posts raised alerts to the webhooks from the durable outbox, on a thread of
// its own, so no request ever waits for a receiver; and runs the scheduled
// scan for licenses near their expiry.
//
// Each POST carries the JSON alert and `X-Nodelock-Signature: sha256=<hex
// HMAC-SHA256 of the body>` with the webhook's secret; the body names the
// delivery, the attempt and the time sent, so a receiver can check it and
// drop a replay. A failed attempt (no answer, or a status other than 2xx) is
// tried again after retry_seconds, doubling each time up to six hours, and
// given up after max_attempts. Deliveries live in the store: a restart
// continues where the last run stopped.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "nodelock/server/alert_service.h"

namespace nodelock::server {

struct DeliverySettings {
  UnixTime retry_seconds = 30;
  int max_attempts = 10;
  UnixTime expiry_scan_seconds = 3600;
};

// The body of a delivery's POST and its signature header's value.
struct SignedDelivery {
  std::string body;
  std::string signature;  // "sha256=<hex>"
};
SignedDelivery signed_delivery(const WebhookDelivery& delivery, const std::string& secret,
                               UnixTime sent_at);

class WebhookDispatcher {
 public:
  WebhookDispatcher(ServiceContext context, const AlertService& alerts, DeliverySettings settings);
  // Stops after the attempt in flight.
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

 private:
  void run();
  void deliver(const WebhookDelivery& delivery, UnixTime now) const;

  ServiceContext context_;
  const AlertService& alerts_;
  DeliverySettings settings_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nodelock::server
