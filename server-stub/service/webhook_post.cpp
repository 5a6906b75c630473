#include "webhook_post.h"

#include <httplib.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock::server {

namespace {

constexpr UnixTime kLongestWait = 6 * 3600;

std::string delivery_name(std::int64_t id) { return "dlv_" + std::to_string(id); }

}  // namespace

SignedDelivery signed_delivery(const WebhookDelivery& delivery, const std::string& secret,
                               UnixTime sent_at) {
  const Alert& alert = delivery.alert;
  nlohmann::json details = nlohmann::json::parse(alert.details, nullptr, false);
  if (details.is_discarded()) details = nlohmann::json::object();
  const nlohmann::json body = {{"v", 1},
                               {"type", "alert"},
                               {"delivery", delivery_name(delivery.id)},
                               {"attempt", delivery.attempts + 1},
                               {"sent_at", sent_at},
                               {"alert",
                                {{"id", alert.id},
                                 {"license_id", alert.license_id},
                                 {"kind", alert.kind},
                                 {"raised_at", alert.raised_at},
                                 {"message", alert.message},
                                 {"details", details}}}};
  SignedDelivery signed_body;
  signed_body.body = body.dump();
  signed_body.signature =
      "sha256=" + encoding::hex(crypto::hmac_sha256(secret, signed_body.body).bytes);
  return signed_body;
}

DeliveryAttempt post_delivery(const WebhookDelivery& delivery, const std::string& secret,
                              const DeliverySettings& settings,
                              const std::function<UnixTime()>& clock) {
  const UnixTime now = clock();
  const SignedDelivery signed_body = signed_delivery(delivery, secret, now);
  const std::string& url = delivery.webhook.url;
  const std::size_t path_at = url.find('/', url.find("://") + 3);
  httplib::Client client(url.substr(0, path_at));
  const auto timeout = static_cast<time_t>(settings.attempt_timeout.count());
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  const std::string path = path_at == std::string::npos ? "/" : url.substr(path_at);
  const httplib::Headers headers = {{"X-Nodelock-Signature", signed_body.signature},
                                    {"X-Nodelock-Delivery", delivery_name(delivery.id)},
                                    {"X-Nodelock-Timestamp", std::to_string(now)},
                                    {"User-Agent", "nodelock-server"}};
  auto answer = client.Post(path, headers, signed_body.body, "application/json");
  DeliveryAttempt attempt;
  attempt.delivery_id = delivery.id;
  if (answer && answer->status >= 200 && answer->status < 300) {
    attempt.state = DeliveryState::delivered;
    attempt.next_attempt_at = now;
    return attempt;
  }
  attempt.error = answer ? "the receiver answered HTTP " + std::to_string(answer->status)
                         : "no answer: " + httplib::to_string(answer.error());
  const int made = delivery.attempts + 1;
  attempt.state = made >= settings.max_attempts ? DeliveryState::failed : DeliveryState::pending;
  UnixTime wait = settings.retry_seconds;
  for (int i = 1; i < made && wait < kLongestWait; ++i) wait *= 2;
  attempt.next_attempt_at = clock() + std::min(wait, kLongestWait);
  return attempt;
}

}  // namespace nodelock::server
