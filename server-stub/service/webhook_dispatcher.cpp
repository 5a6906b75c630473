#include "webhook_dispatcher.h"

#include <chrono>
#include <set>
#include <utility>

namespace nodelock::server {

namespace {

// How often the list of webhooks is looked at: a webhook added is posted to
// within this.
constexpr std::chrono::milliseconds kPoll{500};

}  // namespace

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
  for (auto& [id, queue] : queues_) queue->request_stop();
  queues_.clear();
}

void WebhookDispatcher::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    follow_webhooks();
    lock.lock();
    stop_requested_.wait_for(lock, kPoll, [this] { return stopping_; });
  }
}

void WebhookDispatcher::follow_webhooks() {
  // A list that cannot be read is read again at the next look; the queues
  // running go on meanwhile.
  auto webhooks = context_.store.webhooks();
  if (!webhooks.ok()) return;
  std::set<std::string> listed;
  for (const Webhook& webhook : *webhooks) {
    listed.insert(webhook.id);
    if (queues_.count(webhook.id) == 0) {
      queues_.emplace(webhook.id,
                      std::make_unique<ReceiverQueue>(context_, alerts_, webhook.id, settings_));
    }
  }
  for (auto queue = queues_.begin(); queue != queues_.end();) {
    queue = listed.count(queue->first) ? std::next(queue) : queues_.erase(queue);
  }
}

}  // namespace nodelock::server
