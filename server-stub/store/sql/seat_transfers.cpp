#include "seat_transfers.h"

#include <string>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "audit_records.h"
#include "records.h"
#include "seat_refusals.h"

namespace nodelock::server::sql {

namespace {

constexpr const char* kTransferColumns =
    "from_activation_id, license_id, from_machine_id, to_machine_id, transferred_at, "
    "held_until, to_activation_id";

SeatTransfer read_transfer(const Query& row) {
  SeatTransfer transfer;
  transfer.from_activation_id = row.text(0);
  transfer.license_id = row.text(1);
  transfer.from_machine_id = row.text(2);
  transfer.to_machine_id = row.text(3);
  transfer.transferred_at = row.integer(4);
  transfer.held_until = row.integer(5);
  transfer.to_activation_id = row.text(6);
  return transfer;
}

// The license's transfers matching `condition` (SQL over the columns, with
// ?1 the license id and ?2 `value` when given), oldest first.
Result<std::vector<SeatTransfer>> select_transfers(Connection& db, std::string_view license_id,
                                                   const char* condition,
                                                   std::optional<std::int64_t> value) {
  const std::string text = std::string("SELECT ") + kTransferColumns +
                           " FROM seat_transfers WHERE license_id = ?1 AND " + condition +
                           " ORDER BY transferred_at, from_activation_id";
  Query query = db.query(text.c_str());
  query.bind(1, license_id);
  if (value) query.bind(2, *value);
  std::vector<SeatTransfer> transfers;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return transfers;
    transfers.push_back(read_transfer(query));
  }
}

Result<std::vector<SeatTransfer>> held_at(Connection& db, std::string_view license_id,
                                          UnixTime now) {
  return select_transfers(db, license_id, "to_activation_id IS NULL AND held_until > ?2", now);
}

// When `seat` arrived by a transfer; none when it did not.
Result<std::optional<UnixTime>> arrival_of(Connection& db, const Activation& seat) {
  Query query = db.query(
      "SELECT max(transferred_at) FROM seat_transfers WHERE license_id = ? AND "
      "to_activation_id = ?");
  query.bind(1, seat.license_id).bind(2, seat.id);
  auto row = query.step();
  if (!row.ok()) return row.error();
  return query.optional_integer(0);
}

// What the rules of `order` judge the active `seat` by.
Result<TransferringSeat> read_transferring(Connection& db, const SeatTransferOrder& order,
                                           Activation seat) {
  TransferringSeat transferring;
  auto license = select_license(db, seat.license_id);
  if (!license.ok()) return license.error();
  transferring.license = std::move(*license);
  auto seated = active_seat_of_machine(db, seat.license_id, order.to_machine_id);
  if (!seated.ok()) return seated.error();
  transferring.seated = std::move(*seated);
  auto held = held_at(db, seat.license_id, order.by.at);
  if (!held.ok()) return held.error();
  for (SeatTransfer& other : *held) {
    if (other.to_machine_id != order.to_machine_id) continue;
    transferring.held = std::move(other);
    break;
  }
  auto counted = select_transfers(db, seat.license_id, "transferred_at >= ?2", order.counted_since);
  if (!counted.ok()) return counted.error();
  for (const SeatTransfer& made : *counted) transferring.transfers.push_back(made.transferred_at);
  auto arrived = arrival_of(db, seat);
  if (!arrived.ok()) return arrived.error();
  transferring.arrived_at = *arrived;
  transferring.seat = std::move(seat);
  return transferring;
}

}  // namespace

Result<SeatTransfer> transfer_of(Connection& db, const Activation& seat) {
  static const std::string text = std::string("SELECT ") + kTransferColumns +
                                  " FROM seat_transfers WHERE from_activation_id = ?";
  Query query = db.query(text.c_str());
  query.bind(1, seat.id);
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) return make_error(ErrorCode::not_found, "activation " + seat.id + " has no transfer");
  return read_transfer(query);
}

