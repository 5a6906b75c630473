#include "records.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include <nlohmann/json.hpp>

namespace nodelock::server::sqlite {

namespace {

Error absent(std::string_view what, std::string_view id) {
  return make_error(ErrorCode::not_found, "no " + std::string(what) + " '" + std::string(id) + "'");
}

template <class T, class ReadRow>
Result<std::vector<T>> collect(Query& query, ReadRow read_row) {
  std::vector<T> rows;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return rows;
    rows.push_back(read_row(query));
  }
}

template <class T, class ReadRow>
Result<T> first(Query& query, ReadRow read_row, std::string_view what, std::string_view id) {
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) return absent(what, id);
  return read_row(query);
}

Product read_product(const Query& row) { return Product{row.text(0), row.text(1), row.integer(2)}; }

std::vector<std::string> features_from(const std::string& text) {
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> features;
  if (!parsed.is_array()) return features;
  for (const auto& feature : parsed) {
    if (feature.is_string()) features.push_back(feature.get<std::string>());
  }
  return features;
}

std::optional<int> optional_int(const std::optional<std::int64_t>& value) {
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

constexpr const char* kLicenseColumns =
    "id, product_id, key_hash, key_last5, model, licensee, max_activations, term, expires_at, "
    "trial_days, grace_days, refresh_days, features, max_version, maintenance_end, status, "
    "policy, created_at, seats_used, max_resets_per_year, site, floating_policy, "
    "reclaim_after_seconds, max_transfers_per_year, transfer_cooldown_days, "
    "self_service_releases_per_month";

License read_license(const Query& row) {
  License license;
  license.id = row.text(0);
  license.product_id = row.text(1);
  license.key_hash = row.text(2);
  license.key_last5 = row.text(3);
  license.model = seat_model_from_name(row.text(4)).value_or(SeatModel::node_locked);
  license.licensee = row.text(5);
  license.max_activations = static_cast<int>(row.integer(6));
  // An unreadable term or state fails closed: the license grants nothing.
  license.term = term_from_name(row.text(7)).value_or(Term::trial);
  license.expires_at = row.optional_integer(8);
  license.trial_days = static_cast<int>(row.integer(9));
  license.grace_days = static_cast<int>(row.integer(10));
  license.refresh_days = static_cast<int>(row.integer(11));
  license.features = features_from(row.text(12));
  license.max_version = optional_int(row.optional_integer(13));
  license.maintenance_end = row.optional_integer(14);
  license.state = license_state_named(row.text(15)).value_or(LicenseState::revoked);
  license.match_policy = row.text(16);
  license.created_at = row.integer(17);
  license.seats_used = static_cast<int>(row.integer(18));
  license.max_resets_per_year = optional_int(row.optional_integer(19));
  if (license.model == SeatModel::site) {
    // An unreadable constraint fails closed: a site that admits nobody.
    auto site = site_from_text(row.text(20));
    license.site = site.ok() ? std::move(*site) : SiteConstraint{{}, {}, SiteMatch::all, true};
  }
  license.floating_policy = row.text(21);
  license.reclaim_after_seconds = row.optional_integer(22);
  license.max_transfers_per_year = optional_int(row.optional_integer(23));
  license.transfer_cooldown_days = static_cast<int>(row.integer(24));
  license.self_service_releases_per_month = static_cast<int>(row.integer(25));
  return license;
}

constexpr const char* kActivationColumns =
    "id, license_id, machine_id, fingerprint, device_public_key, hostname, environment, mode, "
    "status, activated_at, last_seen_at, request_nonce, dongle, user_email, cloned_at, "
    "reclaimed_at, released_at";

Activation read_activation(const Query& row) {
  Activation activation;
  activation.id = row.text(0);
  activation.license_id = row.text(1);
  activation.machine_id = row.text(2);
  activation.fingerprint = row.text(3);
  activation.device_public_key = row.text(4);
  activation.hostname = row.text(5);
  activation.environment = row.text(6);
  activation.mode = row.text(7);
  activation.state = activation_state_named(row.text(8)).value_or(ActivationState::revoked);
  activation.activated_at = row.integer(9);
  activation.last_seen_at = row.integer(10);
  activation.request_nonce = row.text(11);
  activation.dongle = row.text(12);
  activation.user = row.text(13);
  activation.cloned_at = row.optional_integer(14);
  activation.reclaimed_at = row.optional_integer(15);
  activation.released_at = row.optional_integer(16);
  return activation;
}

AdminToken read_admin_token(const Query& row) {
  return AdminToken{row.text(0), row.text(1),
                    admin_role_named(row.text(2)).value_or(AdminRole::viewer), row.integer(3)};
}

}  // namespace

