// Alerts, webhooks and the outbox of webhook deliveries in SQLite; each
// function runs inside the caller's transaction.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

Result<bool> write_alert(Connection& db, const Alert& alert, UnixTime not_since);
Result<std::vector<Alert>> select_alerts(Connection& db, std::string_view license_id, UnixTime from,
                                         UnixTime to);
Status write_webhook(Connection& db, const Webhook& webhook, const ChangedBy& by);
Result<std::vector<Webhook>> select_webhooks(Connection& db);
Result<Webhook> delete_webhook(Connection& db, std::string_view id, const ChangedBy& by);
Result<std::optional<WebhookDelivery>> select_next_due_delivery(Connection& db,
                                                                std::string_view webhook_id,
                                                                UnixTime now);
Status write_delivery_attempt(Connection& db, const DeliveryAttempt& attempt);

}  // namespace nodelock::server::sql
