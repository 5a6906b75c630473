#include "sqlite_store.h"

#include <optional>
#include <vector>

#include "../audit_views.h"
#include "alert_writes.h"
#include "audit_records.h"
#include "checkpointer.h"
#include "group_commit.h"
#include "license_import_writes.h"
#include "license_user_writes.h"
#include "nodelock/crypto/utc_time.h"
#include "reader_pool.h"
#include "reclaim_writes.h"
#include "records.h"
#include "schema.h"
#include "seat_history.h"
#include "seat_transfers.h"
#include "sqlite_lease_store.h"
#include "support_writes.h"

namespace nodelock::server::sqlite {

namespace {

constexpr UnixTime kSecondsPerDay = 86400;
// The writer touches index pages all over the file (nonces, seat keys); its
// page cache decides whether a group commit reads from memory or from disk.
// Each write runs in a savepoint, whose undo journal would otherwise be a
// temporary file written for every page a write touches.
constexpr const char* kWriterSettings = "PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY;";
Error seat_not_active(const Activation& seat) {
  switch (seat.state) {
    case ActivationState::deactivated:
      return make_error(
          ErrorCode::not_activated,
          "this machine's activation " + seat.id + " was deactivated; activate the machine again");
    case ActivationState::reset:
      return make_error(ErrorCode::seat_reset,
                        "support reset this machine's activation " + seat.id +
                            " and gave its seat to another machine; contact support to use the "
                            "license here again");
    case ActivationState::reclaimed:
      return seat_reclaimed_refusal(seat);
    case ActivationState::released:
      return make_error(
          ErrorCode::seat_released,
          "the license holder released this machine's activation " + seat.id + " on " +
              utc_date(seat.released_at.value_or(seat.last_seen_at)) +
              " with `nodelock release-device`, so another machine could take its seat; if this "
              "machine should still run, activate it again while a seat is free");
    default:
      return make_error(ErrorCode::revoked,
                        "this machine's activation was revoked by the vendor; contact support");
  }
}

Error other_device(const Activation& seat) {
  return make_error(ErrorCode::machine_mismatch,
                    "activation " + seat.id +
                        " belongs to another device key; it was re-enrolled from another "
                        "installation of this machine or the request is not from its holder");
}

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, Connection writer, Connection checkpointer)
      : readers_(path),
        writes_(std::move(writer)),
        leases_(readers_, writes_),
        checkpointer_(std::move(checkpointer)) {}

  Status load_leases() { return leases_.load(); }

  LeaseStore& leases() override { return leases_; }

  Status add_product(const Product& product, const ChangedBy& by) override {
    return writes_.run([&](Connection& db) -> Status {
      Status inserted = insert_product(db, product);
      if (!inserted.ok()) return inserted;
      return record_change(db, by, "product.create", product.id, nullptr, audit_view(product));
    });
  }

  Result<Product> product(std::string_view id) override {
    return readers_.run<Product>([&](Connection& db) { return select_product(db, id); });
  }

  Result<std::vector<Product>> products() override {
    return readers_.run<std::vector<Product>>([&](Connection& db) { return select_products(db); });
  }

  Status add_license(const License& license, const ChangedBy& by) override {
    return writes_.run([&](Connection& db) -> Status {
      auto product = select_product(db, license.product_id);
      if (!product.ok()) return product.error();
      Status inserted = insert_license(db, license);
      if (!inserted.ok()) return inserted;
      return record_change(db, by, "license.create", license.id, nullptr, audit_view(license));
    });
  }

  Status import_licenses(const LicenseImport& import) override {
    return writes_.run([&](Connection& db) { return write_license_import(db, import); });
  }

  Result<License> license(std::string_view id) override {
    return readers_.run<License>([&](Connection& db) { return select_license(db, id); });
  }

  Result<License> license_by_key_hash(std::string_view key_hash) override {
    return readers_.run<License>(
        [&](Connection& db) { return select_license_by_key_hash(db, key_hash); });
  }

