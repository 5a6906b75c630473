// The license server's durable state, behind one interface.
//
// A Store keeps products, licenses, activations (seats), the nonces of signed
// requests already seen, admin tokens, alerts and the audit log
// (store_records.h). It knows nothing of HTTP or of the licensing rules: the
// service layer passes the rules a write must decide inside its transaction
// as functions (store_writes.h). A refusal the store decides itself (a seat
// that ended, or that another device key holds) comes back as a stable code
// with the seat it concerns (SeatRefusal), which the service puts in words
// for people.
//
// Promises every implementation keeps (tests/server/store_contract_test.cpp
// holds each backend to them):
//   - A write returns only after its transaction is durable: an acknowledged
//     activation survives kill -9 and power loss.
//   - Seat limits hold under concurrent transactions from any number of
//     threads, processes or server instances sharing the database, because the
//     claim re-reads the seats under the database's write lock (BEGIN IMMEDIATE
//     on SQLite, SELECT ... FOR UPDATE on PostgreSQL), never under a mutex of
//     one process.
//   - A write that fails changes nothing.
//   - Every change is recorded in the audit log in the transaction that makes
//     it, so there is no change without its entry and no entry without its
//     change.
//   - Secrets are never stored: license keys and admin tokens arrive hashed.
//
// Every method may be called from many threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/audit/audit_chain.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/store_records.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server {

class LeaseStore;

class Store {
 public:
  virtual ~Store() = default;

  // The floating leases, kept in the same database (lease_store.h).
  virtual LeaseStore& leases() = 0;

  // already_exists when the id is taken.
  virtual Status add_product(const Product& product, const ChangedBy& by) = 0;
  // not_found when there is no such product.
  virtual Result<Product> product(std::string_view id) = 0;
  virtual Result<std::vector<Product>> products() = 0;

  // not_found when the product does not exist; already_exists for a used id or key hash.
  virtual Status add_license(const License& license, const ChangedBy& by) = 0;
  // All of `import` in one transaction, each license and user with its audit
  // entry, or nothing: not_found (a product), already_exists (an id or key hash).
  virtual Status import_licenses(const LicenseImport& import) = 0;
  virtual Result<License> license(std::string_view id) = 0;
  virtual Result<License> license_by_key_hash(std::string_view key_hash) = 0;
  // All licenses, or those of one product when `product_id` is not empty.
  virtual Result<std::vector<License>> licenses(std::string_view product_id) = 0;
  virtual Result<License> set_license_state(std::string_view id, LicenseState state,
                                            const ChangedBy& by) = 0;
  // The license as changed. Errors: not_found, or whatever `admit` returns.
  virtual Result<License> set_limit(const LimitChange& change) = 0;
  // The license as changed. Errors: not_found, or whatever `admit` returns.
  virtual Result<License> set_reclaim_policy(const ReclaimPolicyChange& change) = 0;

  // Grants the machine its existing seat or a new one, in one transaction that
  // re-reads the seats under the write lock. Seats held for machines they were
  // transferred to count as used, except the one held for this machine, which
  // it takes whatever the limit; on a full license the outcome is not
  // granted, with the seats used and held. The user the enrolment names is
  // judged by `admit_user` and `admit_user_seat`, counted in the same
  // transaction. Errors: replayed (nonce seen), not_found (license), or
  // whatever a rule returns; nothing changes on error.
  virtual Result<SeatClaimOutcome> claim_seat(const SeatClaim& claim) = 0;
  // Errors: replayed, not_found, a SeatRefusal (another device key, a seat
  // that ended or whose user was disabled), or whatever `admit` or
  // `follow_history` return.
  virtual Result<CheckInOutcome> check_in(const CheckIn& check_in) = 0;
  // Errors: replayed, not_found, a SeatRefusal (machine_mismatch, conflict).
  virtual Result<Activation> release_seat(const SeatRelease& release) = 0;
  // The seat as reset or released. Errors: not_found (also a seat of another
  // license than `reset.license_id`), a SeatRefusal (conflict: the seat is not
  // active), or whatever `admit` returns; nothing changes on error.
  virtual Result<Activation> reset_seat(const SeatReset& reset) = 0;
  // The transfer as made. Errors: not_found, a SeatRefusal (conflict: the
  // seat is not active), or whatever `admit` returns; nothing changes on
  // error.
  virtual Result<SeatTransfer> transfer_seat(const SeatTransferOrder& order) = 0;
  virtual Result<Activation> activation(std::string_view id) = 0;
  // invalid_argument when page.after names no activation of the license.
  virtual Result<ActivationPage> activation_page(std::string_view license_id,
                                                 const ActivationPageRequest& page) = 0;
  // The active seat of the license that the request with `nonce` last
  // enrolled or renewed; not_found when there is none.
  virtual Result<Activation> seat_answering(std::string_view license_id,
                                            std::string_view nonce) = 0;
  virtual Result<int> active_seats(std::string_view license_id) = 0;
  // The ids of at most `limit` active online seats of the license last seen
  // before `seen_before`, oldest check-in first; read without the write lock.
  virtual Result<std::vector<std::string>> idle_seats(std::string_view license_id,
                                                      UnixTime seen_before, int limit) = 0;
  // Frees the seats of `reclamation` that are still idle, in one transaction,
  // each with an `activation.reclaim` audit entry by the server; returns those
  // freed (none when the license is gone, inactive or has no threshold).
  virtual Result<std::vector<Activation>> reclaim_seats(const SeatReclamation& reclamation) = 0;

