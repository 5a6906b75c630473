// Posts raised alerts to the webhooks from the durable outbox, so no request
// ever waits for a receiver: one ReceiverQueue per webhook, started when the
// webhook is added and stopped when it is removed, so a receiver that hangs
// or fails delays only its own deliveries. Deliveries live in the store: a
// restart continues where the last run stopped. (The expiry scan runs on its
// own schedule: a PeriodicSweep of the server's.)
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "nodelock/server/alert_service.h"
#include "webhook_post.h"
#include "webhook_receiver_queue.h"

namespace nodelock::server {

class WebhookDispatcher {
 public:
  WebhookDispatcher(ServiceContext context, const AlertService& alerts, DeliverySettings settings);
  // Stops every queue after its attempt in flight.
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

 private:
  void run();
  // Starts a queue for each webhook added and stops those of webhooks removed.
  void follow_webhooks();

  ServiceContext context_;
  const AlertService& alerts_;
  DeliverySettings settings_;
  std::map<std::string, std::unique_ptr<ReceiverQueue>> queues_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nodelock::server