  Result<std::vector<License>> licenses(std::string_view product_id) override {
    return readers_.run<std::vector<License>>(
        [&](Connection& db) { return select_licenses(db, product_id); });
  }

  Result<License> set_license_state(std::string_view id, LicenseState state,
                                    const ChangedBy& by) override {
    License changed;
    Status written = writes_.run([&](Connection& db) -> Status {
      auto license = select_license(db, id);
      if (!license.ok()) return license.error();
      Status updated = update_license_state(db, id, state);
      if (!updated.ok()) return updated;
      Status recorded =
          record_change(db, by, "license.state", license->id, {{"status", name_of(license->state)}},
                        {{"status", name_of(state)}});
      if (!recorded.ok()) return recorded;
      changed = std::move(*license);
      changed.state = state;
      return {};
    });
    if (!written.ok()) return written.error();
    return changed;
  }

  Result<License> set_limit(const LimitChange& change) override {
    return written<License>([&](Connection& db) { return write_license_limit(db, change); });
  }

  Result<License> set_reclaim_policy(const ReclaimPolicyChange& change) override {
    return written<License>([&](Connection& db) { return write_reclaim_policy(db, change); });
  }

  Result<SeatClaimOutcome> claim_seat(const SeatClaim& claim) override {
    SeatClaimOutcome outcome;
    bool limit_reached = false;
    Status written = writes_.run([&](Connection& db) -> Status {
      outcome = SeatClaimOutcome{};
      limit_reached = false;
      Status fresh = insert_nonce(db, claim.nonce, claim.now);
      if (!fresh.ok()) return fresh;
      auto license = select_license(db, claim.license_id);
      if (!license.ok()) return license.error();
      if (license->term == Term::trial && !license->expires_at) {
        license->expires_at = claim.now + license->trial_days * kSecondsPerDay;
        Status started = update_license_expiry(db, license->id, *license->expires_at);
        if (!started.ok()) return started;
      }
      if (claim.admit) {
        Status admitted = claim.admit(*license);
        if (!admitted.ok()) return admitted;
      }
      Status named = admit_claim_user(db, *license, claim.enrolment.user);
      if (!named.ok()) return named;
      outcome.license = *license;
      outcome.used = license->seats_used;
      auto candidates = select_seats_sharing_keys(db, claim.license_id, claim.machine_keys);
      if (!candidates.ok()) return candidates.error();
      const ChangedBy device{claim.actor, claim.now};
      for (Activation& seat : *candidates) {
        if (!claim.same_machine || !claim.same_machine(seat)) continue;
        const nlohmann::json before = audit_view(seat);
        seat.machine_id = claim.enrolment.machine_id;
        seat.fingerprint = claim.enrolment.fingerprint;
        seat.device_public_key = claim.enrolment.device_public_key;
        seat.hostname = claim.enrolment.hostname;
        seat.environment = claim.enrolment.environment;
        seat.dongle = claim.enrolment.dongle;
        seat.last_seen_at = claim.now;
        seat.request_nonce = claim.nonce;
        outcome.granted = outcome.existing = true;
        outcome.activation = std::move(seat);
        Status updated = update_activation(db, outcome.activation);
        if (!updated.ok()) return updated;
        Status rekeyed = replace_seat_keys(db, outcome.activation, claim.machine_keys);
        if (!rekeyed.ok()) return rekeyed;
        Status restarted = start_seat_history(db, outcome.activation.id, claim.receipt_hash);
        if (!restarted.ok()) return restarted;
        return record_change(db, device, "activation.reenrol", outcome.activation.id, before,
                             audit_view(outcome.activation));
      }
      auto held = held_seats(db, claim.license_id, claim.enrolment.machine_id, claim.now);
      if (!held.ok()) return held.error();
      outcome.held = held->for_others;
      if (!held->own && has_seat_limit(*license) &&
          outcome.used + held->for_others >= license->max_activations) {
        limit_reached = true;
        return make_error(ErrorCode::activation_limit, "no seat left");
      }
      Status within = admit_user_seat(db, *license, claim.enrolment.user);
      if (!within.ok()) return within;
      Activation seat = claim.enrolment;
      seat.license_id = claim.license_id;
      seat.state = ActivationState::active;
      seat.activated_at = seat.last_seen_at = claim.now;
      seat.request_nonce = claim.nonce;
      Status inserted = insert_activation(db, seat, claim.machine_keys);
      if (!inserted.ok()) return inserted;
      Status started = start_seat_history(db, seat.id, claim.receipt_hash);
      if (!started.ok()) return started;
      Status counted = change_seats_used(db, seat.license_id, +1);
      if (!counted.ok()) return counted;
      nlohmann::json created = audit_view(seat);
      if (held->own) {
        Status taken = take_held_seat(db, *held->own, seat.id);
        if (!taken.ok()) return taken;
        created.emplace("transferred_from", held->own->from_activation_id);
      }
      Status recorded = record_change(db, device, "activation.create", seat.id, nullptr, created);
      if (!recorded.ok()) return recorded;
      outcome.granted = true;
      outcome.used += 1;
      outcome.license.seats_used = outcome.used;
      outcome.activation = std::move(seat);
      return {};
    });
    if (limit_reached) {
      outcome.granted = false;
      return outcome;
    }
    if (!written.ok()) return written.error();
    return outcome;
  }

