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

  auto due = store->due_deliveries(kNow, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);  // alr-3's are not due yet
  EXPECT_EQ((*due)[0].alert.id, "alr-1");
  EXPECT_EQ((*due)[0].webhook.id, "whk-1");
  EXPECT_EQ((*due)[1].webhook.id, "whk-2");
}

TEST(AlertStore, AttemptsMoveADeliveryOnUntilItIsDeliveredOrGivenUp) {
  TempDir dir;
  auto store = open_or_fail(store_url(dir));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->add_webhook({"whk-1", "https://a.example.com/", kNow}, kByAdmin).ok());
  ASSERT_TRUE(store->raise_alert(alert_of("alr-1", "seats_exhausted", kNow), 0).ok());
  const std::int64_t id = (*store->due_deliveries(kNow, 10))[0].id;

  ASSERT_TRUE(store->record_delivery({id, DeliveryState::pending, kNow + 30, "HTTP 503"}).ok());
  EXPECT_TRUE(store->due_deliveries(kNow + 29, 10)->empty());
  auto retry = store->due_deliveries(kNow + 30, 10);
  ASSERT_EQ(retry->size(), 1u);
  EXPECT_EQ((*retry)[0].attempts, 1);
  EXPECT_EQ((*retry)[0].last_error, "HTTP 503");

  ASSERT_TRUE(store->record_delivery({id, DeliveryState::delivered, kNow + 30, ""}).ok());
  EXPECT_TRUE(store->due_deliveries(kNow + 100000, 10)->empty());

  // Removing a webhook drops what was queued for it.
  ASSERT_TRUE(store->raise_alert(alert_of("alr-2", "high_utilisation", kNow), 0).ok());
  ASSERT_EQ(store->due_deliveries(kNow, 10)->size(), 1u);
  auto removed = store->remove_webhook("whk-1", kByAdmin);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(store->due_deliveries(kNow, 10)->empty());
  EXPECT_EQ(store->remove_webhook("whk-1", kByAdmin).code(), ErrorCode::not_found);
}

}  // namespace
}  // namespace nodelock::server::testing
