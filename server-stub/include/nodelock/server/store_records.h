// What the license server keeps: products, licenses, seats (activations),
// license users, admin tokens, alerts and webhooks, as every store reads and
// writes them. Plain values with no behaviour beyond their stable names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/activation/payloads.h"
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

// The stable names used in the database and in JSON, and their parsers.
std::string_view name_of(LicenseState state);
std::string_view name_of(ActivationState state);
std::string_view name_of(AdminRole role);
std::optional<LicenseState> license_state_named(std::string_view name);
std::optional<ActivationState> activation_state_named(std::string_view name);
std::optional<AdminRole> admin_role_named(std::string_view name);
std::string_view name_of(DeliveryState state);
std::optional<DeliveryState> delivery_state_named(std::string_view name);

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

}  // namespace nodelock::server
