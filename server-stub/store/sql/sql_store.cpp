#include "sql_store.h"

#include <optional>
#include <vector>

#include "../audit_views.h"
#include "alert_writes.h"
#include "audit_records.h"
#include "license_import_writes.h"
#include "license_user_writes.h"
#include "reader_pool.h"
#include "reclaim_writes.h"
#include "records.h"
#include "seat_claims.h"
#include "seat_history.h"
#include "seat_refusals.h"
#include "seat_transfers.h"
#include "sql_lease_store.h"
#include "support_writes.h"

namespace nodelock::server::sql {

namespace {

// The store on any SQL database: its records and writes are the same on
// each, its connections and writer the database's own.
class SqlStore final : public Store {
 public:
  SqlStore(ReaderPool::Open open_reader, std::unique_ptr<Writer> writer)
      : readers_(std::move(open_reader)), writer_(std::move(writer)), leases_(readers_, *writer_) {}

  Status load_leases() { return leases_.load(); }

  LeaseStore& leases() override { return leases_; }

  Status add_product(const Product& product, const ChangedBy& by) override {
    return writer_->run([&](Connection& db) -> Status {
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
    return writer_->run([&](Connection& db) -> Status {
      auto product = select_product(db, license.product_id);
      if (!product.ok()) return product.error();
      Status inserted = insert_license(db, license);
      if (!inserted.ok()) return inserted;
      return record_change(db, by, "license.create", license.id, nullptr, audit_view(license));
    });
  }

  Status import_licenses(const LicenseImport& import) override {
    return writer_->run([&](Connection& db) { return write_license_import(db, import); });
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
    Status written = writer_->run([&](Connection& db) -> Status {
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
    Status written = writer_->run([&](Connection& db) -> Status {
      outcome = SeatClaimOutcome{};
      limit_reached = false;
      return write_seat_claim(db, claim, outcome, limit_reached);
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
    Status written = writer_->run([&](Connection& db) -> Status {
      refused_as_copy.reset();
      Status fresh = insert_nonce(db, check_in.nonce, check_in.now);
      if (!fresh.ok()) return fresh;
      auto seat = select_activation(db, check_in.activation_id);
      if (!seat.ok()) return seat.error();
      if (seat->device_public_key != check_in.device_public_key) {
        return refuse_seat(check_in.refusal, ErrorCode::machine_mismatch, std::move(*seat));
      }
      if (seat->state != ActivationState::active) {
        return refuse_ended_seat(db, check_in.refusal, std::move(*seat));
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
    Status written = writer_->run([&](Connection& db) -> Status {
      Status fresh = insert_nonce(db, release.nonce, release.now);
      if (!fresh.ok()) return fresh;
      auto seat = select_activation(db, release.activation_id);
      if (!seat.ok()) return seat.error();
      if (seat->device_public_key != release.device_public_key) {
        return refuse_seat(release.refusal, ErrorCode::machine_mismatch, std::move(*seat));
      }
      if (seat->state != ActivationState::active) {
        return refuse_seat(release.refusal, ErrorCode::conflict, std::move(*seat));
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
    return writer_->run([&](Connection& db) { return write_user_addition(db, addition); });
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
    return writer_->run([&](Connection& db) -> Status {
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
    Status written = writer_->run([&](Connection& db) -> Status {
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
    return writer_->run([&](Connection& db) { return write_webhook(db, webhook, by); });
  }

  Result<std::vector<Webhook>> webhooks() override {
    return readers_.run<std::vector<Webhook>>([&](Connection& db) { return select_webhooks(db); });
  }

  Result<Webhook> remove_webhook(std::string_view id, const ChangedBy& by) override {
    return written<Webhook>([&](Connection& db) { return delete_webhook(db, id, by); });
  }

  Result<std::optional<WebhookDelivery>> next_due_delivery(std::string_view webhook_id,
                                                           UnixTime now) override {
    return readers_.run<std::optional<WebhookDelivery>>(
        [&](Connection& db) { return select_next_due_delivery(db, webhook_id, now); });
  }

  Status record_delivery(const DeliveryAttempt& attempt) override {
    return writer_->run([&](Connection& db) { return write_delivery_attempt(db, attempt); });
  }

  Status append_audit(const AuditEntry& entry) override {
    return writer_->run([&](Connection& db) { return append_audit_entry(db, entry); });
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
    Status status = writer_->run([&](Connection& db) -> Status {
      auto result = write(db);
      if (!result.ok()) return result.error();
      made = std::move(*result);
      return {};
    });
    if (!status.ok()) return status.error();
    return std::move(*made);
  }

  ReaderPool readers_;
  std::unique_ptr<Writer> writer_;
  SqlLeaseStore leases_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sql_store(ReaderPool::Open open_reader,
                                              std::unique_ptr<Writer> writer) {
  auto store = std::make_unique<SqlStore>(std::move(open_reader), std::move(writer));
  Status loaded = store->load_leases();
  if (!loaded.ok()) return loaded.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace nodelock::server::sql
