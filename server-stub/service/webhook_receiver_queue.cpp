#include "webhook_receiver_queue.h"

#include <chrono>
#include <utility>

namespace nodelock::server {

namespace {

// How often an idle queue looks at the outbox: an alert is posted within this
// of being raised, and a retry within this of falling due.
constexpr std::chrono::milliseconds kPoll{500};

}  // namespace

ReceiverQueue::ReceiverQueue(const ServiceContext& context, const AlertService& alerts,
                             std::string webhook_id, const DeliverySettings& settings)
    : context_(context),
      alerts_(alerts),
      webhook_id_(std::move(webhook_id)),
      settings_(settings),
      thread_([this] { run(); }) {}

ReceiverQueue::~ReceiverQueue() {
  request_stop();
  thread_.join();
}

void ReceiverQueue::request_stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
}

void ReceiverQueue::run() {
  const std::string secret = alerts_.webhook_secret(webhook_id_);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto due = context_.store.next_due_delivery(webhook_id_, context_.clock());
    const bool posted = due.ok() && due->has_value();
    if (posted) {
      // An attempt that cannot be recorded is made again: a receiver may see
      // a delivery twice, and drops it by its id.
      (void)context_.store.record_delivery(post_delivery(**due, secret, settings_, context_.clock));
    }
    lock.lock();
    if (posted) continue;
    stop_requested_.wait_for(lock, kPoll, [this] { return stopping_; });
  }
}

}  // namespace nodelock::server
