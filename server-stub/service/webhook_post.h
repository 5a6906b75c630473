// One attempt to post a webhook delivery: the signed body, the POST with a
// bounded wait, and what the outbox records of it.
//
// Each POST carries the JSON alert and `X-Nodelock-Signature: sha256=<hex
// HMAC-SHA256 of the body>` with the webhook's secret; the body names the
// delivery, the attempt and the time sent, so a receiver can check it and
// drop a replay. A failed attempt (no answer, or a status other than 2xx) is
// tried again after retry_seconds, doubling each time up to six hours, and
// given up after max_attempts.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "nodelock/server/store.h"

namespace nodelock::server {

struct DeliverySettings {
  UnixTime retry_seconds = 30;
  int max_attempts = 10;
  // The longest one attempt waits to connect, and then for the answer: a
  // receiver that hangs costs its own queue this much per attempt, no more.
  std::chrono::seconds attempt_timeout{10};
};

// The body of a delivery's POST and its signature header's value.
struct SignedDelivery {
  std::string body;
  std::string signature;  // "sha256=<hex>"
};
SignedDelivery signed_delivery(const WebhookDelivery& delivery, const std::string& secret,
                               UnixTime sent_at);

// Posts `delivery` signed with `secret` and says what became of it: delivered,
// pending with its next attempt's time (counted from when this one ended, so
// a receiver that timed out still gets the whole wait), or failed after the
// last attempt.
DeliveryAttempt post_delivery(const WebhookDelivery& delivery, const std::string& secret,
                              const DeliverySettings& settings,
                              const std::function<UnixTime()>& clock);

}  // namespace nodelock::server