Result<Product> select_product(Connection& db, std::string_view id) {
  Query query = db.query("SELECT id, name, created_at FROM products WHERE id = ?");
  query.bind(1, id);
  return first<Product>(query, read_product, "product", id);
}

Result<std::vector<Product>> select_products(Connection& db) {
  Query query = db.query("SELECT id, name, created_at FROM products ORDER BY id");
  return collect<Product>(query, read_product);
}

Status insert_product(Connection& db, const Product& product) {
  Status inserted = db.query("INSERT INTO products(id, name, created_at) VALUES(?, ?, ?)")
                        .bind(1, product.id)
                        .bind(2, product.name)
                        .bind(3, product.created_at)
                        .run();
  if (inserted.code() == ErrorCode::already_exists) {
    return make_error(ErrorCode::already_exists, "product '" + product.id + "' already exists");
  }
  return inserted;
}

Result<License> select_license(Connection& db, std::string_view id) {
  static const std::string text =
      std::string("SELECT ") + kLicenseColumns + " FROM licenses WHERE id = ?";
  Query query = db.query(text.c_str());
  query.bind(1, id);
  return first<License>(query, read_license, "license", id);
}

Result<License> select_license_by_key_hash(Connection& db, std::string_view key_hash) {
  static const std::string text =
      std::string("SELECT ") + kLicenseColumns + " FROM licenses WHERE key_hash = ?";
  Query query = db.query(text.c_str());
  query.bind(1, key_hash);
  auto row = query.step();
  if (!row.ok()) return row.error();
  // The hash is not named: it would only help someone matching keys to hashes.
  if (!*row) return make_error(ErrorCode::not_found, "no license has this key");
  return read_license(query);
}

Result<std::vector<License>> select_licenses(Connection& db, std::string_view product_id) {
  static const std::string text = std::string("SELECT ") + kLicenseColumns +
                                  " FROM licenses WHERE ?1 = '' OR product_id = ?1 "
                                  "ORDER BY created_at, id";
  Query query = db.query(text.c_str());
  query.bind(1, product_id);
  return collect<License>(query, read_license);
}

