#include "seat_history.h"

#include "audit_records.h"

namespace nodelock::server::sql {

namespace {

Result<SeatHistory> select_seat_history(Connection& db, std::string_view activation_id) {
  Query query = db.query(
      "SELECT check_in_counter, receipt_hash, previous_receipt_hash, history_tracked "
      "FROM activations WHERE id = ?");
  query.bind(1, activation_id);
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) {
    return make_error(ErrorCode::not_found, "activations has no row " + std::string(activation_id));
  }
  return SeatHistory{query.integer(0), query.text(1), query.text(2), query.integer(3) != 0};
}

Status update_seat_history(Connection& db, std::string_view activation_id,
                           const SeatHistory& history) {
  return db
      .query(
          "UPDATE activations SET check_in_counter = ?, receipt_hash = ?, "
          "previous_receipt_hash = ?, history_tracked = ? WHERE id = ?")
      .bind(1, history.counter)
      .bind(2, history.receipt_hash)
      .bind(3, history.previous_receipt_hash)
      .bind(4, std::int64_t{history.tracked ? 1 : 0})
      .bind(5, activation_id)
      .run();
}

Status mark_seat_cloned(Connection& db, const Activation& seat, UnixTime at) {
  Status marked = db.query("UPDATE activations SET cloned_at = ? WHERE id = ?")
                      .bind(1, at)
                      .bind(2, seat.id)
                      .run();
  if (!marked.ok()) return marked;
  return record_change(db, {std::string(kDeviceActor), at}, "activation.cloned", seat.id,
                       {{"cloned_at", nullptr}}, {{"cloned_at", at}});
}

}  // namespace

Status start_seat_history(Connection& db, std::string_view activation_id,
                          std::string_view receipt_hash) {
  return update_seat_history(db, activation_id,
                             SeatHistory{0, std::string(receipt_hash), "", false});
}

Status follow_seat_history(Connection& db, const CheckIn& check_in, const Activation& seat) {
  if (!check_in.follow_history) return {};
  auto history = select_seat_history(db, seat.id);
  if (!history.ok()) return history.error();
  auto next = check_in.follow_history(seat, *history);
  if (!next.ok()) {
    if (next.code() != ErrorCode::cloned || seat.cloned_at) return next.error();
    Status marked = mark_seat_cloned(db, seat, check_in.now);
    if (!marked.ok()) return marked;
    return next.error();
  }
  return update_seat_history(db, seat.id, *next);
}

}  // namespace nodelock::server::sql
