// The deliveries of one webhook, posted by a thread of its own one at a time
// in the order their alerts were raised. A receiver that hangs or fails holds
// up only its own queue, by at most the attempt timeout per attempt.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "nodelock/server/alert_service.h"
#include "webhook_post.h"

namespace nodelock::server {

class ReceiverQueue {
 public:
  ReceiverQueue(const ServiceContext& context, const AlertService& alerts, std::string webhook_id,
                const DeliverySettings& settings);
  // Stops after the attempt in flight.
  ~ReceiverQueue();
  ReceiverQueue(const ReceiverQueue&) = delete;
  ReceiverQueue& operator=(const ReceiverQueue&) = delete;

  // Asks the thread to stop without waiting for it, so several queues stop at once.
  void request_stop();

 private:
  void run();

  const ServiceContext& context_;
  const AlertService& alerts_;
  const std::string webhook_id_;
  const DeliverySettings settings_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nodelock::server
