#include "schema.h"

#include <string>
#include <vector>

#include "../sql/migrations.h"

namespace nodelock::server::sqlite {

namespace {

// Append only: a released migration never changes, since databases in the field
// already ran it. Migration N brings the schema from version N-1 to N.
const std::vector<sql::Migration> kMigrations = {
    {1, R"sql(
CREATE TABLE products(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE licenses(
  id TEXT PRIMARY KEY,
  product_id TEXT NOT NULL REFERENCES products(id),
  key_hash TEXT NOT NULL UNIQUE,
  key_last5 TEXT NOT NULL,
  model TEXT NOT NULL CHECK(model IN ('node-locked', 'floating', 'site')),
  licensee TEXT NOT NULL,
  max_activations INTEGER NOT NULL CHECK(max_activations >= 0),
  term TEXT NOT NULL CHECK(term IN ('perpetual', 'subscription', 'trial')),
  expires_at INTEGER,
  trial_days INTEGER NOT NULL,
  grace_days INTEGER NOT NULL,
  refresh_days INTEGER NOT NULL,
  features TEXT NOT NULL,
  max_version INTEGER,
  maintenance_end INTEGER,
  status TEXT NOT NULL CHECK(status IN ('active', 'suspended', 'revoked')),
  policy TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  seats_used INTEGER NOT NULL DEFAULT 0 CHECK(seats_used >= 0));
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
  status TEXT NOT NULL CHECK(status IN ('active', 'deactivated', 'reset', 'revoked')),
  activated_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  request_nonce TEXT NOT NULL,
  machine_keys TEXT NOT NULL DEFAULT '[]');
CREATE INDEX activations_by_license ON activations(license_id, status);
CREATE TABLE seat_keys(
  license_id TEXT NOT NULL,
  machine_key TEXT NOT NULL,
  activation_id TEXT NOT NULL REFERENCES activations(id),
  PRIMARY KEY(license_id, machine_key, activation_id)) WITHOUT ROWID;
CREATE TABLE used_nonces(
  nonce TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX used_nonces_by_age ON used_nonces(seen_at);
CREATE TABLE admin_tokens(
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK(role IN ('admin', 'support', 'viewer')),
  created_at INTEGER NOT NULL);
)sql"},
    // The audit log. Its sequence never reuses a number (AUTOINCREMENT), so
    // entries removed from its end show as a gap once the next one is written;
    // the triggers keep the server itself, and anyone using SQL casually, from
    // rewriting history (the hash chain catches those who drop them).
    {2, R"sql(
CREATE TABLE audit_log(
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX audit_log_by_time ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql"},
    // The dongle a seat is bound to (its DongleBinding JSON), kept so every
    // license issued for the seat, a refresh's included, carries it. Seats
    // enrolled before had none.
    {3, R"sql(
ALTER TABLE activations ADD COLUMN dongle TEXT NOT NULL DEFAULT '';
)sql"},
    // Support resets: a license's yearly allowance, and when each seat was
    // reset, so the allowance is counted over the last 365 days.
    {4, R"sql(
ALTER TABLE licenses ADD COLUMN max_resets_per_year INTEGER;
ALTER TABLE activations ADD COLUMN reset_at INTEGER;
)sql"},
    // License users: the named people a license admits, and the user each
    // seat was activated for, so a user's seats are counted and freed together.
    {5, R"sql(
CREATE TABLE license_users(
  license_id TEXT NOT NULL REFERENCES licenses(id),
  email TEXT NOT NULL,
  max_activations INTEGER CHECK(max_activations >= 0),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK(disabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  PRIMARY KEY(license_id, email)) WITHOUT ROWID;
ALTER TABLE activations ADD COLUMN user_email TEXT NOT NULL DEFAULT '';
CREATE INDEX activations_by_user ON activations(license_id, user_email, status);
)sql"},
    // Alerts and the durable outbox of their webhook deliveries: an alert and
    // its deliveries commit together, so a restart posts what was not yet
    // delivered. A webhook keeps no secret: it is derived from the pepper.
    {6, R"sql(
CREATE TABLE alerts(
  id TEXT PRIMARY KEY,
  license_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  scope TEXT NOT NULL,
  raised_at INTEGER NOT NULL,
  message TEXT NOT NULL,
  details TEXT NOT NULL);
CREATE INDEX alerts_by_time ON alerts(raised_at);
CREATE INDEX alerts_by_kind ON alerts(license_id, kind, scope, raised_at);
CREATE TABLE webhooks(
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE webhook_deliveries(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id TEXT NOT NULL REFERENCES webhooks(id),
  alert_id TEXT NOT NULL REFERENCES alerts(id),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('pending', 'delivered', 'failed')),
  last_error TEXT NOT NULL DEFAULT '');
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
)sql"},
    // Clone detection: each seat's check-in history (the hashes of the last two
    // receipts it was given, the number of its last check-in) and when two
    // installations were found checking in as it.
    {7, R"sql(
ALTER TABLE activations ADD COLUMN check_in_counter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activations ADD COLUMN receipt_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE activations ADD COLUMN previous_receipt_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE activations ADD COLUMN history_tracked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activations ADD COLUMN cloned_at INTEGER;
)sql"},
    // Site licenses: the networks and domain their machines must be inside
    // (site_constraint.h), as JSON; empty for the other models.
    {8, R"sql(
ALTER TABLE licenses ADD COLUMN site TEXT NOT NULL DEFAULT '';
)sql"},
    // Floating licenses: their terms (FloatingPolicy JSON), and every lease,
    // held or ended, which is also the usage session reports read.
    {9, R"sql(
ALTER TABLE licenses ADD COLUMN floating_policy TEXT NOT NULL DEFAULT '';
CREATE TABLE leases(
  id TEXT PRIMARY KEY,
  license_id TEXT NOT NULL REFERENCES licenses(id),
  seat TEXT NOT NULL,
  user_email TEXT NOT NULL,
  machine_id TEXT NOT NULL,
  hostname TEXT NOT NULL,
  project TEXT NOT NULL,
  device_public_key TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ttl_seconds INTEGER NOT NULL CHECK(ttl_seconds > 0),
  sequence INTEGER NOT NULL,
  overage INTEGER NOT NULL CHECK(overage IN (0, 1)),
  ended_at INTEGER,
  end_reason TEXT CHECK(end_reason IN ('released', 'expired', 'forced', 'user_disabled',
                                       'returned')));
CREATE INDEX leases_held ON leases(license_id, ended_at);
CREATE INDEX leases_by_start ON leases(license_id, started_at);
)sql"},
    // Borrowed floating seats: leases taken offline, which take no heartbeats.
    {10, R"sql(
ALTER TABLE leases ADD COLUMN borrowed INTEGER NOT NULL DEFAULT 0 CHECK(borrowed IN (0, 1));
)sql"},
    // Seat reclamation: a node-locked license's inactivity threshold, and the
    // state `reclaimed` with when the server freed the seat. SQLite cannot
    // widen the status CHECK in place, so the activations table is rebuilt,
    // carrying every column the migrations before added.
    {11, R"sql(
ALTER TABLE licenses ADD COLUMN reclaim_after_seconds INTEGER CHECK(reclaim_after_seconds > 0);
CREATE TABLE activations_rebuilt(
  id TEXT PRIMARY KEY,
  license_id TEXT NOT NULL REFERENCES licenses(id),
  machine_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  device_public_key TEXT NOT NULL,
  hostname TEXT NOT NULL,
  environment TEXT NOT NULL,
  mode TEXT NOT NULL CHECK(mode IN ('online', 'offline')),
  status TEXT NOT NULL
    CHECK(status IN ('active', 'deactivated', 'reset', 'revoked', 'reclaimed')),
  activated_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  request_nonce TEXT NOT NULL,
  machine_keys TEXT NOT NULL DEFAULT '[]',
  dongle TEXT NOT NULL DEFAULT '',
  reset_at INTEGER,
  user_email TEXT NOT NULL DEFAULT '',
  check_in_counter INTEGER NOT NULL DEFAULT 0,
  receipt_hash TEXT NOT NULL DEFAULT '',
  previous_receipt_hash TEXT NOT NULL DEFAULT '',
  history_tracked INTEGER NOT NULL DEFAULT 0,
  cloned_at INTEGER,
  reclaimed_at INTEGER);
INSERT INTO activations_rebuilt(id, license_id, machine_id, fingerprint, device_public_key,
  hostname, environment, mode, status, activated_at, last_seen_at, request_nonce, machine_keys,
  dongle, reset_at, user_email, check_in_counter, receipt_hash, previous_receipt_hash,
  history_tracked, cloned_at)
SELECT id, license_id, machine_id, fingerprint, device_public_key, hostname, environment, mode,
  status, activated_at, last_seen_at, request_nonce, machine_keys, dongle, reset_at, user_email,
  check_in_counter, receipt_hash, previous_receipt_hash, history_tracked, cloned_at
FROM activations;
DROP TABLE activations;
ALTER TABLE activations_rebuilt RENAME TO activations;
CREATE INDEX activations_by_license ON activations(license_id, status);
CREATE INDEX activations_by_user ON activations(license_id, user_email, status);
)sql"},
    // Reserved seats: a floating seat kept free for a named user.
    {12, R"sql(
ALTER TABLE license_users ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0 CHECK(reserved IN (0, 1));
)sql"},
    // Seat transfers: support moves a seat from a replaced machine to its
    // successor. The old activation ends as `transferred`, which the status
    // CHECK must admit, so the activations table is rebuilt again, carrying
    // every column the migrations before added (reclaimed_at included). The
    // CHECK also admits `released`, the state of a seat its license holder
    // releases by self-service, so that feature needs no third rebuild. The
    // seat is held for the new machine until it activates or the hold lapses;
    // licenses gain their transfer policy.
    {13, R"sql(
CREATE TABLE activations_rebuilt(
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
  activated_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  request_nonce TEXT NOT NULL,
  machine_keys TEXT NOT NULL DEFAULT '[]',
  dongle TEXT NOT NULL DEFAULT '',
  reset_at INTEGER,
  user_email TEXT NOT NULL DEFAULT '',
  check_in_counter INTEGER NOT NULL DEFAULT 0,
  receipt_hash TEXT NOT NULL DEFAULT '',
  previous_receipt_hash TEXT NOT NULL DEFAULT '',
  history_tracked INTEGER NOT NULL DEFAULT 0,
  cloned_at INTEGER,
  reclaimed_at INTEGER);
INSERT INTO activations_rebuilt(id, license_id, machine_id, fingerprint, device_public_key,
  hostname, environment, mode, status, activated_at, last_seen_at, request_nonce, machine_keys,
  dongle, reset_at, user_email, check_in_counter, receipt_hash, previous_receipt_hash,
  history_tracked, cloned_at, reclaimed_at)
SELECT id, license_id, machine_id, fingerprint, device_public_key, hostname, environment, mode,
  status, activated_at, last_seen_at, request_nonce, machine_keys, dongle, reset_at, user_email,
  check_in_counter, receipt_hash, previous_receipt_hash, history_tracked, cloned_at, reclaimed_at
FROM activations;
DROP TABLE activations;
ALTER TABLE activations_rebuilt RENAME TO activations;
CREATE INDEX activations_by_license ON activations(license_id, status);
CREATE INDEX activations_by_user ON activations(license_id, user_email, status);
ALTER TABLE licenses ADD COLUMN max_transfers_per_year INTEGER;
ALTER TABLE licenses ADD COLUMN transfer_cooldown_days INTEGER NOT NULL DEFAULT 0;
CREATE TABLE seat_transfers(
  from_activation_id TEXT PRIMARY KEY REFERENCES activations(id),
  license_id TEXT NOT NULL REFERENCES licenses(id),
  from_machine_id TEXT NOT NULL,
  to_machine_id TEXT NOT NULL,
  transferred_at INTEGER NOT NULL,
  held_until INTEGER NOT NULL,
  to_activation_id TEXT REFERENCES activations(id));
CREATE INDEX seat_transfers_by_license ON seat_transfers(license_id, transferred_at);
CREATE INDEX seat_transfers_by_new_seat ON seat_transfers(to_activation_id);
)sql"},
    // Self-service releases: the license holder frees a seat with the license
    // key alone, as many a month as the license allows (none by default). The
    // state `released` is admitted since migration 13.
    {14, R"sql(
ALTER TABLE licenses ADD COLUMN self_service_releases_per_month INTEGER NOT NULL DEFAULT 0
  CHECK(self_service_releases_per_month >= 0);
ALTER TABLE activations ADD COLUMN released_at INTEGER;
)sql"},
    // Removing a license user ends their floating leases as `user_removed`,
    // which the end_reason CHECK must admit. SQLite cannot widen a CHECK in
    // place, so the leases table is rebuilt, carrying every column the
    // migrations before gave it (borrowed included), and its indexes made again.
    {15, R"sql(
CREATE TABLE leases_rebuilt(
  id TEXT PRIMARY KEY,
  license_id TEXT NOT NULL REFERENCES licenses(id),
  seat TEXT NOT NULL,
  user_email TEXT NOT NULL,
  machine_id TEXT NOT NULL,
  hostname TEXT NOT NULL,
  project TEXT NOT NULL,
  device_public_key TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ttl_seconds INTEGER NOT NULL CHECK(ttl_seconds > 0),
  sequence INTEGER NOT NULL,
  overage INTEGER NOT NULL CHECK(overage IN (0, 1)),
  ended_at INTEGER,
  end_reason TEXT CHECK(end_reason IN ('released', 'expired', 'forced', 'user_disabled',
                                       'returned', 'user_removed')),
  borrowed INTEGER NOT NULL DEFAULT 0 CHECK(borrowed IN (0, 1)));
INSERT INTO leases_rebuilt(id, license_id, seat, user_email, machine_id, hostname, project,
  device_public_key, started_at, last_seen_at, expires_at, ttl_seconds, sequence, overage,
  ended_at, end_reason, borrowed)
SELECT id, license_id, seat, user_email, machine_id, hostname, project, device_public_key,
  started_at, last_seen_at, expires_at, ttl_seconds, sequence, overage, ended_at, end_reason,
  borrowed
FROM leases;
DROP TABLE leases;
ALTER TABLE leases_rebuilt RENAME TO leases;
CREATE INDEX leases_held ON leases(license_id, ended_at);
CREATE INDEX leases_by_start ON leases(license_id, started_at);
)sql"},
};

// conflict when a row refers to a row that is not there.
Status check_references(sql::Connection& db) {
  sql::Query query = db.query("PRAGMA foreign_key_check");
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) return {};
  return make_error(ErrorCode::conflict,
                    "the license database has a row in " + query.text(0) +
                        " that refers to a missing row of " + query.text(2) +
                        "; the migration was not applied, restore the database from a backup");
}

}  // namespace

Status migrate(sql::Connection& db) {
  // A migration that rebuilds a table drops the old one while other tables
  // still refer to it, which foreign keys refuse; SQLite's way is to switch
  // them off (outside any transaction) and check every reference before the
  // commit instead.
  Status unchecked = db.execute("PRAGMA foreign_keys=OFF");
  if (!unchecked.ok()) return unchecked;
  // IMMEDIATE: two servers starting on one new database must not both migrate it.
  Status begun = db.execute("BEGIN IMMEDIATE");
  if (!begun.ok()) return begun;
  Status migrated = sql::apply_migrations(db, kMigrations, kSchemaVersion);
  if (migrated.ok()) migrated = check_references(db);
  if (!migrated.ok()) {
    (void)db.execute("ROLLBACK");
    (void)db.execute("PRAGMA foreign_keys=ON");
    return migrated;
  }
  Status committed = db.execute("COMMIT");
  if (!committed.ok()) return committed;
  return db.execute("PRAGMA foreign_keys=ON");
}

}  // namespace nodelock::server::sqlite
