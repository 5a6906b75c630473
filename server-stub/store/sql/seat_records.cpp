// The seats as rows: activations, the machine keys that find a seat again,
// and the counts and stamps that free one.
#include <algorithm>
#include <limits>
#include <tuple>

#include <nlohmann/json.hpp>

#include "records.h"
#include "row_reading.h"

namespace nodelock::server::sql {

namespace {

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

}  // namespace

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
      return make_error(ErrorCode::invalid_argument, "activations has no row " + request.after +
                                                         " on " + std::string(license_id));
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
// thread, where every statement counts. (`WHERE true` tells SQLite's parser
// the ON CONFLICT belongs to the INSERT, not to a join of the SELECT.)
Status insert_seat_keys(Connection& db, const Activation& seat, const std::string& keys_json) {
  return db
      .query(
          "INSERT INTO seat_keys(license_id, machine_key, activation_id) "
          "SELECT ?1, value, ?2 FROM json_each(?3) WHERE true ON CONFLICT DO NOTHING")
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

}  // namespace nodelock::server::sql
