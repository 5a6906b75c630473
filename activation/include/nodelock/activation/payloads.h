// The payloads of nodelock's signed documents, as typed values.
//
// One definition of each document's fields, shared by the client, the server and
// the offline tools: to_payload() gives the JSON that is signed, *_from_payload()
// reads a verified payload strictly (a missing, extra or mistyped field is
// malformed). docs/FORMATS.md describes the same fields for other implementers.
// Times are unix seconds; binary values travel as base64.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"
#include "nodelock/dongle/binding.h"
#include "nodelock/fingerprint/fingerprint.h"
#include "nodelock/fingerprint/policy.h"

namespace nodelock {

enum class SeatModel { node_locked, floating, site };
enum class Term { perpetual, subscription, trial };
enum class RequestPurpose { activate, refresh };
// What one floating seat is counted by: a person (on any number of machines
// and clients), a machine, or a project (one seat per project in use).
enum class SeatScope { user, device, project };

std::string_view seat_model_name(SeatModel model);  // "node-locked", "floating", "site"
std::string_view term_name(Term term);              // "perpetual", "subscription", "trial"
std::optional<SeatModel> seat_model_from_name(std::string_view name);
std::optional<Term> term_from_name(std::string_view name);
std::string_view seat_scope_name(SeatScope scope);  // "user", "device", "project"
std::optional<SeatScope> seat_scope_from_name(std::string_view name);

// What a machine remembers of its check-ins, carried inside its signed refresh
// so the server can tell the machine from a copy of its disk or VM image: a
// copy holds the same device key and license, but only one of the two can hold
// the server's latest receipt.
struct CheckInHistory {
  // This check-in's number: one more than the number the server gave with
  // `receipt`.
  std::int64_t counter = 0;
  std::string receipt;  // the last receipt the server gave (base64 of 16 bytes)
  // The nonce of a check-in sent after `receipt` whose answer never arrived;
  // the server may have accepted it, and then answers this one too.
  std::optional<std::string> unanswered;
};

// ACTIVATION REQUEST, signed by the device key it carries. The same document
// serves a first activation and a check-in (purpose refresh, naming the
// activation), online or carried by hand from an air-gapped machine.
struct ActivationRequest {
  RequestPurpose purpose = RequestPurpose::activate;
  std::string key;  // the license key, canonical dashed form
  std::string product;
  fingerprint::Fingerprint fingerprint;
  std::string machine_id;
  crypto::PublicKey device_public_key;
  std::string nonce;  // base64 of 16 random bytes; the server accepts each once
  std::int64_t created_at = 0;
  std::string client_version;
  std::string hostname;
  std::optional<std::string> activation_id;  // present when purpose is refresh
  // The dongle to bind the license to (`nodelock activate --dongle`); a refresh
  // carries the binding of the license it renews.
  std::optional<dongle::DongleBinding> dongle;
  // The license user the machine is activated for (`nodelock activate --user`),
  // in the normal form of license_user_email().
  std::optional<std::string> user;
  // Online refreshes of a machine that kept its check-in history; absent in
  // first activations, in requests carried by hand, and from older clients.
  std::optional<CheckInHistory> history;
};

// LICENSE, signed by the vendor key: what the machine may run, bound to its
// fingerprint and device key.
struct License {
  std::string license_id;
  std::string activation_id;
  std::string product;
  std::string licensee;
  SeatModel model = SeatModel::node_locked;
  Term term = Term::perpetual;
  std::vector<std::string> features;
  std::int64_t issued_at = 0;
  std::int64_t refresh_by = 0;  // check in with the server before this time
  std::optional<std::int64_t> expires_at;
  std::int64_t grace_days = 0;              // days after expires_at and refresh_by still accepted
  std::optional<std::int64_t> max_version;  // highest major version covered
  std::optional<std::int64_t> maintenance_end;  // builds released before it run
  fingerprint::Fingerprint fingerprint;
  fingerprint::MatchPolicy match_policy;
  std::string machine_id;
  crypto::PublicKey device_public_key;
  std::string request_nonce;  // the nonce of the request this license answers
  // Present: the license is valid only while this dongle proves itself
  // (binding.h), and the dongle counts as the `dongle` kind of the match policy
  // (bound_dongle.h).
  std::optional<dongle::DongleBinding> dongle;
};

// DEACTIVATION RECEIPT, signed by the device key after the local license and
// key were destroyed.
struct DeactivationReceipt {
  std::string activation_id;
  std::string license_id;
  std::string product;
  std::string machine_id;
  crypto::PublicKey device_public_key;
  std::string nonce;
  std::int64_t created_at = 0;
};

// SITE LICENSE, signed by the vendor key: a site license for air-gapped
// machines, bound to a site id instead of a fingerprint. Any machine whose
// configuration presents that site id may run it; it never checks in.
struct SiteLicense {
  std::string license_id;
  std::string product;
  std::string licensee;
  std::string site_id;  // is_identifier()
  Term term = Term::perpetual;
  std::vector<std::string> features;
  std::int64_t issued_at = 0;
  std::optional<std::int64_t> expires_at;
  std::int64_t grace_days = 0;
  std::optional<std::int64_t> max_version;
  std::optional<std::int64_t> maintenance_end;
};

// Identifiers people type and scripts pass around (product ids, feature
// names, site ids): 1-64 of a-z, 0-9, '-', '_' and '.', not starting with '-'
// or '.', e.g. "acme-hq". Compared exactly.
bool is_identifier(std::string_view text);

// What a LEASE REQUEST that borrows the seat for offline use adds: the days
// asked for, and the machine's fingerprint, which the BORROW is bound to so
// the Verifier can recognise the machine with no server to ask.
struct BorrowAsked {
  std::int64_t days = 0;
  fingerprint::Fingerprint fingerprint;
};

// LEASE REQUEST, signed by the device key it carries: a floating seat asked
// for by one client on one machine, held online with heartbeats or, with
// `borrow`, taken offline.
struct LeaseRequest {
  std::string key;  // the license key, canonical dashed form
  std::string product;
  std::string machine_id;
  crypto::PublicKey device_public_key;
  std::string hostname;
  std::optional<std::string> user;     // normal form of license_user_email()
  std::optional<std::string> project;  // the project the client works on
  std::string nonce;                   // base64 of 16 random bytes; accepted once
  std::int64_t created_at = 0;
  std::string client_version;
  std::optional<BorrowAsked> borrow;  // present: answered with a BORROW, not a LEASE
};

// LEASE, signed by the vendor key: a floating seat held until `expires_at`
// unless renewed by heartbeats (authenticated with the lease's own secret,
// which travels beside the document, never inside it).
struct Lease {
  std::string lease_id;
  std::string license_id;
  std::string product;
  std::string licensee;
  std::vector<std::string> features;
  SeatScope scope = SeatScope::device;
  std::string seat;  // what the seat is counted by: the user, machine ID or project
  std::optional<std::string> user;
  std::optional<std::string> project;
  std::string machine_id;
  crypto::PublicKey device_public_key;
  std::string request_nonce;  // the nonce of the request this lease answers
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t heartbeat_seconds = 0;  // renew this often
  bool overage = false;                // held on a grace seat, beyond the license's seats
};

// BORROW, signed by the vendor key: a floating seat taken offline until
// `expires_at`. Bound like a LICENSE to the machine's fingerprint and device
// key; it needs no heartbeat, and the Verifier accepts it offline until it
// expires. Its seat stays held on the server until then or until returned.
struct Borrow {
  std::string lease_id;
  std::string license_id;
  std::string product;
  std::string licensee;
  std::vector<std::string> features;
  SeatScope scope = SeatScope::device;
  std::string seat;
  std::optional<std::string> user;
  std::optional<std::string> project;
  fingerprint::Fingerprint fingerprint;
  fingerprint::MatchPolicy match_policy;
  std::string machine_id;
  crypto::PublicKey device_public_key;
  std::string request_nonce;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

nlohmann::json to_payload(const ActivationRequest& request);
nlohmann::json to_payload(const License& license);
nlohmann::json to_payload(const DeactivationReceipt& receipt);
nlohmann::json to_payload(const SiteLicense& license);
nlohmann::json to_payload(const LeaseRequest& request);
nlohmann::json to_payload(const Lease& lease);
nlohmann::json to_payload(const Borrow& borrow);

Result<ActivationRequest> activation_request_from_payload(const nlohmann::json& payload);
Result<License> license_from_payload(const nlohmann::json& payload);
Result<DeactivationReceipt> deactivation_receipt_from_payload(const nlohmann::json& payload);
// Also malformed for a site_id that is not is_identifier().
Result<SiteLicense> site_license_from_payload(const nlohmann::json& payload);

Result<LeaseRequest> lease_request_from_payload(const nlohmann::json& payload);
Result<Lease> lease_from_payload(const nlohmann::json& payload);
Result<Borrow> borrow_from_payload(const nlohmann::json& payload);

// What a lease's heartbeats, its release and the return of a borrowed seat
// prove: HMAC-SHA256 under the lease's secret (handed out at check-out or
// borrow) over the call, the lease id and a sequence that rises with every
// call, so a recorded call cannot be replayed and a heartbeat cannot be
// passed off as a release.
enum class LeaseCall { heartbeat, release, return_borrow };
crypto::Digest lease_call_mac(crypto::ByteView secret, LeaseCall call, std::string_view lease_id,
                              std::int64_t sequence);

// A license user's e-mail address as typed, in its one normal form (lower
// case, no surrounding space), so "Anna@Example.com" and "anna@example.com"
// are the same user. invalid_argument when it is not an address.
[[nodiscard]] Result<std::string> license_user_email(std::string_view typed);

// A fresh nonce: base64 of 16 random bytes.
std::string make_nonce();

}  // namespace nodelock
