// The license server's durable state, behind one interface.
//
// A Store keeps products, licenses, activations (seats), the nonces of signed
// requests already seen, and admin tokens. It knows nothing of HTTP or of the
// activation rules: the service layer passes the rules it needs inside a write
// (which license states admit a seat, which seat belongs to the requesting
// machine) as functions that the store runs inside the write's transaction.
//
// Promises every implementation keeps:
//   - A write returns only after its transaction is durable: an acknowledged
//     activation survives kill -9 and power loss.
//   - Seat limits hold under concurrent transactions from any number of
//     threads, processes or server instances sharing the database, because the
//     claim re-reads the seats under the database's write lock (BEGIN IMMEDIATE
//     on SQLite, SELECT ... FOR UPDATE on PostgreSQL), never under a mutex of
//     one process.
//   - A write that fails changes nothing.
//   - Secrets are never stored: license keys and admin tokens arrive hashed.
//
//   - Every change is recorded in the audit log in the transaction that makes
//     it, so there is no change without its entry and no entry without its
//     change.
//
// Every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/activation/payloads.h"
#include "nodelock/audit/audit_chain.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/site_constraint.h"

namespace nodelock::server {

using UnixTime = std::int64_t;  // seconds since 1970-01-01 UTC

struct Product {
  std::string id;  // chosen by the vendor, e.g. "acme-cad"
  std::string name;
  UnixTime created_at = 0;
};

// Seat models and terms (SeatModel, Term) are those the signed documents carry.
enum class LicenseState { active, suspended, revoked };

struct License {
  std::string id;
  std::string product_id;
  std::string key_hash;   // keyed hash of the canonical key text; the key itself is never kept
  std::string key_last5;  // the key's last group, for people to recognise it
  SeatModel model = SeatModel::node_locked;
  std::string licensee;
  int max_activations = 1;
  Term term = Term::perpetual;
  std::optional<UnixTime> expires_at;  // subscriptions; trials once first activated
  int trial_days = 0;
  int grace_days = 0;
  int refresh_days = 30;
  std::vector<std::string> features;
  std::optional<int> max_version;  // highest covered major version
  std::optional<UnixTime> maintenance_end;
  std::optional<int>
      max_resets_per_year;  // seats support may reset in any 365 days; none: no limit
  std::optional<int> max_transfers_per_year;  // seats support may transfer in any 365 days
  int transfer_cooldown_days = 0;  // a seat transferred this recently is not transferred again
  // Seats the license holder may release by self-service in any 30 days, with
  // the license key alone; 0: none, support resets them.
  int self_service_releases_per_month = 0;
  LicenseState state = LicenseState::active;
  std::string match_policy;  // MatchPolicy JSON; empty means the standard policy
  UnixTime created_at = 0;
  int seats_used = 0;   // active activations; kept by the store, ignored by add_license
  SiteConstraint site;  // model site only
  // FloatingPolicy JSON (floating_policy.h) of a floating license; empty for
  // the other models. max_activations is then the number of concurrent seats.
  std::string floating_policy;
  // Node-locked licenses: the server frees the seat of a machine that has not
  // checked in for this long (seat_reclaim.h); none: seats are never reclaimed.
  std::optional<std::int64_t> reclaim_after_seconds;
};

// A site license admits any number of machines inside its site; its
// max_activations is 0 and means nothing.
inline bool has_seat_limit(const License& license) { return license.model != SeatModel::site; }

// reset: freed by support; reclaimed: freed by the server because its machine
// stopped checking in; transferred: moved by support to the machine that
// replaced it; released: freed by the license holder by self-service.
enum class ActivationState {
  active,
  deactivated,
  reset,
  revoked,
  reclaimed,
  transferred,
  released
};

// A seat support moved from one machine to another (a replaced machine). The
// seat is held for the new machine until it activates, or until `held_until`:
// after that the seat is free for any machine.
struct SeatTransfer {
  std::string from_activation_id;  // the activation that ended as transferred
  std::string license_id;
  std::string from_machine_id;
  std::string to_machine_id;
  UnixTime transferred_at = 0;
  UnixTime held_until = 0;
  std::string to_activation_id;  // the seat the new machine took; empty until it activates
};

struct Activation {
  std::string id;
  std::string license_id;
  std::string machine_id;         // "NL-" and 16 Crockford symbols in groups of 4
  std::string fingerprint;        // the enrolled fingerprint JSON
  std::string device_public_key;  // base64 of the 32-byte Ed25519 key made at activation
  std::string hostname;
  std::string environment;      // "bare_metal", "virtual_machine", "container"
  std::string mode = "online";  // "online" or "offline"
  ActivationState state = ActivationState::active;
  UnixTime activated_at = 0;
  UnixTime last_seen_at = 0;
  std::string request_nonce;  // nonce of the request that last enrolled this seat
  std::string dongle;         // the DongleBinding JSON the seat is bound to; empty: none
  std::string user;           // the license user the seat was activated for; empty: none
  // When the server found two installations checking in as this seat (a
  // copied disk or VM image); kept for support, who resets the seat.
  std::optional<UnixTime> cloned_at;
  // When the server freed the seat because its machine had not checked in for
  // the license's reclaim threshold.
  std::optional<UnixTime> reclaimed_at;
  // When the license holder released the seat by self-service.
  std::optional<UnixTime> released_at;
  // Filled by Store::activation_page() for support to read: the transfer this
  // seat ended with (state transferred), and the one that brought it here.
  std::optional<SeatTransfer> transferred_to;
  std::optional<SeatTransfer> transferred_from;
};

// A seat's check-in history, against which each online check-in's
// CheckInHistory (payloads.h) is judged. Receipts are kept only as hashes.
struct SeatHistory {
  std::int64_t counter = 0;           // the number of the last check-in accepted
  std::string receipt_hash;           // of the receipt last given; empty: none yet
  std::string previous_receipt_hash;  // of the receipt the last accepted check-in presented
  bool tracked = false;               // the holder has sent its history before
};

// A named person on a license. Once a license has users, every new activation
// must name one of them, and a disabled user's machines are refused.
struct LicenseUser {
  std::string license_id;
  std::string email;                   // normalised by license_user_email()
  std::optional<int> max_activations;  // within the license's; none: only the license's limit
  bool disabled = false;
  // A floating seat kept free for this user (reserved seats, seat_rules.h).
  bool reserved = false;
  UnixTime created_at = 0;
  int seats_used = 0;  // the user's active seats; kept by the store, ignored when adding
};

enum class AdminRole { viewer, support, admin };  // each may do what the ones before it may

struct AdminToken {
  std::string id;
  std::string token_hash;  // hex SHA-256 of the token; the token itself is never kept
  AdminRole role = AdminRole::viewer;
  UnixTime created_at = 0;
};

// Actors that are not admin tokens.
inline constexpr std::string_view kDeviceActor = "device";        // a machine's signed request
inline constexpr std::string_view kAnonymousActor = "anonymous";  // no valid admin token
inline constexpr std::string_view kServerActor = "server";  // nodelock-server itself (init, sweeps)
// Whoever holds a license key and used it for self-service.
inline constexpr std::string_view kLicenseHolderActor = "license_holder";

// Who makes a change, and when: what its audit entry records.
struct ChangedBy {
  std::string actor;
  UnixTime at = 0;
};

// Something the vendor should hear about a license (seats exhausted, expiry
// near), raised by the server and delivered to the webhooks.
struct Alert {
  std::string id;
  std::string license_id;
  std::string kind;   // "seats_exhausted", "grace_in_use", "license_expiring", "high_utilisation"
  std::string scope;  // what repeats of one kind are told apart by: "30", "7", "1" days; or ""
  UnixTime raised_at = 0;
  std::string message;  // for people: what happened and what to do
  std::string details;  // a JSON object with the numbers
};

// Where alerts are posted; the secret that signs them is derived from the
// server's pepper and the id, so no secret is stored.
struct Webhook {
  std::string id;
  std::string url;  // http:// or https://
  UnixTime created_at = 0;
};

enum class DeliveryState { pending, delivered, failed };

// One alert to post to one webhook: the durable outbox row that a restart
// picks up again.
struct WebhookDelivery {
  std::int64_t id = 0;
  Webhook webhook;
  Alert alert;
  int attempts = 0;  // made so far
  UnixTime next_attempt_at = 0;
  DeliveryState state = DeliveryState::pending;
  std::string last_error;
};

// The outcome of one delivery attempt.
struct DeliveryAttempt {
  std::int64_t delivery_id = 0;
  DeliveryState state = DeliveryState::pending;  // pending: try again at next_attempt_at
  UnixTime next_attempt_at = 0;
  std::string error;  // why it failed; empty when delivered
};

// The stable names used in the database and in JSON, and their parsers.
std::string_view name_of(LicenseState state);
std::string_view name_of(ActivationState state);
std::string_view name_of(AdminRole role);
std::optional<LicenseState> license_state_named(std::string_view name);
std::optional<ActivationState> activation_state_named(std::string_view name);
std::optional<AdminRole> admin_role_named(std::string_view name);
std::string_view name_of(DeliveryState state);
std::optional<DeliveryState> delivery_state_named(std::string_view name);

// A request for a seat on a license by one machine.
struct SeatClaim {
  std::string license_id;
  // The seat to create when the machine has none; its id, license_id, state and
  // times are set by the caller. When the machine already holds a seat, that seat
  // keeps its id and takes this enrolment (fingerprint, device key, machine id,
  // hostname, environment, dongle, nonce).
  Activation enrolment;
  // The signed request's nonce, recorded as used in the same transaction.
  std::string nonce;
  UnixTime now = 0;
  // Run inside the transaction on the license as it is then (a trial's expiry
  // already fixed); an error refuses the claim with that error.
  std::function<Status(const License& license)> admit;
  // Opaque keys that identify the machine (its device key, its component
  // hashes). They are kept with the seat, and only the license's active seats
  // sharing at least one key with the claim are shown to same_machine, so a
  // claim costs the same on a license with ten seats or ten thousand.
  std::vector<std::string> machine_keys;
  // True when `seat` belongs to the requesting machine. Run inside the
  // transaction on each candidate seat.
  std::function<bool(const Activation& seat)> same_machine;
  // Whom the audit log names for the seat: the machine itself, or the support
  // token that submitted a request carried from an air-gapped machine.
  std::string actor{kDeviceActor};
  // The hash of the check-in receipt given with the seat: its history starts
  // (again, for a machine re-enrolled) from there.
  std::string receipt_hash;
};

struct SeatClaimOutcome {
  bool granted = false;   // false: every seat is held by other machines; nothing changed
  bool existing = false;  // the machine's own seat was given back, no seat was consumed
  Activation activation;  // the granted seat
  License license;        // as of the claim; a trial's expiry is fixed at its first claim
  int used = 0;           // active seats after the claim
  int held = 0;  // seats held for other machines they were transferred to, which no claim takes
};

// A check-in (refresh) by the machine holding a seat.
struct CheckIn {
  std::string activation_id;
  std::string device_public_key;  // must equal the seat's enrolled key
  std::string nonce;
  UnixTime now = 0;
  std::function<Status(const License& license)> admit;
  // Online check-ins: run inside the transaction on the active seat and its
  // history; returns the history the seat takes on. A `cloned` error marks the
  // seat cloned (once, with its audit entry) and is committed with the nonce,
  // so the copy stays refused. Empty: the history is left as it is (a renewal
  // carried by hand, which carries none).
  std::function<Result<SeatHistory>(const Activation& seat, const SeatHistory& history)>
      follow_history;
};

struct CheckInOutcome {
  Activation activation;
  License license;
};

// Frees a seat at a person's request (a lost, stolen or rebuilt machine):
// support resets it, the license holder releases it by self-service. The seat
// is free at once and its machine's next check-in is refused, naming who.
struct SeatReset {
  std::string activation_id;  // the seat; or, when empty,
  std::string machine_id;     // the active seat of this machine on `license_id`
  ActivationState ended_as = ActivationState::reset;  // reset or released
  // When set, the seat must be on this license: the license holder frees only
  // their own, and of any other seat learns nothing but not_found.
  std::string license_id;
  ChangedBy by;
  // Run inside the transaction on the seat's license and when its seats were
  // freed as `ended_as` since `counted_since`, oldest first; an error refuses.
  UnixTime counted_since = 0;
  std::function<Status(const License& license, const std::vector<UnixTime>& freed)> admit;
};

// Moves a seat to another machine at support's request (a replaced machine):
// the activation ends as transferred, its machine's next check-in is refused
// with seat_transferred, and the seat is held for `to_machine_id` until
// `held_until`. That machine's claim takes it even on a full license; no
// other machine's claim may.
struct SeatTransferOrder {
  std::string activation_id;
  std::string to_machine_id;  // canonical "NL-XXXX-XXXX-XXXX-XXXX"
  UnixTime held_until = 0;
  ChangedBy by;
  // Run inside the transaction on the seat's license, when the license's
  // transfers made at or after `counted_since` were made (oldest first), and
  // when this seat itself arrived by a transfer (none: it did not); an error
  // refuses the transfer.
  UnixTime counted_since = 0;
  std::function<Status(const License& license, const std::vector<UnixTime>& transfers,
                       std::optional<UnixTime> arrived_at)>
      admit;
};

// The limits of a license that people change after creating it.
enum class LicenseLimit {
  max_activations,                  // the machines it admits
  self_service_releases_per_month,  // the seats its holder may release in any 30 days
};

// Sets one limit of a license. Lowering max_activations below the seats in
// use frees none: new machines are refused until enough seats are freed.
struct LimitChange {
  std::string license_id;
  LicenseLimit limit = LicenseLimit::max_activations;
  int value = 1;
  ChangedBy by;
  // Run inside the transaction on the license as it is before the change and
  // every user with a reserved seat on it (disabled ones too), by address.
  std::function<Status(const License& license, const std::vector<std::string>& reserved)> admit;
};

// Withdraws an admin token: it is refused from the moment this returns.
struct TokenRevocation {
  std::string token_id;
  ChangedBy by;
  // Run inside the transaction on the token and the number of admin-role
  // tokens there are before the revocation.
  std::function<Status(const AdminToken& token, int admin_tokens)> admit;
};

// Run inside the transaction that reserves a seat for a user (added reserved,
// or reserved later) on the license and the users already reserved on it; an
// error refuses the change.
using ReservationAdmit =
    std::function<Status(const License& license, const std::vector<std::string>& reserved)>;

// Adds a user to a license. `admit` runs inside the transaction on the license,
// and `admit_reservation` too when the user is added reserved.
struct UserAddition {
  LicenseUser user;
  ChangedBy by;
  std::function<Status(const License& license)> admit;
  ReservationAdmit admit_reservation;
};

// Removes, disables, enables, reserves a seat for or unreserves a license
// user. Disabling frees all the user's seats and ends all their floating
// leases in the same transaction, each with its audit entry; removing with
// `free_seats` frees their seats, and removing without it is refused while
// seats are held. Reserving runs `admit_reservation`; reserving a user already
// reserved, or unreserving one who is not, is a conflict.
enum class UserChangeKind { remove, disable, enable, reserve, unreserve };

struct UserChange {
  std::string license_id;
  std::string email;
  UserChangeKind kind = UserChangeKind::disable;
  bool free_seats = false;  // remove only
  ChangedBy by;
  ReservationAdmit admit_reservation;  // reserve only
};

struct UserChangeOutcome {
  LicenseUser user;  // as changed (as it was, for a removal)
  std::vector<Activation> freed;
  std::vector<std::string> ended_leases;  // ids of the floating leases ended (disabling, removal)
};

// Licenses brought over from another system, with their named users.
struct LicenseImport {
  std::vector<License> licenses;  // complete: ids, key hashes and times set
  std::vector<LicenseUser> users;
  ChangedBy by;
};

// Sets or clears a license's reclaim threshold (License::reclaim_after_seconds).
struct ReclaimPolicyChange {
  std::string license_id;
  std::optional<std::int64_t> reclaim_after_seconds;  // none: never reclaim
  ChangedBy by;
  // Run inside the transaction on the license as it is before the change.
  std::function<Status(const License& license)> admit;
};

// The server freeing the seats of machines that stopped checking in: each of
// `activation_ids` is freed when, inside the write, it is still an active
// online seat of the license (an air-gapped machine never checks in), the
// license is active with a reclaim threshold, and the seat's last check-in is
// more than that threshold before `now`. A seat that
// checked in after the candidates were read is therefore left alone.
struct SeatReclamation {
  std::string license_id;
  std::vector<std::string> activation_ids;
  UnixTime now = 0;
};

// Frees a seat on a deactivation receipt signed by `device_public_key`.
struct SeatRelease {
  std::string activation_id;
  std::string device_public_key;  // must still be the seat's enrolled key
  std::string nonce;
  UnixTime now = 0;
};

// A page of a license's activations, oldest first.
struct ActivationPageRequest {
  std::string after;  // the id of the last activation of the previous page; empty: the first page
  int limit = 100;
  std::optional<ActivationState> state;  // only activations in this state; none: every state
};

struct ActivationPage {
  std::vector<Activation> activations;
  std::optional<std::string> next;  // `after` of the following page; none: this is the last
};

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
  // it takes whatever the limit. On a license with users the
  // enrolment must name one who is on it (forbidden), enabled (user_disabled)
  // and has activations left (activation_limit), counted in the same
  // transaction. Errors: replayed (nonce seen), not_found (license), or
  // whatever `admit` returns; nothing changes on error.
  virtual Result<SeatClaimOutcome> claim_seat(const SeatClaim& claim) = 0;
  // Errors: replayed, not_found, machine_mismatch (another device key),
  // not_activated (the seat was deactivated), seat_reset (reset by support),
  // seat_reclaimed (freed after its machine stopped checking in), revoked,
  // user_disabled (its user was disabled), or whatever `admit` or
  // `follow_history` return.
  virtual Result<CheckInOutcome> check_in(const CheckIn& check_in) = 0;
  // Errors: replayed, not_found, machine_mismatch, conflict (seat not active).
  virtual Result<Activation> release_seat(const SeatRelease& release) = 0;
  // The seat as reset or released. Errors: not_found (also a seat of another
  // license than `reset.license_id`), conflict (seat not active), or whatever
  // `admit` returns; nothing changes on error.
  virtual Result<Activation> reset_seat(const SeatReset& reset) = 0;
  // The transfer as made. Errors: not_found, conflict (the seat is not active,
  // or the new machine already holds a seat of the license or has one held
  // for it), or whatever `admit` returns; nothing changes on error.
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

