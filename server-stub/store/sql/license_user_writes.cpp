#include "license_user_writes.h"

#include <optional>
#include <string>
#include <utility>

#include "../audit_views.h"
#include "audit_records.h"
#include "records.h"

namespace nodelock::server::sql {

namespace {

constexpr const char* kUserColumns =
    "email, max_activations, disabled, reserved, created_at, (SELECT count(*) FROM activations "
    "WHERE "
    "activations.license_id = license_users.license_id AND user_email = license_users.email "
    "AND status = 'active')";

LicenseUser read_user(const Query& row, std::string_view license_id) {
  LicenseUser user;
  user.license_id = std::string(license_id);
  user.email = row.text(0);
  if (auto max = row.optional_integer(1)) user.max_activations = static_cast<int>(*max);
  user.disabled = row.integer(2) != 0;
  user.reserved = row.integer(3) != 0;
  user.created_at = row.integer(4);
  user.seats_used = static_cast<int>(row.integer(5));
  return user;
}

Result<std::optional<LicenseUser>> find_user(Connection& db, std::string_view license_id,
                                             std::string_view email) {
  static const std::string text = std::string("SELECT ") + kUserColumns +
                                  " FROM license_users WHERE license_id = ? AND email = ?";
  Query query = db.query(text.c_str());
  query.bind(1, license_id).bind(2, email);
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<LicenseUser>();
  return std::optional<LicenseUser>(read_user(query, license_id));
}

Result<LicenseUser> existing_user(Connection& db, std::string_view license_id,
                                  std::string_view email) {
  auto license = select_license(db, license_id);
  if (!license.ok()) return license.error();
  auto user = find_user(db, license_id, email);
  if (!user.ok()) return user.error();
  if (!*user) {
    return make_error(ErrorCode::not_found, "license_users has no row " + std::string(license_id) +
                                                "/" + std::string(email));
  }
  return std::move(**user);
}

Result<bool> has_users(Connection& db, std::string_view license_id) {
  Query query = db.query("SELECT EXISTS(SELECT 1 FROM license_users WHERE license_id = ?)");
  query.bind(1, license_id);
  auto row = query.step();
  if (!row.ok()) return row.error();
  return query.integer(0) != 0;
}

// The users of `license_id` with a reserved seat; with `enabled_only` those
// enabled alone, since a disabled user cannot take the seat kept for them.
Result<std::vector<std::string>> reserved_users(Connection& db, std::string_view license_id,
                                                bool enabled_only) {
  Query query = db.query(
      enabled_only ? "SELECT email FROM license_users WHERE license_id = ? AND reserved = 1 AND "
                     "disabled = 0 ORDER BY email"
                   : "SELECT email FROM license_users WHERE license_id = ? AND reserved = 1 "
                     "ORDER BY email");
  query.bind(1, license_id);
  std::vector<std::string> emails;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return emails;
    emails.push_back(query.text(0));
  }
}

// Runs `admit` on the license and the users already reserved on it.
Status admit_reservation(Connection& db, const License& license, const ReservationAdmit& admit) {
  if (!admit) return {};
  auto reserved = reserved_users(db, license.id, false);
  if (!reserved.ok()) return reserved.error();
  return admit(license, *reserved);
}

// Sets or clears the user's reserved seat, with its audit entry.
Result<UserChangeOutcome> write_reservation(Connection& db, const UserChange& change,
                                            LicenseUser user) {
  const bool reserve = change.kind == UserChangeKind::reserve;
  const std::string subject = user.license_id + "/" + user.email;
  if (reserve) {
    auto license = select_license(db, user.license_id);
    if (!license.ok()) return license.error();
    Status admitted = admit_reservation(db, *license, change.admit_reservation);
    if (!admitted.ok()) return admitted.error();
  }
  const nlohmann::json before = audit_view(user);
  Status updated =
      db.query("UPDATE license_users SET reserved = ? WHERE license_id = ? AND email = ?")
          .bind(1, std::int64_t{reserve ? 1 : 0})
          .bind(2, user.license_id)
          .bind(3, user.email)
          .run();
  if (!updated.ok()) return updated.error();
  user.reserved = reserve;
  Status recorded = record_change(db, change.by, reserve ? "user.reserve" : "user.unreserve",
                                  subject, before, audit_view(user));
  if (!recorded.ok()) return recorded.error();
  UserChangeOutcome outcome;
  outcome.user = std::move(user);
  return outcome;
}

// Frees every active seat of the user, each with its audit entry.
Result<std::vector<Activation>> free_user_seats(Connection& db, const LicenseUser& user,
                                                const ChangedBy& by, std::string_view reason) {
  auto seats = select_activations(db, user.license_id);
  if (!seats.ok()) return seats.error();
  std::vector<Activation> freed;
  for (Activation& seat : *seats) {
    if (seat.user != user.email || seat.state != ActivationState::active) continue;
    Status ended = end_seat(db, seat, ActivationState::reset);
    if (!ended.ok()) return ended.error();
    Status recorded = record_change(
        db, by, "activation.reset", seat.id, {{"status", name_of(ActivationState::active)}},
        {{"status", name_of(seat.state)}, {"user", seat.user}, {"reason", reason}});
    if (!recorded.ok()) return recorded.error();
    freed.push_back(std::move(seat));
  }
  return freed;
}

}  // namespace