Result<SeatTransfer> write_seat_transfer(Connection& db, const SeatTransferOrder& order) {
  auto seat = select_activation(db, order.activation_id);
  if (!seat.ok()) return seat.error();
  if (seat->state == ActivationState::transferred) {
    auto earlier = transfer_of(db, *seat);
    if (!earlier.ok()) return earlier.error();
    seat->transferred_to = std::move(*earlier);
  }
  // Ending a seat gives it back to the license; one no longer active gave it
  // back already, and ending it again would count it twice.
  if (seat->state != ActivationState::active) {
    return refuse_seat(order.refusal, ErrorCode::conflict, std::move(*seat));
  }
  Admission admission;
  if (order.admit) {
    auto transferring = read_transferring(db, order, *seat);
    if (!transferring.ok()) return transferring.error();
    auto admitted = order.admit(*transferring);
    if (!admitted.ok()) return admitted.error();
    admission = std::move(*admitted);
  }
  SeatTransfer transfer;
  transfer.from_activation_id = seat->id;
  transfer.license_id = seat->license_id;
  transfer.from_machine_id = seat->machine_id;
  transfer.to_machine_id = order.to_machine_id;
  transfer.transferred_at = order.by.at;
  transfer.held_until = order.held_until;
  Status ended = end_seat(db, *seat, ActivationState::transferred);
  if (!ended.ok()) return ended.error();
  Status inserted =
      db.query(
            "INSERT INTO seat_transfers(from_activation_id, license_id, from_machine_id, "
            "to_machine_id, transferred_at, held_until) VALUES(?, ?, ?, ?, ?, ?)")
          .bind(1, transfer.from_activation_id)
          .bind(2, transfer.license_id)
          .bind(3, transfer.from_machine_id)
          .bind(4, transfer.to_machine_id)
          .bind(5, transfer.transferred_at)
          .bind(6, transfer.held_until)
          .run();
  if (!inserted.ok()) return inserted.error();
  Status recorded = record_change(
      db, order.by, "activation.transfer", seat->id,
      {{"status", name_of(ActivationState::active)}, {"machine_id", transfer.from_machine_id}},
      with_override({{"status", name_of(seat->state)},
                     {"to_machine_id", transfer.to_machine_id},
                     {"held_until", transfer.held_until}},
                    admission, order.by));
  if (!recorded.ok()) return recorded.error();
  return transfer;
}

Result<HeldSeats> held_seats(Connection& db, std::string_view license_id,
                             std::string_view machine_id, UnixTime now) {
  auto held = held_at(db, license_id, now);
  if (!held.ok()) return held.error();
  HeldSeats seats;
  for (SeatTransfer& transfer : *held) {
    if (!seats.own && transfer.to_machine_id == machine_id) {
      seats.own = std::move(transfer);
    } else {
      ++seats.for_others;
    }
  }
  return seats;
}

Status take_held_seat(Connection& db, const SeatTransfer& transfer, std::string_view taken_by) {
  return db.query("UPDATE seat_transfers SET to_activation_id = ? WHERE from_activation_id = ?")
      .bind(1, taken_by)
      .bind(2, transfer.from_activation_id)
      .run();
}

Status attach_transfers(Connection& db, std::vector<Activation>& activations) {
  if (activations.empty()) return {};
  std::unordered_map<std::string, Activation*> by_id;
  nlohmann::json ids = nlohmann::json::array();
  for (Activation& activation : activations) {
    by_id.emplace(activation.id, &activation);
    ids.push_back(activation.id);
  }
  // Only the transfers of these activations, by their keys: a page costs the
  // same however many transfers the license has had.
  static const std::string text = std::string("SELECT ") + kTransferColumns +
                                  " FROM seat_transfers WHERE from_activation_id IN "
                                  "(SELECT value FROM json_each(?1)) OR to_activation_id IN "
                                  "(SELECT value FROM json_each(?1))";
  Query query = db.query(text.c_str());
  query.bind(1, ids.dump());
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return {};
    const SeatTransfer transfer = read_transfer(query);
    if (auto from = by_id.find(transfer.from_activation_id); from != by_id.end()) {
      from->second->transferred_to = transfer;
    }
    if (auto to = by_id.find(transfer.to_activation_id); to != by_id.end()) {
      to->second->transferred_from = transfer;
    }
  }
}

}  // namespace nodelock::server::sql