  // Errors: not_found (license), already_exists (the user), or whatever a
  // rule returns.
  virtual Status add_license_user(const UserAddition& addition) = 0;
  // The license's users, oldest first, each with its active seats counted.
  virtual Result<std::vector<LicenseUser>> license_users(std::string_view license_id) = 0;
  // Disabling or removing a user also ends every floating lease they hold.
  // Errors: not_found (license or user), or whatever a rule returns; nothing
  // changes on error.
  virtual Result<UserChangeOutcome> change_license_user(const UserChange& change) = 0;

  virtual Status add_admin_token(const AdminToken& token, const ChangedBy& by) = 0;
  // not_found when no token has this hash.
  virtual Result<AdminToken> admin_token_by_hash(std::string_view token_hash) = 0;
  // Every admin token, oldest first.
  virtual Result<std::vector<AdminToken>> admin_tokens() = 0;
  // The token as it was. Errors: not_found, or whatever `admit` returns.
  virtual Result<AdminToken> revoke_admin_token(const TokenRevocation& revocation) = 0;

  // Forgets nonces seen before `cutoff`; requests that old are refused by their
  // age, so their nonces need no memory. Returns how many were forgotten.
  virtual Result<int> forget_nonces_before(UnixTime cutoff) = 0;

  // Records `alert` unless an alert of its license, kind and scope was raised
  // at or after `not_since`, and queues one delivery to every webhook in the
  // same transaction. True when it was recorded.
  virtual Result<bool> raise_alert(const Alert& alert, UnixTime not_since) = 0;
  // The alerts raised from `from` up to and including `to`, of one license
  // when `license_id` is not empty, oldest first.
  virtual Result<std::vector<Alert>> alerts(std::string_view license_id, UnixTime from,
                                            UnixTime to) = 0;
  virtual Status add_webhook(const Webhook& webhook, const ChangedBy& by) = 0;
  virtual Result<std::vector<Webhook>> webhooks() = 0;
  // The webhook as it was; its pending deliveries are dropped. not_found.
  virtual Result<Webhook> remove_webhook(std::string_view id, const ChangedBy& by) = 0;
  // The webhook's oldest pending delivery when it is due at `now`; none when
  // nothing is pending or the oldest waits for its next attempt (the later
  // ones wait behind it: a receiver gets its alerts in the order raised).
  virtual Result<std::optional<WebhookDelivery>> next_due_delivery(std::string_view webhook_id,
                                                                   UnixTime now) = 0;
  virtual Status record_delivery(const DeliveryAttempt& attempt) = 0;

  // Appends an entry that records an event rather than a change of other
  // state (a refused admin token); its sequence and hashes are ignored.
  virtual Status append_audit(const AuditEntry& entry) = 0;
  // The entries made from `from` up to and including `to`, oldest first.
  virtual Result<std::vector<AuditEntry>> audit_entries(UnixTime from, UnixTime to) = 0;
};

// The not_found every backend answers for a record it has no row for, so a
// caller reads the same words whichever backend keeps the data:
// "no activation 'act_…'".
Error no_such_record(std::string_view kind, std::string_view id);

// Opens (creating or upgrading it when needed) the store at `url`:
// "sqlite:PATH" for the embedded SQLite store. Errors: invalid_argument for an
// unknown scheme, conflict for a database written by a newer build, io_error
// when the database cannot be opened.
Result<std::unique_ptr<Store>> open_store(std::string_view url);

}  // namespace nodelock::server
