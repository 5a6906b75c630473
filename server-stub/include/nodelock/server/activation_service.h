// The activation service: what the license server decides when a machine asks
// for a license, checks in, or gives its seat back.
//
// It takes the signed documents as they arrived and answers with a signed
// LICENSE or a refusal (an Error with a stable code and a message for people).
// It knows nothing of HTTP: the same calls serve the online API and, later,
// support staff answering an offline request.
//
// Every method may be called from many threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

class UsageLog;

// Keys license key hashes with the server's pepper, so the stored hashes are
// useless without it and a lookup stays one indexed equality.
class LicenseKeyHasher {
 public:
  explicit LicenseKeyHasher(crypto::Bytes pepper);
  ~LicenseKeyHasher();  // wipes the pepper
  LicenseKeyHasher(const LicenseKeyHasher&) = delete;
  LicenseKeyHasher& operator=(const LicenseKeyHasher&) = delete;

  // Hex HMAC-SHA256(pepper, canonical key text).
  std::string hash(std::string_view canonical_key) const;
  // Names the pepper without revealing it (16 hex digits of its HMAC of a
  // fixed text), so an export says which server's key hashes it carries.
  std::string pepper_id() const;

 private:
  crypto::Bytes pepper_;
};

// What the server does once two installations were found checking in as one
// seat (a copied disk or VM image: same device key, forked check-in history).
enum class ClonePolicy {
  refuse_copy,  // refuse the installation whose history forked; the other continues
  refuse_both,  // refuse every check-in of the seat until support resets it
};

std::string_view name_of(ClonePolicy policy);  // "refuse-copy", "refuse-both"
std::optional<ClonePolicy> clone_policy_named(std::string_view name);

// What every service needs; the references must outlive the services.
struct ServiceContext {
  Store& store;
  const crypto::SigningKey& vendor_key;
  const LicenseKeyHasher& key_hasher;
  // Seconds since the epoch; tests move it.
  std::function<UnixTime()> clock;
  // Signed requests are accepted this far from the server's clock, either way.
  UnixTime request_window_seconds = 600;
  // The same for requests carried by hand from an air-gapped machine, which
  // take days, not seconds, to reach the server.
  UnixTime offline_request_window_seconds = 7 * 86400;
  // Where floating sessions are read from (the lease store); none: this
  // server keeps no sessions, and every report is empty.
  UsageLog* usage_log = nullptr;
  ClonePolicy clone_policy = ClonePolicy::refuse_copy;
  // How long a transferred seat is held for the machine it went to; not
  // taken by then, it is free for any machine, so no seat is lost to a
  // machine that never came.
  UnixTime transfer_hold_seconds = 30 * 86400;
};

// How a request reached the server.
enum class RequestChannel {
  online,   // sent by the machine itself
  offline,  // carried from an air-gapped machine and submitted by support
};

struct SeatCount {
  int used = 0;
  std::optional<int> max;  // none: no limit (a site license)
  std::string license_id;  // the license counted, for the alerts its seats raise

  static SeatCount of(const License& license, int used) {
    if (!has_seat_limit(license)) return {used, std::nullopt, license.id};
    return {used, license.max_activations, license.id};
  }
};

// What an online machine keeps to prove at its next check-in that it is the
// installation the server answered last (CheckInHistory in payloads.h).
struct CheckInReceipt {
  std::int64_t counter = 0;  // the number of the check-in answered; 0 for an activation
  std::string receipt;       // base64 of 16 random bytes; the store keeps only its hash
};

struct IssuedLicense {
  std::string license;  // the armored, vendor-signed LICENSE
  std::string activation_id;
  std::string machine_id;
  bool existing = false;  // the machine got its own seat back
  // Online answers only: a request carried by hand brings nothing back but
  // the license, so its machine keeps no history.
  std::optional<CheckInReceipt> check_in;
};

// An activation's outcome. `seats` is known once the license is found: on
// success and on activation_limit, the error a client most needs numbers for.
struct [[nodiscard]] ActivationAnswer {
  Result<IssuedLicense> result;
  std::optional<SeatCount> seats;
};

class ActivationService {
 public:
  explicit ActivationService(ServiceContext context);

  // Answers an armored ACTIVATION REQUEST: purpose "activate" grants the
  // machine its seat (its own again when it already holds one), purpose
  // "refresh" renews the license of an active seat. Errors: malformed,
  // wrong_document, tampered, request_expired, replayed, invalid_key, not_found
  // (no license has the key), product_mismatch, suspended, revoked, expired,
  // activation_limit, machine_mismatch (also: a machine whose fingerprint
  // cannot reach the license's match policy even against itself), not_activated,
  // cloned (an online check-in whose history forked from the seat's: a copy of
  // the machine, handled per ServiceContext::clone_policy),
  // or outside_site (a site license's machine outside its networks or domain).
  // RequestChannel::offline: the request's age is held to the offline window,
  // a new seat is recorded as "offline", and a request already answered gets
  // its seat's license again instead of replayed, so support can answer the
  // same request file twice (a lost response) without taking a second seat.
  // `submitted_by` is whom the audit log names for the seat: the machine
  // itself online, the support token's id offline. `client_address`: the HTTP
  // peer, which a site license's networks must hold (site_rules.h); empty for
  // RequestChannel::offline, whose peer is support, not the machine.
  ActivationAnswer activate(std::string_view armored_request,
                            RequestChannel channel = RequestChannel::online,
                            std::string_view submitted_by = kDeviceActor,
                            std::string_view client_address = {}) const;

  // Frees the seat named by an armored DEACTIVATION RECEIPT signed by the
  // seat's device key. Errors: malformed, wrong_document, tampered, not_found,
  // product_mismatch, replayed, machine_mismatch, conflict (already free).
  [[nodiscard]] Result<Activation> deactivate(std::string_view armored_receipt) const;

 private:
  void forget_old_nonces(UnixTime now) const;

  ServiceContext context_;
  mutable std::atomic<UnixTime> last_pruned_{0};
};

}  // namespace nodelock::server