Status insert_license(Connection& db, const License& license) {
  Query query = db.query(
      "INSERT INTO licenses(id, product_id, key_hash, key_last5, model, licensee, "
      "max_activations, term, expires_at, trial_days, grace_days, refresh_days, features, "
      "max_version, maintenance_end, status, policy, created_at, max_resets_per_year, site, "
      "floating_policy, reclaim_after_seconds, max_transfers_per_year, transfer_cooldown_days, "
      "self_service_releases_per_month) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::optional<std::int64_t> max_version;
  if (license.max_version) max_version = *license.max_version;
  std::optional<std::int64_t> max_resets, max_transfers;
  if (license.max_resets_per_year) max_resets = *license.max_resets_per_year;
  if (license.max_transfers_per_year) max_transfers = *license.max_transfers_per_year;
  query.bind(1, license.id)
      .bind(2, license.product_id)
      .bind(3, license.key_hash)
      .bind(4, license.key_last5)
      .bind(5, seat_model_name(license.model))
      .bind(6, license.licensee)
      .bind(7, std::int64_t{license.max_activations})
      .bind(8, term_name(license.term))
      .bind(9, license.expires_at)
      .bind(10, std::int64_t{license.trial_days})
      .bind(11, std::int64_t{license.grace_days})
      .bind(12, std::int64_t{license.refresh_days})
      .bind(13, nlohmann::json(license.features).dump())
      .bind(14, max_version)
      .bind(15, license.maintenance_end)
      .bind(16, name_of(license.state))
      .bind(17, license.match_policy)
      .bind(18, license.created_at)
      .bind(19, max_resets)
      .bind(20, license.model == SeatModel::site ? site_text(license.site) : std::string())
      .bind(21, license.floating_policy)
      .bind(22, license.reclaim_after_seconds)
      .bind(23, max_transfers)
      .bind(24, std::int64_t{license.transfer_cooldown_days})
      .bind(25, std::int64_t{license.self_service_releases_per_month});
  Status inserted = query.run();
  if (inserted.code() == ErrorCode::already_exists) {
    return make_error(ErrorCode::already_exists, "a license with this id or key already exists");
  }
  return inserted;
}

Status update_license_state(Connection& db, std::string_view id, LicenseState state) {
  return db.query("UPDATE licenses SET status = ? WHERE id = ?")
      .bind(1, name_of(state))
      .bind(2, id)
      .run();
}

Status update_license_expiry(Connection& db, std::string_view id, UnixTime expires_at) {
  return db.query("UPDATE licenses SET expires_at = ? WHERE id = ?")
      .bind(1, expires_at)
      .bind(2, id)
      .run();
}

Result<Activation> select_activation(Connection& db, std::string_view id) {
  static const std::string text =
      std::string("SELECT ") + kActivationColumns + " FROM activations WHERE id = ?";
  Query query = db.query(text.c_str());
  query.bind(1, id);
  return first<Activation>(query, read_activation, "activation", id);
}

Result<std::vector<Activation>> select_activations(Connection& db, std::string_view license_id) {
  static const std::string text = std::string("SELECT ") + kActivationColumns +
                                  " FROM activations WHERE license_id = ? "
                                  "ORDER BY activated_at, id";
  Query query = db.query(text.c_str());
  query.bind(1, license_id);
  return collect<Activation>(query, read_activation);
}

Result<ActivationPage> select_activation_page(Connection& db, std::string_view license_id,
                                              const ActivationPageRequest& request) {
  // Keyset paging on (activated_at, id), the order of select_activations: a
  // page costs the same at the millionth activation as at the first, and an
  // activation made between two pages is neither skipped nor repeated.
  UnixTime after_time = std::numeric_limits<UnixTime>::min();
  if (!request.after.empty()) {
    Query cursor = db.query("SELECT activated_at FROM activations WHERE id = ? AND license_id = ?");
    cursor.bind(1, request.after).bind(2, license_id);
    auto row = cursor.step();
    if (!row.ok()) return row.error();
    if (!*row) {
      return make_error(ErrorCode::invalid_argument,
                        "'after' names no activation of license " + std::string(license_id) +
                            "; pass the 'next' value of the previous page");
    }
    after_time = cursor.integer(0);
  }
  static const std::string text = std::string("SELECT ") + kActivationColumns +
                                  " FROM activations WHERE license_id = ? "
                                  "AND (activated_at, id) > (?, ?) AND (?4 = '' OR status = ?4) "
                                  "ORDER BY activated_at, id LIMIT ?5";
  Query query = db.query(text.c_str());
  query.bind(1, license_id)
      .bind(2, after_time)
      .bind(3, request.after)
      .bind(4, request.state ? name_of(*request.state) : std::string_view(""))
      .bind(5, static_cast<std::int64_t>(request.limit) + 1);
  auto rows = collect<Activation>(query, read_activation);
  if (!rows.ok()) return rows.error();
  ActivationPage page;
  if (rows->size() > static_cast<std::size_t>(request.limit)) {
    rows->pop_back();
    page.next = rows->back().id;
  }
  page.activations = std::move(*rows);
  return page;
}

Result<Activation> select_seat_answering(Connection& db, std::string_view license_id,
                                         std::string_view nonce) {
  static const std::string text = std::string("SELECT ") + kActivationColumns +
                                  " FROM activations WHERE license_id = ? AND status = 'active' "
                                  "AND request_nonce = ?";
  Query query = db.query(text.c_str());
  query.bind(1, license_id).bind(2, nonce);
  return first<Activation>(query, read_activation, "seat answering request", nonce);
}

Result<std::vector<Activation>> select_seats_sharing_keys(
    Connection& db, std::string_view license_id, const std::vector<std::string>& machine_keys) {
  // One primary-key probe per key, then one per seat found (almost always
  // none): a single statement with the keys in an IN list built temporary
  // tables for the list and the subquery on every claim, which cost the one
  // writer thread four times as much.
  std::vector<std::string> seat_ids;
  for (const std::string& key : machine_keys) {
    Query query =
        db.query("SELECT activation_id FROM seat_keys WHERE license_id = ? AND machine_key = ?");
    query.bind(1, license_id).bind(2, key);
    for (;;) {
      auto row = query.step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      std::string id = query.text(0);
      if (std::find(seat_ids.begin(), seat_ids.end(), id) == seat_ids.end()) {
        seat_ids.push_back(std::move(id));
      }
    }
  }
  std::vector<Activation> seats;
  for (const std::string& id : seat_ids) {
    auto seat = select_activation(db, id);
    if (!seat.ok()) return seat.error();
    if (seat->state == ActivationState::active) seats.push_back(std::move(*seat));
  }
  std::sort(seats.begin(), seats.end(), [](const Activation& a, const Activation& b) {
    return std::tie(a.activated_at, a.id) < std::tie(b.activated_at, b.id);
  });
  return seats;
}

Result<int> count_active_seats(Connection& db, std::string_view license_id) {
  Query query =
      db.query("SELECT count(*) FROM activations WHERE license_id = ? AND status = 'active'");
  query.bind(1, license_id);
  auto row = query.step();
  if (!row.ok()) return row.error();
  return static_cast<int>(query.integer(0));
}

namespace {

// One statement files all of a seat's keys: a claim runs in the single writer
// thread, where every statement counts.
Status insert_seat_keys(Connection& db, const Activation& seat, const std::string& keys_json) {
  return db
      .query(
          "INSERT OR IGNORE INTO seat_keys(license_id, machine_key, activation_id) "
          "SELECT ?1, value, ?2 FROM json_each(?3)")
      .bind(1, seat.license_id)
      .bind(2, seat.id)
      .bind(3, keys_json)
      .run();
}

}  // namespace

Status insert_activation(Connection& db, const Activation& activation,
                         const std::vector<std::string>& machine_keys) {
  const std::string keys_json = nlohmann::json(machine_keys).dump();
  Status inserted =
      db.query(
            "INSERT INTO activations(id, license_id, machine_id, fingerprint, device_public_key, "
            "hostname, environment, mode, status, activated_at, last_seen_at, request_nonce, "
            "machine_keys, dongle, user_email) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .bind(1, activation.id)
          .bind(2, activation.license_id)
          .bind(3, activation.machine_id)
          .bind(4, activation.fingerprint)
          .bind(5, activation.device_public_key)
          .bind(6, activation.hostname)
          .bind(7, activation.environment)
          .bind(8, activation.mode)
          .bind(9, name_of(activation.state))
          .bind(10, activation.activated_at)
          .bind(11, activation.last_seen_at)
          .bind(12, activation.request_nonce)
          .bind(13, keys_json)
          .bind(14, activation.dongle)
          .bind(15, activation.user)
          .run();
  if (!inserted.ok()) return inserted;
  return insert_seat_keys(db, activation, keys_json);
}

Status replace_seat_keys(Connection& db, const Activation& seat,
                         const std::vector<std::string>& machine_keys) {
  // The seat's row remembers its keys, so they are found by primary key and
  // seat_keys needs no second index.
  Status removed = db.query(
                         "DELETE FROM seat_keys WHERE license_id = ?1 AND activation_id = ?2 AND "
                         "machine_key IN (SELECT value FROM json_each("
                         "(SELECT machine_keys FROM activations WHERE id = ?2)))")
                       .bind(1, seat.license_id)
                       .bind(2, seat.id)
                       .run();
  if (!removed.ok()) return removed;
  const std::string keys_json = nlohmann::json(machine_keys).dump();
  Status added = insert_seat_keys(db, seat, keys_json);
  if (!added.ok()) return added;
  return db.query("UPDATE activations SET machine_keys = ? WHERE id = ?")
      .bind(1, keys_json)
      .bind(2, seat.id)
      .run();
}

Result<std::optional<std::string>> active_seat_of_machine(Connection& db,
                                                          std::string_view license_id,
                                                          std::string_view machine_id) {
  Query query = db.query(
      "SELECT id FROM activations WHERE license_id = ? AND status = 'active' AND machine_id = ?");
  query.bind(1, license_id).bind(2, machine_id);
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query.text(0));
}

namespace {

// The column that keeps when a person freed a seat as `ended_as`.
std::string freed_at_column(ActivationState ended_as) {
  return ended_as == ActivationState::released ? "released_at" : "reset_at";
}

}  // namespace

Status mark_seat_freed(Connection& db, std::string_view activation_id, ActivationState ended_as,
                       UnixTime at) {
  const std::string text =
      "UPDATE activations SET " + freed_at_column(ended_as) + " = ? WHERE id = ?";
  return db.query(text.c_str()).bind(1, at).bind(2, activation_id).run();
}

Result<std::vector<UnixTime>> seats_freed_since(Connection& db, std::string_view license_id,
                                                ActivationState ended_as, UnixTime since) {
  const std::string column = freed_at_column(ended_as);
  const std::string text = "SELECT " + column +
                           " FROM activations WHERE license_id = ? AND status = ? AND " + column +
                           " >= ? ORDER BY " + column;
  Query query = db.query(text.c_str());
  query.bind(1, license_id).bind(2, name_of(ended_as)).bind(3, since);
  std::vector<UnixTime> freed;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return freed;
    freed.push_back(query.integer(0));
  }
}