  // Errors: not_found (license), already_exists, or whatever `admit` returns.
  virtual Status add_license_user(const UserAddition& addition) = 0;
  // The license's users, oldest first, each with its active seats counted.
  virtual Result<std::vector<LicenseUser>> license_users(std::string_view license_id) = 0;
  // Disabling or removing a user also ends every floating lease they hold.
  // Errors: not_found (license or user), conflict (removing a user who holds
  // seats without free_seats); nothing changes on error.
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
  // Pending deliveries due at `now`, oldest first, at most `limit`.
  virtual Result<std::vector<WebhookDelivery>> due_deliveries(UnixTime now, int limit) = 0;
  virtual Status record_delivery(const DeliveryAttempt& attempt) = 0;

  // Appends an entry that records an event rather than a change of other
  // state (a refused admin token); its sequence and hashes are ignored.
  virtual Status append_audit(const AuditEntry& entry) = 0;
  // The entries made from `from` up to and including `to`, oldest first.
  virtual Result<std::vector<AuditEntry>> audit_entries(UnixTime from, UnixTime to) = 0;
};

// The schema version this build writes. A database with a newer version is
// refused (conflict) rather than misread.
inline constexpr int kSchemaVersion = 15;

// Opens (creating and migrating when needed) the store at `url`:
// "sqlite:PATH" for the embedded SQLite store. Errors: invalid_argument for an
// unknown scheme, conflict for a database newer than this build, io_error when
// the file cannot be opened.
Result<std::unique_ptr<Store>> open_store(std::string_view url);

}  // namespace nodelock::server
