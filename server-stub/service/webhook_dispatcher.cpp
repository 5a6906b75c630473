#include "webhook_dispatcher.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock::server {

namespace {

constexpr int kBatch = 32;
constexpr UnixTime kLongestWait = 6 * 3600;
constexpr time_t kConnectSeconds = 5;
constexpr time_t kAnswerSeconds = 10;
// How often the outbox is looked at: an alert is posted within this of being raised.
constexpr std::chrono::milliseconds kPoll{500};

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

WebhookDispatcher::WebhookDispatcher(ServiceContext context, const AlertService& alerts,
                                     DeliverySettings settings)
    : context_(std::move(context)), alerts_(alerts), settings_(settings) {
  thread_ = std::thread([this] { run(); });
}

WebhookDispatcher::~WebhookDispatcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  thread_.join();
}

void WebhookDispatcher::run() {
  UnixTime next_scan = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const UnixTime now = context_.clock();
    if (now >= next_scan) {
      // A scan that fails is tried again at the next one; nothing is lost.
      (void)alerts_.scan_expiring();
      next_scan = now + settings_.expiry_scan_seconds;
    }
    auto due = context_.store.due_deliveries(now, kBatch);
    if (due.ok()) {
      for (const WebhookDelivery& delivery : *due) deliver(delivery, now);
    }
    lock.lock();
    if (due.ok() && due->size() == static_cast<std::size_t>(kBatch)) continue;
    stop_requested_.wait_for(lock, kPoll, [this] { return stopping_; });
  }
}

void WebhookDispatcher::deliver(const WebhookDelivery& delivery, UnixTime now) const {
  const SignedDelivery signed_body =
      signed_delivery(delivery, alerts_.webhook_secret(delivery.webhook.id), now);
  const std::string& url = delivery.webhook.url;
  const std::size_t path_at = url.find('/', url.find("://") + 3);
  httplib::Client client(url.substr(0, path_at));
  client.set_connection_timeout(kConnectSeconds);
  client.set_read_timeout(kAnswerSeconds);
  client.set_write_timeout(kAnswerSeconds);
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
  } else {
    attempt.error = answer ? "the receiver answered HTTP " + std::to_string(answer->status)
                           : "no answer: " + httplib::to_string(answer.error());
    const int made = delivery.attempts + 1;
    attempt.state = made >= settings_.max_attempts ? DeliveryState::failed : DeliveryState::pending;
    UnixTime wait = settings_.retry_seconds;
    for (int i = 1; i < made && wait < kLongestWait; ++i) wait *= 2;
    attempt.next_attempt_at = now + std::min(wait, kLongestWait);
  }
  // An attempt that cannot be recorded is made again: a receiver may see a
  // delivery twice, and drops it by its id.
  (void)context_.store.record_delivery(attempt);
}

}  // namespace nodelock::server