Status write_user_addition(Connection& db, const UserAddition& addition) {
  const LicenseUser& user = addition.user;
  auto license = select_license(db, user.license_id);
  if (!license.ok()) return license.error();
  if (addition.admit) {
    Status admitted = addition.admit(*license);
    if (!admitted.ok()) return admitted;
  }
  if (user.reserved) {
    Status admitted = admit_reservation(db, *license, addition.admit_reservation);
    if (!admitted.ok()) return admitted;
  }
  std::optional<std::int64_t> max;
  if (user.max_activations) max = *user.max_activations;
  Status inserted = db.query(
                          "INSERT INTO license_users(license_id, email, max_activations, disabled, "
                          "reserved, created_at) VALUES(?, ?, ?, ?, ?, ?)")
                        .bind(1, user.license_id)
                        .bind(2, user.email)
                        .bind(3, max)
                        .bind(4, std::int64_t{user.disabled ? 1 : 0})
                        .bind(5, std::int64_t{user.reserved ? 1 : 0})
                        .bind(6, user.created_at)
                        .run();
  if (inserted.code() == ErrorCode::already_exists) {
    return make_error(ErrorCode::already_exists,
                      "license_users has a row " + user.license_id + "/" + user.email);
  }
  if (!inserted.ok()) return inserted;
  return record_change(db, addition.by, "user.add", user.license_id + "/" + user.email, nullptr,
                       audit_view(user));
}

Result<std::vector<LicenseUser>> select_license_users(Connection& db, std::string_view license_id) {
  auto license = select_license(db, license_id);
  if (!license.ok()) return license.error();
  static const std::string text =
      std::string("SELECT ") + kUserColumns +
      " FROM license_users WHERE license_id = ? ORDER BY created_at, email";
  Query query = db.query(text.c_str());
  query.bind(1, license_id);
  std::vector<LicenseUser> users;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return users;
    users.push_back(read_user(query, license_id));
  }
}

Result<UserChangeOutcome> write_user_change(Connection& db, const UserChange& change) {
  auto user = existing_user(db, change.license_id, change.email);
  if (!user.ok()) return user.error();
  if (change.admit) {
    Status admitted = change.admit(*user);
    if (!admitted.ok()) return admitted.error();
  }
  if (change.kind == UserChangeKind::reserve || change.kind == UserChangeKind::unreserve) {
    return write_reservation(db, change, std::move(*user));
  }
  const std::string subject = user->license_id + "/" + user->email;
  UserChangeOutcome outcome;
  if (change.kind == UserChangeKind::remove) {
    auto freed = free_user_seats(db, *user, change.by, "user.remove");
    if (!freed.ok()) return freed.error();
    Status deleted = db.query("DELETE FROM license_users WHERE license_id = ? AND email = ?")
                         .bind(1, user->license_id)
                         .bind(2, user->email)
                         .run();
    if (!deleted.ok()) return deleted.error();
    Status recorded =
        record_change(db, change.by, "user.remove", subject, audit_view(*user), nullptr);
    if (!recorded.ok()) return recorded.error();
    outcome.freed = std::move(*freed);
    outcome.user = std::move(*user);
    return outcome;
  }
  const bool disable = change.kind == UserChangeKind::disable;
  const nlohmann::json before = audit_view(*user);
  if (disable) {
    auto freed = free_user_seats(db, *user, change.by, "user.disable");
    if (!freed.ok()) return freed.error();
    outcome.freed = std::move(*freed);
  }
  Status updated =
      db.query("UPDATE license_users SET disabled = ? WHERE license_id = ? AND email = ?")
          .bind(1, std::int64_t{disable ? 1 : 0})
          .bind(2, user->license_id)
          .bind(3, user->email)
          .run();
  if (!updated.ok()) return updated.error();
  user->disabled = disable;
  user->seats_used -= static_cast<int>(outcome.freed.size());
  Status recorded = record_change(db, change.by, disable ? "user.disable" : "user.enable", subject,
                                  before, audit_view(*user));
  if (!recorded.ok()) return recorded.error();
  outcome.user = std::move(*user);
  return outcome;
}

Result<std::vector<std::string>> select_reserved_users(Connection& db,
                                                       std::string_view license_id) {
  return reserved_users(db, license_id, true);
}

Result<std::vector<std::string>> select_reservations(Connection& db, std::string_view license_id) {
  return reserved_users(db, license_id, false);
}

Result<ClaimingUser> select_claiming_user(Connection& db, std::string_view license_id,
                                          std::string_view email) {
  ClaimingUser claiming;
  claiming.email = std::string(email);
  if (!email.empty()) {
    auto named = find_user(db, license_id, email);
    if (!named.ok()) return named.error();
    claiming.user = std::move(*named);
  }
  if (claiming.user) {
    claiming.license_has_users = true;
    return claiming;
  }
  auto any = has_users(db, license_id);
  if (!any.ok()) return any.error();
  claiming.license_has_users = *any;
  return claiming;
}

Result<bool> seat_user_disabled(Connection& db, const Activation& seat) {
  if (seat.user.empty()) return false;
  auto named = find_user(db, seat.license_id, seat.user);
  if (!named.ok()) return named.error();
  return *named && (*named)->disabled;
}

}  // namespace nodelock::server::sql