Status change_seats_used(Connection& db, std::string_view license_id, int delta) {
  return db.query("UPDATE licenses SET seats_used = seats_used + ? WHERE id = ?")
      .bind(1, std::int64_t{delta})
      .bind(2, license_id)
      .run();
}

Status update_activation(Connection& db, const Activation& activation) {
  return db
      .query(
          "UPDATE activations SET machine_id = ?, fingerprint = ?, device_public_key = ?, "
          "hostname = ?, environment = ?, status = ?, last_seen_at = ?, request_nonce = ?, "
          "dongle = ? WHERE id = ?")
      .bind(1, activation.machine_id)
      .bind(2, activation.fingerprint)
      .bind(3, activation.device_public_key)
      .bind(4, activation.hostname)
      .bind(5, activation.environment)
      .bind(6, name_of(activation.state))
      .bind(7, activation.last_seen_at)
      .bind(8, activation.request_nonce)
      .bind(9, activation.dongle)
      .bind(10, activation.id)
      .run();
}

Status end_seat(Connection& db, Activation& seat, ActivationState ended_as) {
  seat.state = ended_as;
  Status updated = update_activation(db, seat);
  if (!updated.ok()) return updated;
  Status unkeyed = replace_seat_keys(db, seat, {});
  if (!unkeyed.ok()) return unkeyed;
  return change_seats_used(db, seat.license_id, -1);
}

