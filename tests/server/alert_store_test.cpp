// The alert outbox in SQLite: an alert and its deliveries commit together,
// repeats inside the window are not stored, and attempts are recorded.
#include "store_fixture.h"

namespace nodelock::server::testing {
namespace {

Alert alert_of(const std::string& id, const std::string& kind, UnixTime at) {
  return Alert{id, "lic-1", kind, "", at, "all seats in use", R"({"used":1,"max":1})"};
}

TEST(AlertStore, AnAlertQueuesOneDeliveryPerWebhookAndARepeatInsideTheWindowIsNotStored) {
  TempDir dir;
  auto store = open_or_fail(store_url(dir));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->add_webhook({"whk-1", "https://a.example.com/", kNow}, kByAdmin).ok());
  ASSERT_TRUE(store->add_webhook({"whk-2", "https://b.example.com/", kNow}, kByAdmin).ok());

  auto first = store->raise_alert(alert_of("alr-1", "seats_exhausted", kNow), kNow - 3600);
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_TRUE(*first);
  auto repeat = store->raise_alert(alert_of("alr-2", "seats_exhausted", kNow + 10), kNow - 3590);
  ASSERT_TRUE(repeat.ok());
  EXPECT_FALSE(*repeat);
  auto later = store->raise_alert(alert_of("alr-3", "seats_exhausted", kNow + 3600), kNow + 1);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(*later);

  auto alerts = store->alerts("lic-1", 0, kNow + 7200);
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2u);
  EXPECT_EQ((*alerts)[0].id, "alr-1");
  EXPECT_EQ((*alerts)[1].id, "alr-3");
  EXPECT_TRUE(store->alerts("lic-other", 0, kNow + 7200)->empty());

  // Each webhook's oldest delivery is due; alr-3's wait behind it.
  for (const char* webhook : {"whk-1", "whk-2"}) {
    auto due = store->next_due_delivery(webhook, kNow);
    ASSERT_TRUE(due.ok());
    ASSERT_TRUE(due->has_value()) << webhook;
    EXPECT_EQ((*due)->alert.id, "alr-1");
    EXPECT_EQ((*due)->webhook.id, webhook);
  }
}

TEST(AlertStore, AttemptsMoveADeliveryOnUntilItIsDeliveredOrGivenUp) {
  TempDir dir;
  auto store = open_or_fail(store_url(dir));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->add_webhook({"whk-1", "https://a.example.com/", kNow}, kByAdmin).ok());
  ASSERT_TRUE(store->raise_alert(alert_of("alr-1", "seats_exhausted", kNow), 0).ok());
  const std::int64_t id = (*store->next_due_delivery("whk-1", kNow))->id;

  ASSERT_TRUE(store->record_delivery({id, DeliveryState::pending, kNow + 30, "HTTP 503"}).ok());
  EXPECT_FALSE(store->next_due_delivery("whk-1", kNow + 29)->has_value());
  auto retry = store->next_due_delivery("whk-1", kNow + 30);
  ASSERT_TRUE(retry->has_value());
  EXPECT_EQ((*retry)->attempts, 1);
  EXPECT_EQ((*retry)->last_error, "HTTP 503");

  // A later alert waits behind the one being retried: the receiver gets them in order.
  ASSERT_TRUE(store->raise_alert(alert_of("alr-2", "high_utilisation", kNow), 0).ok());
  EXPECT_FALSE(store->next_due_delivery("whk-1", kNow + 29)->has_value());
  ASSERT_TRUE(store->record_delivery({id, DeliveryState::delivered, kNow + 30, ""}).ok());
  auto next = store->next_due_delivery("whk-1", kNow + 30);
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((*next)->alert.id, "alr-2");

  // Removing a webhook drops what was queued for it.
  auto removed = store->remove_webhook("whk-1", kByAdmin);
  ASSERT_TRUE(removed.ok());
  EXPECT_FALSE(store->next_due_delivery("whk-1", kNow + 30)->has_value());
  EXPECT_EQ(store->remove_webhook("whk-1", kByAdmin).code(), ErrorCode::not_found);
}

}  // namespace
}  // namespace nodelock::server::testing