  Result<CheckInOutcome> check_in(const CheckIn& check_in) override {
    CheckInOutcome outcome;
    std::optional<Error> refused_as_copy;
    Status written = writes_.run([&](Connection& db) -> Status {
      refused_as_copy.reset();
      Status fresh = insert_nonce(db, check_in.nonce, check_in.now);
      if (!fresh.ok()) return fresh;
      auto seat = select_activation(db, check_in.activation_id);
      if (!seat.ok()) return seat.error();
      if (seat->device_public_key != check_in.device_public_key) return other_device(*seat);
      if (seat->state == ActivationState::transferred) return transferred_away(db, *seat);
      if (seat->state != ActivationState::active) {
        Status user = refuse_disabled_user(db, *seat);
        if (!user.ok()) return user;
        return seat_not_active(*seat);
      }
      auto license = select_license(db, seat->license_id);
      if (!license.ok()) return license.error();
      if (check_in.admit) {
        Status admitted = check_in.admit(*license);
        if (!admitted.ok()) return admitted;
      }
      Status followed = follow_seat_history(db, check_in, *seat);
      if (followed.code() == ErrorCode::cloned) {
        // Committed, not rolled back: the mark stays and the request's nonce
        // is spent, so the copy cannot try the same request again.
        refused_as_copy = followed.error();
        return {};
      }
      if (!followed.ok()) return followed;
      seat->last_seen_at = check_in.now;
      seat->request_nonce = check_in.nonce;
      Status updated = update_activation(db, *seat);
      if (!updated.ok()) return updated;
      outcome = CheckInOutcome{std::move(*seat), std::move(*license)};
      return {};
    });
    if (!written.ok()) return written.error();
    if (refused_as_copy) return *refused_as_copy;
    return outcome;
  }

  Result<Activation> release_seat(const SeatRelease& release) override {
    Activation released;
    Status written = writes_.run([&](Connection& db) -> Status {
      Status fresh = insert_nonce(db, release.nonce, release.now);
      if (!fresh.ok()) return fresh;
      auto seat = select_activation(db, release.activation_id);
      if (!seat.ok()) return seat.error();
      if (seat->device_public_key != release.device_public_key) return other_device(*seat);
      if (seat->state != ActivationState::active) {
        return make_error(ErrorCode::conflict, "activation " + seat->id + " is already " +
                                                   std::string(name_of(seat->state)) +
                                                   "; its seat is free");
      }
      seat->last_seen_at = release.now;
      Status ended = end_seat(db, *seat, ActivationState::deactivated);
      if (!ended.ok()) return ended;
      Status recorded = record_change(
          db, {std::string(kDeviceActor), release.now}, "activation.deactivate", seat->id,
          {{"status", name_of(ActivationState::active)}}, {{"status", name_of(seat->state)}});
      if (!recorded.ok()) return recorded;
      released = std::move(*seat);
      return {};
    });
    if (!written.ok()) return written.error();
    return released;
  }

