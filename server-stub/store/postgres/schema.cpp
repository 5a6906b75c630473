#include "schema.h"

#include <vector>

#include "../sql/migrations.h"
#include "postgres_writer.h"

namespace nodelock::server::postgres {

namespace {

// Append only, as SQLite's. PostgreSQL stores start at version 15, the
// schema SQLite's first fifteen migrations built, made in one step; later
// versions add a migration here and one in sqlite/schema.cpp under the same
// number. Integers are BIGINT (SQLite's are 64-bit too). The audit log is
// numbered from a counter updated in the writing transaction, so a write
// rolled back leaves no gap, and entries removed from its end show as one,
// as SQLite's AUTOINCREMENT does; triggers keep it append-only. json_each(text)
// gives the values of a JSON array in a column named value, as SQLite's
// json_each does, so the store's statements read the same on both.
const std::vector<sql::Migration> kMigrations = {
    {15, R"sql(
CREATE FUNCTION json_each(items TEXT) RETURNS TABLE(value TEXT) LANGUAGE sql IMMUTABLE
  AS $$ SELECT json_array_elements_text(items::json) $$;
CREATE TABLE products(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL);
CREATE TABLE licenses(
  id TEXT PRIMARY KEY,
  product_id TEXT NOT NULL REFERENCES products(id),
  key_hash TEXT NOT NULL UNIQUE,
  key_last5 TEXT NOT NULL,
  model TEXT NOT NULL CHECK(model IN ('node-locked', 'floating', 'site')),
  licensee TEXT NOT NULL,
  max_activations BIGINT NOT NULL CHECK(max_activations >= 0),
  term TEXT NOT NULL CHECK(term IN ('perpetual', 'subscription', 'trial')),
  expires_at BIGINT,
  trial_days BIGINT NOT NULL,
  grace_days BIGINT NOT NULL,
  refresh_days BIGINT NOT NULL,
  features TEXT NOT NULL,
  max_version BIGINT,
  maintenance_end BIGINT,
  status TEXT NOT NULL CHECK(status IN ('active', 'suspended', 'revoked')),
  policy TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  seats_used BIGINT NOT NULL DEFAULT 0 CHECK(seats_used >= 0),
  max_resets_per_year BIGINT,
  site TEXT NOT NULL DEFAULT '',
  floating_policy TEXT NOT NULL DEFAULT '',
  reclaim_after_seconds BIGINT CHECK(reclaim_after_seconds > 0),
  max_transfers_per_year BIGINT,
  transfer_cooldown_days BIGINT NOT NULL DEFAULT 0,
  self_service_releases_per_month BIGINT NOT NULL DEFAULT 0
    CHECK(self_service_releases_per_month >= 0));
CREATE INDEX licenses_by_product ON licenses(product_id);
CREATE TABLE activations(
  id TEXT PRIMARY KEY,
  license_id TEXT NOT NULL REFERENCES licenses(id),
  machine_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  device_public_key TEXT NOT NULL,
  hostname TEXT NOT NULL,
  environment TEXT NOT NULL,
  mode TEXT NOT NULL CHECK(mode IN ('online', 'offline')),
  status TEXT NOT NULL CHECK(status IN ('active', 'deactivated', 'reset', 'revoked', 'reclaimed',
                                        'transferred', 'released')),
  activated_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  request_nonce TEXT NOT NULL,
  machine_keys TEXT NOT NULL DEFAULT '[]',
  dongle TEXT NOT NULL DEFAULT '',
  reset_at BIGINT,
  user_email TEXT NOT NULL DEFAULT '',
  check_in_counter BIGINT NOT NULL DEFAULT 0,
  receipt_hash TEXT NOT NULL DEFAULT '',
  previous_receipt_hash TEXT NOT NULL DEFAULT '',
  history_tracked BIGINT NOT NULL DEFAULT 0,
  cloned_at BIGINT,
  reclaimed_at BIGINT,
  released_at BIGINT);
CREATE INDEX activations_by_license ON activations(license_id, status);
CREATE INDEX activations_by_user ON activations(license_id, user_email, status);
CREATE TABLE seat_keys(
  license_id TEXT NOT NULL,
  machine_key TEXT NOT NULL,
  activation_id TEXT NOT NULL REFERENCES activations(id),
  PRIMARY KEY(license_id, machine_key, activation_id));
CREATE TABLE used_nonces(
  nonce TEXT PRIMARY KEY,
  seen_at BIGINT NOT NULL);
CREATE INDEX used_nonces_by_age ON used_nonces(seen_at);
CREATE TABLE admin_tokens(
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK(role IN ('admin', 'support', 'viewer')),
  created_at BIGINT NOT NULL);
CREATE TABLE audit_log(
  sequence BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX audit_log_by_time ON audit_log(at);
CREATE TABLE audit_log_counter(last BIGINT NOT NULL);
INSERT INTO audit_log_counter VALUES(0);
CREATE FUNCTION audit_log_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE audit_log_counter SET last = last + 1 RETURNING last INTO NEW.sequence;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_numbered BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_number();
CREATE FUNCTION audit_log_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_edit();
CREATE TABLE license_users(
  license_id TEXT NOT NULL REFERENCES licenses(id),
  email TEXT NOT NULL,
  max_activations BIGINT CHECK(max_activations >= 0),
  disabled BIGINT NOT NULL DEFAULT 0 CHECK(disabled IN (0, 1)),
  created_at BIGINT NOT NULL,
  reserved BIGINT NOT NULL DEFAULT 0 CHECK(reserved IN (0, 1)),
  PRIMARY KEY(license_id, email));
CREATE TABLE alerts(
  id TEXT PRIMARY KEY,
  license_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  scope TEXT NOT NULL,
  raised_at BIGINT NOT NULL,
  message TEXT NOT NULL,
  details TEXT NOT NULL);
CREATE INDEX alerts_by_time ON alerts(raised_at);
CREATE INDEX alerts_by_kind ON alerts(license_id, kind, scope, raised_at);
CREATE TABLE webhooks(
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  created_at BIGINT NOT NULL);
CREATE TABLE webhook_deliveries(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  webhook_id TEXT NOT NULL REFERENCES webhooks(id),
  alert_id TEXT NOT NULL REFERENCES alerts(id),
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('pending', 'delivered', 'failed')),
  last_error TEXT NOT NULL DEFAULT '');
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
CREATE TABLE leases(
  id TEXT PRIMARY KEY,
  license_id TEXT NOT NULL REFERENCES licenses(id),
  seat TEXT NOT NULL,
  user_email TEXT NOT NULL,
  machine_id TEXT NOT NULL,
  hostname TEXT NOT NULL,
  project TEXT NOT NULL,
  device_public_key TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ttl_seconds BIGINT NOT NULL CHECK(ttl_seconds > 0),
  sequence BIGINT NOT NULL,
  overage BIGINT NOT NULL CHECK(overage IN (0, 1)),
  ended_at BIGINT,
  end_reason TEXT CHECK(end_reason IN ('released', 'expired', 'forced', 'user_disabled',
                                       'returned', 'user_removed')),
  borrowed BIGINT NOT NULL DEFAULT 0 CHECK(borrowed IN (0, 1)));
CREATE INDEX leases_held ON leases(license_id, ended_at);
CREATE INDEX leases_by_start ON leases(license_id, started_at);
CREATE TABLE seat_transfers(
  from_activation_id TEXT PRIMARY KEY REFERENCES activations(id),
  license_id TEXT NOT NULL REFERENCES licenses(id),
  from_machine_id TEXT NOT NULL,
  to_machine_id TEXT NOT NULL,
  transferred_at BIGINT NOT NULL,
  held_until BIGINT NOT NULL,
  to_activation_id TEXT REFERENCES activations(id));
CREATE INDEX seat_transfers_by_license ON seat_transfers(license_id, transferred_at);
CREATE INDEX seat_transfers_by_new_seat ON seat_transfers(to_activation_id);
)sql"},
};

}  // namespace

Status migrate(PostgresConnection& db) {
  return run_locked(db, [](sql::Connection& locked) {
    return sql::apply_migrations(locked, kMigrations, sql::kSchemaVersion);
  });
}

}  // namespace nodelock::server::postgres
