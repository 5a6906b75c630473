#include "alert_writes.h"

#include "audit_records.h"

namespace nodelock::server::sql {

namespace {

Alert alert_at(const Query& query, int first) {
  return Alert{query.text(first),     query.text(first + 1),    query.text(first + 2),
               query.text(first + 3), query.integer(first + 4), query.text(first + 5),
               query.text(first + 6)};
}

// What the audit log keeps of a webhook: not its query string, where
// receivers often put a token of their own.
nlohmann::json audit_view(const Webhook& webhook) {
  return {{"id", webhook.id}, {"url", webhook.url.substr(0, webhook.url.find('?'))}};
}

}  // namespace

Result<bool> write_alert(Connection& db, const Alert& alert, UnixTime not_since) {
  Query recent = db.query(
      "SELECT 1 FROM alerts WHERE license_id = ? AND kind = ? AND scope = ? AND raised_at >= ? "
      "LIMIT 1");
  recent.bind(1, alert.license_id).bind(2, alert.kind).bind(3, alert.scope).bind(4, not_since);
  auto repeated = recent.step();
  if (!repeated.ok()) return repeated.error();
  if (*repeated) return false;
  Status inserted = db.query(
                          "INSERT INTO alerts(id, license_id, kind, scope, raised_at, message, "
                          "details) VALUES(?, ?, ?, ?, ?, ?, ?)")
                        .bind(1, alert.id)
                        .bind(2, alert.license_id)
                        .bind(3, alert.kind)
                        .bind(4, alert.scope)
                        .bind(5, alert.raised_at)
                        .bind(6, alert.message)
                        .bind(7, alert.details)
                        .run();
  if (!inserted.ok()) return inserted.error();
  Status queued = db.query(
                        "INSERT INTO webhook_deliveries(webhook_id, alert_id, next_attempt_at, "
                        "state) SELECT id, ?, ?, 'pending' FROM webhooks")
                      .bind(1, alert.id)
                      .bind(2, alert.raised_at)
                      .run();
  if (!queued.ok()) return queued.error();
  return true;
}

Result<std::vector<Alert>> select_alerts(Connection& db, std::string_view license_id, UnixTime from,
                                         UnixTime to) {
  Query query = db.query(
      "SELECT id, license_id, kind, scope, raised_at, message, details FROM alerts "
      "WHERE raised_at >= ? AND raised_at <= ? AND (? = '' OR license_id = ?) "
      "ORDER BY raised_at, id");
  query.bind(1, from).bind(2, to).bind(3, license_id).bind(4, license_id);
  std::vector<Alert> alerts;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return alerts;
    alerts.push_back(alert_at(query, 0));
  }
}

Status write_webhook(Connection& db, const Webhook& webhook, const ChangedBy& by) {
  Status inserted = db.query("INSERT INTO webhooks(id, url, created_at) VALUES(?, ?, ?)")
                        .bind(1, webhook.id)
                        .bind(2, webhook.url)
                        .bind(3, webhook.created_at)
                        .run();
  if (!inserted.ok()) return inserted;
  return record_change(db, by, "webhook.create", webhook.id, nullptr, audit_view(webhook));
}

Result<std::vector<Webhook>> select_webhooks(Connection& db) {
  Query query = db.query("SELECT id, url, created_at FROM webhooks ORDER BY created_at, id");
  std::vector<Webhook> webhooks;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return webhooks;
    webhooks.push_back(Webhook{query.text(0), query.text(1), query.integer(2)});
  }
}

Result<Webhook> delete_webhook(Connection& db, std::string_view id, const ChangedBy& by) {
  auto all = select_webhooks(db);
  if (!all.ok()) return all.error();
  for (const Webhook& webhook : *all) {
    if (webhook.id != id) continue;
    Status dropped =
        db.query("DELETE FROM webhook_deliveries WHERE webhook_id = ?").bind(1, id).run();
    if (!dropped.ok()) return dropped.error();
    Status deleted = db.query("DELETE FROM webhooks WHERE id = ?").bind(1, id).run();
    if (!deleted.ok()) return deleted.error();
    Status recorded =
        record_change(db, by, "webhook.remove", webhook.id, audit_view(webhook), nullptr);
    if (!recorded.ok()) return recorded.error();
    return webhook;
  }
  return make_error(ErrorCode::not_found, "webhooks has no row " + std::string(id));
}

Result<std::optional<WebhookDelivery>> select_next_due_delivery(Connection& db,
                                                                std::string_view webhook_id,
                                                                UnixTime now) {
  // Only the oldest pending delivery of a webhook is ever due, so a receiver
  // gets its alerts in the order they were raised even while one is retried.
  Query query = db.query(
      "SELECT d.id, d.attempts, d.next_attempt_at, d.last_error, w.id, w.url, w.created_at, "
      "a.id, a.license_id, a.kind, a.scope, a.raised_at, a.message, a.details "
      "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
      "JOIN alerts a ON a.id = d.alert_id "
      "WHERE d.id = (SELECT MIN(id) FROM webhook_deliveries WHERE webhook_id = ? AND "
      "state = 'pending') AND d.next_attempt_at <= ?");
  query.bind(1, webhook_id).bind(2, now);
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<WebhookDelivery>();
  WebhookDelivery delivery;
  delivery.id = query.integer(0);
  delivery.attempts = static_cast<int>(query.integer(1));
  delivery.next_attempt_at = query.integer(2);
  delivery.last_error = query.text(3);
  delivery.webhook = Webhook{query.text(4), query.text(5), query.integer(6)};
  delivery.alert = alert_at(query, 7);
  return std::optional<WebhookDelivery>(std::move(delivery));
}

Status write_delivery_attempt(Connection& db, const DeliveryAttempt& attempt) {
  return db
      .query(
          "UPDATE webhook_deliveries SET attempts = attempts + 1, state = ?, "
          "next_attempt_at = ?, last_error = ? WHERE id = ?")
      .bind(1, name_of(attempt.state))
      .bind(2, attempt.next_attempt_at)
      .bind(3, attempt.error)
      .bind(4, attempt.delivery_id)
      .run();
}

}  // namespace nodelock::server::sql