  Result<Activation> reset_seat(const SeatReset& reset) override {
    return written<Activation>([&](Connection& db) { return write_seat_reset(db, reset); });
  }

  Result<Activation> activation(std::string_view id) override {
    return readers_.run<Activation>([&](Connection& db) { return select_activation(db, id); });
  }

  Result<SeatTransfer> transfer_seat(const SeatTransferOrder& order) override {
    return written<SeatTransfer>([&](Connection& db) { return write_seat_transfer(db, order); });
  }

  Result<ActivationPage> activation_page(std::string_view license_id,
                                         const ActivationPageRequest& page) override {
    return readers_.run<ActivationPage>([&](Connection& db) -> Result<ActivationPage> {
      auto read = select_activation_page(db, license_id, page);
      if (!read.ok()) return read.error();
      Status attached = attach_transfers(db, read->activations);
      if (!attached.ok()) return attached.error();
      return read;
    });
  }

  Result<Activation> seat_answering(std::string_view license_id, std::string_view nonce) override {
    return readers_.run<Activation>(
        [&](Connection& db) { return select_seat_answering(db, license_id, nonce); });
  }

  Result<int> active_seats(std::string_view license_id) override {
    return readers_.run<int>([&](Connection& db) { return count_active_seats(db, license_id); });
  }

  Result<std::vector<std::string>> idle_seats(std::string_view license_id, UnixTime seen_before,
                                              int limit) override {
    return readers_.run<std::vector<std::string>>(
        [&](Connection& db) { return select_idle_seats(db, license_id, seen_before, limit); });
  }

  Result<std::vector<Activation>> reclaim_seats(const SeatReclamation& reclamation) override {
    return written<std::vector<Activation>>(
        [&](Connection& db) { return write_seat_reclamation(db, reclamation); });
  }

  Status add_license_user(const UserAddition& addition) override {
    return writes_.run([&](Connection& db) { return write_user_addition(db, addition); });
  }

  Result<std::vector<LicenseUser>> license_users(std::string_view license_id) override {
    return readers_.run<std::vector<LicenseUser>>(
        [&](Connection& db) { return select_license_users(db, license_id); });
  }

  Result<UserChangeOutcome> change_license_user(const UserChange& change) override {
    // A user who may no longer hold a seat holds no lease either: disabling
    // and removing end theirs in the same transaction.
    const std::optional<SessionEnd> end =
        change.kind == UserChangeKind::disable  ? std::optional(SessionEnd::user_disabled)
        : change.kind == UserChangeKind::remove ? std::optional(SessionEnd::user_removed)
                                                : std::nullopt;
    auto outcome = written<UserChangeOutcome>([&](Connection& db) -> Result<UserChangeOutcome> {
      auto changed = write_user_change(db, change);
      if (!changed.ok() || !end) return changed;
      auto ended =
          leases_.end_user_leases(db, change.license_id, changed->user.email, *end, change.by);
      if (!ended.ok()) return ended.error();
      changed->ended_leases = std::move(*ended);
      return changed;
    });
    if (outcome.ok()) leases_.forget(outcome->ended_leases);
    return outcome;
  }

  Status add_admin_token(const AdminToken& token, const ChangedBy& by) override {
    return writes_.run([&](Connection& db) -> Status {
      Status inserted = insert_admin_token(db, token);
      if (!inserted.ok()) return inserted;
      return record_change(db, by, "token.create", token.id, nullptr, audit_view(token));
    });
  }

