// The writes a Store makes, each a request naming who makes it and the rules
// to apply inside its transaction, and what the writes that decide something
// report back.
//
// A rule the store must decide under its write lock (which license states
// admit a seat, how many resets a license allows) arrives here as a function
// that the store runs on the rows as they are inside the transaction; an
// error it returns refuses the write, which then changes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

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

// The license user a seat claim or a lease check-out names, as read inside
// its transaction, for the service's rules on license users to judge.
struct ClaimingUser {
  std::string email;                // as the request names it; empty: none
  bool license_has_users = false;   // once a license has users, every claim must name one
  std::optional<LicenseUser> user;  // the named user, seats counted; none: not on the license
};

// Run inside a claim's transaction on the license and the user it names; an
// error refuses the claim.
using UserAdmit = std::function<Status(const License& license, const ClaimingUser& user)>;

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
  // Run before the machine's own seat is given back, so a refused user's
  // machine gets nothing.
  UserAdmit admit_user;
  // Run when the claim takes a new seat for the user it names (the machine
  // held none), on the user as counted before this seat.
  std::function<Status(const License& license, const LicenseUser& user)> admit_user_seat;
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

// A seat a write refused, as the store found it: `code` is the refusal
// (machine_mismatch: the request is signed by another device key; for a seat
// no longer active, the way it ended: not_activated, seat_reset,
// seat_reclaimed, seat_released, seat_transferred, revoked; user_disabled: the
// seat's user is disabled; conflict: the write needs an active seat). A
// transferred seat comes with its transferred_to.
struct SeatRefusal {
  ErrorCode code = ErrorCode::conflict;
  Activation seat;
};

// The message people read for a refusal; the store returns it with the
// refusal's code. Empty: the message is the code's name.
using SeatRefusalWording = std::function<std::string(const SeatRefusal& refusal)>;

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
  SeatRefusalWording refusal;
};

struct CheckInOutcome {
  Activation activation;
  License license;
};

// A rule's yes to a seat reset or transfer: the limits of the license that an
// admin's --override set aside for it, by field name ("max_resets_per_year"),
// which the change's audit entry records with who overrode them; none when the
// change was within every limit.
struct Admission {
  std::vector<std::string> overridden_limits;
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
  std::function<Result<Admission>(const License& license, const std::vector<UnixTime>& freed)>
      admit;
  SeatRefusalWording refusal;
};

// An active seat a transfer would move, as read inside its transaction with
// what the new machine already has on the license, for the service's rules
// on transfers to judge.
struct TransferringSeat {
  Activation seat;
  License license;
  std::optional<std::string> seated;   // the new machine's active seat on the license, by id
  std::optional<SeatTransfer> held;    // a seat already held for the new machine
  std::vector<UnixTime> transfers;     // the license's transfers since counted_since, oldest first
  std::optional<UnixTime> arrived_at;  // when the seat arrived by a transfer; none: it did not
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
  UnixTime counted_since = 0;
  // Run inside the transaction on the active seat; an error refuses the
  // transfer.
  std::function<Result<Admission>(const TransferringSeat& transfer)> admit;
  // Words the conflict of a seat no longer active (a transferred one comes
  // with its transferred_to).
  SeatRefusalWording refusal;
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
// user. Disabling and removing free all the user's seats and end all their
// floating leases in the same transaction, each with its audit entry.
// Reserving runs `admit_reservation` too.
enum class UserChangeKind { remove, disable, enable, reserve, unreserve };

struct UserChange {
  std::string license_id;
  std::string email;
  UserChangeKind kind = UserChangeKind::disable;
  ChangedBy by;
  // Run inside the transaction on the user as it is then, seats counted; an
  // error refuses the change.
  std::function<Status(const LicenseUser& user)> admit;
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
  SeatRefusalWording refusal;
};

// The outcome of one delivery attempt.
struct DeliveryAttempt {
  std::int64_t delivery_id = 0;
  DeliveryState state = DeliveryState::pending;  // pending: try again at next_attempt_at
  UnixTime next_attempt_at = 0;
  std::string error;  // why it failed; empty when delivered
};

}  // namespace nodelock::server