Status insert_nonce(Connection& db, std::string_view nonce, UnixTime seen_at) {
  Status inserted = db.query("INSERT INTO used_nonces(nonce, seen_at) VALUES(?, ?)")
                        .bind(1, nonce)
                        .bind(2, seen_at)
                        .run();
  if (inserted.code() == ErrorCode::already_exists) {
    return make_error(ErrorCode::replayed,
                      "this signed request was already used; a request is accepted once, so "
                      "make a new one");
  }
  return inserted;
}

Result<int> delete_nonces_before(Connection& db, UnixTime cutoff) {
  Status deleted = db.query("DELETE FROM used_nonces WHERE seen_at < ?").bind(1, cutoff).run();
  if (!deleted.ok()) return deleted.error();
  return db.changes();
}

Status insert_admin_token(Connection& db, const AdminToken& token) {
  return db.query("INSERT INTO admin_tokens(id, token_hash, role, created_at) VALUES(?, ?, ?, ?)")
      .bind(1, token.id)
      .bind(2, token.token_hash)
      .bind(3, name_of(token.role))
      .bind(4, token.created_at)
      .run();
}

Result<AdminToken> select_admin_token_by_hash(Connection& db, std::string_view token_hash) {
  Query query =
      db.query("SELECT id, token_hash, role, created_at FROM admin_tokens WHERE token_hash = ?");
  query.bind(1, token_hash);
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) return make_error(ErrorCode::not_found, "no admin token matches");
  return read_admin_token(query);
}

}  // namespace nodelock::server::sqlite