  Result<AdminToken> admin_token_by_hash(std::string_view token_hash) override {
    return readers_.run<AdminToken>(
        [&](Connection& db) { return select_admin_token_by_hash(db, token_hash); });
  }

  Result<std::vector<AdminToken>> admin_tokens() override {
    return readers_.run<std::vector<AdminToken>>(
        [&](Connection& db) { return select_admin_tokens(db); });
  }

  Result<AdminToken> revoke_admin_token(const TokenRevocation& revocation) override {
    return written<AdminToken>(
        [&](Connection& db) { return write_token_revocation(db, revocation); });
  }

  Result<int> forget_nonces_before(UnixTime cutoff) override {
    int forgotten = 0;
    Status written = writes_.run([&](Connection& db) -> Status {
      auto deleted = delete_nonces_before(db, cutoff);
      if (!deleted.ok()) return deleted.error();
      forgotten = *deleted;
      return {};
    });
    if (!written.ok()) return written.error();
    return forgotten;
  }

  Result<bool> raise_alert(const Alert& alert, UnixTime not_since) override {
    return written<bool>([&](Connection& db) { return write_alert(db, alert, not_since); });
  }

  Result<std::vector<Alert>> alerts(std::string_view license_id, UnixTime from,
                                    UnixTime to) override {
    return readers_.run<std::vector<Alert>>(
        [&](Connection& db) { return select_alerts(db, license_id, from, to); });
  }

  Status add_webhook(const Webhook& webhook, const ChangedBy& by) override {
    return writes_.run([&](Connection& db) { return write_webhook(db, webhook, by); });
  }

  Result<std::vector<Webhook>> webhooks() override {
    return readers_.run<std::vector<Webhook>>([&](Connection& db) { return select_webhooks(db); });
  }

  Result<Webhook> remove_webhook(std::string_view id, const ChangedBy& by) override {
    return written<Webhook>([&](Connection& db) { return delete_webhook(db, id, by); });
  }

  Result<std::vector<WebhookDelivery>> due_deliveries(UnixTime now, int limit) override {
    return readers_.run<std::vector<WebhookDelivery>>(
        [&](Connection& db) { return select_due_deliveries(db, now, limit); });
  }

  Status record_delivery(const DeliveryAttempt& attempt) override {
    return writes_.run([&](Connection& db) { return write_delivery_attempt(db, attempt); });
  }

  Status append_audit(const AuditEntry& entry) override {
    return writes_.run([&](Connection& db) { return append_audit_entry(db, entry); });
  }

  Result<std::vector<AuditEntry>> audit_entries(UnixTime from, UnixTime to) override {
    return readers_.run<std::vector<AuditEntry>>(
        [&](Connection& db) { return select_audit_entries(db, from, to); });
  }

 private:
  // Runs `write` in the next group and returns what it made once durable.
  template <class T, class Write>
  Result<T> written(Write write) {
    std::optional<T> made;
    Status status = writes_.run([&](Connection& db) -> Status {
      auto result = write(db);
      if (!result.ok()) return result.error();
      made = std::move(*result);
      return {};
    });
    if (!status.ok()) return status.error();
    return std::move(*made);
  }

  ReaderPool readers_;
  GroupCommit writes_;
  SqliteLeaseStore leases_;
  Checkpointer checkpointer_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  auto writer = Connection::open(path, true);
  if (!writer.ok()) return writer.error();
  Status migrated = migrate(*writer);
  if (!migrated.ok()) return migrated.error();
  Status tuned = writer->execute(kWriterSettings);
  if (!tuned.ok()) return tuned.error();
  auto checkpointer = Connection::open(path, false);
  if (!checkpointer.ok()) return checkpointer.error();
  auto store = std::make_unique<SqliteStore>(path, std::move(*writer), std::move(*checkpointer));
  Status loaded = store->load_leases();
  if (!loaded.ok()) return loaded.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace nodelock::server::sqlite
