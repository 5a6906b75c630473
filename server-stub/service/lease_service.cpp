#include "nodelock/server/lease_service.h"

#include <chrono>
#include <utility>

#include "device_documents.h"
#include "identifiers.h"
#include "lease_refusals.h"
#include "license_rules.h"
#include "license_user_rules.h"
#include "nodelock/activation/document.h"
#include "nodelock/crypto/encoding.h"
#include "record_refusals.h"
#include "roles.h"
#include "seat_rules.h"

namespace nodelock::server {

namespace {

// Separates the lease secrets' key from every other use of the pepper.
constexpr std::string_view kSecretKeyLabel = "nodelock lease secrets v1";

// How often a waiting client polls with its ticket: a seat that comes free
// waits at most this long for the next in line, and a killed waiter holds
// the queue up for at most twice this.
constexpr std::chrono::seconds kQueuePollInterval{2};

LeaseAnswer refused(Error error, std::optional<SeatCount> seats = std::nullopt) {
  return {std::move(error), std::move(seats), {}, std::nullopt};
}

// A refusal the request asked to queue for but that no free seat would end.
Error not_queued(const Error& refusal) {
  return make_error(refusal.code,
                    refusal.message +
                        " This check-out does not wait in the seat queue: the next seat to come "
                        "free would not admit it. Check out again once a team token is free or "
                        "the project's user has released it, or work on another project.");
}

Result<LeaseRequest> read_lease_request(std::string_view armored) {
  auto payload = open_self_signed(armored, DocumentType::lease_request);
  if (!payload.ok()) return payload.error();
  auto request = lease_request_from_payload(*payload);
  if (!request.ok()) return request.error();
  if (Status nonce = check_nonce(request->nonce); !nonce.ok()) return nonce.error();
  return request;
}

// A LEASE or BORROW with what the two share filled in: the seat `record`
// holds on `license`, for the client that sent `request`.
template <class SeatDocument>
SeatDocument describe_seat(const License& license, const FloatingPolicy& policy,
                           const Lease& record, const LeaseRequest& request) {
  SeatDocument held;
  held.lease_id = record.id;
  held.license_id = license.id;
  held.product = license.product_id;
  held.licensee = license.licensee;
  held.features = license.features;
  held.scope = policy.scope;
  held.seat = record.seat;
  held.user = request.user;
  held.project = request.project;
  held.machine_id = record.machine_id;
  held.device_public_key = request.device_public_key;
  held.request_nonce = request.nonce;
  held.issued_at = record.started_at;
  held.expires_at = record.expires_at;
  return held;
}

Result<std::string> seal_lease(const ServiceContext& context, const License& license,
                               const FloatingPolicy& policy, const Lease& record,
                               const LeaseRequest& request) {
  auto lease = describe_seat<nodelock::Lease>(license, policy, record, request);
  lease.heartbeat_seconds = heartbeat_seconds(policy);
  lease.overage = record.overage;
  return seal(DocumentType::lease, to_payload(lease), context.vendor_key,
              {{"Product", license.product_id}, {"Machine", record.machine_id}});
}

Result<std::string> seal_borrow(const ServiceContext& context, const License& license,
                                const FloatingPolicy& policy, const Lease& record,
                                const LeaseRequest& request) {
  auto match_policy = match_policy_of(license);
  if (!match_policy.ok()) return match_policy.error();
  auto borrow = describe_seat<nodelock::Borrow>(license, policy, record, request);
  borrow.fingerprint = request.borrow->fingerprint;
  borrow.match_policy = *match_policy;
  return seal(DocumentType::borrow, to_payload(borrow), context.vendor_key,
              {{"Product", license.product_id}, {"Machine", record.machine_id}});
}

// ok when the request is sent where it belongs: a borrow to the borrow
// endpoint, an online lease to the check-out one.
Status check_purpose(const LeaseRequest& request, bool borrowing) {
  if (borrowing == request.borrow.has_value()) return {};
  return make_error(ErrorCode::invalid_argument,
                    borrowing ? "this lease request does not ask to borrow a seat; send it to "
                                "POST /v1/leases, or add \"borrow\" with the days and fingerprint"
                              : "this lease request asks to borrow a seat; send it to "
                                "POST /v1/leases/borrow");
}

}  // namespace

LeaseService::LeaseService(ServiceContext context)
    : context_(std::move(context)),
      queue_(std::make_unique<SeatQueue>(kQueuePollInterval, context_.clock)) {
  auto key = encoding::from_hex(context_.key_hasher.hash(kSecretKeyLabel));
  secret_key_ = key.ok() ? std::move(*key) : crypto::Bytes{};
}

crypto::Bytes LeaseService::secret_of(std::string_view lease_id) const {
  const crypto::Digest secret = crypto::hmac_sha256(secret_key_, lease_id);
  return crypto::Bytes(secret.bytes.begin(), secret.bytes.end());
}

LeaseAnswer LeaseService::check_out(std::string_view armored_request,
                                    const QueueRequest& queue) const {
  return take_seat(armored_request, false, queue);
}

LeaseAnswer LeaseService::borrow(std::string_view armored_request) const {
  return take_seat(armored_request, true, {});
}

LeaseAnswer LeaseService::take_seat(std::string_view armored_request, bool borrowing,
                                    const QueueRequest& queue) const {
  const UnixTime now = context_.clock();
  auto request = read_lease_request(armored_request);
  if (!request.ok()) return refused(request.error());
  if (Status purpose = check_purpose(*request, borrowing); !purpose.ok()) {
    return refused(purpose.error());
  }
  if (Status fresh = check_request_age(request->created_at, now, context_.request_window_seconds);
      !fresh.ok()) {
    return refused(fresh.error());
  }
  auto license = license_with_key(context_.store, context_.key_hasher, request->key);
  if (!license.ok()) return refused(license.error());
  if (license->product_id != request->product) {
    return refused(make_error(
        ErrorCode::product_mismatch,
        "license key " + key_display(*license) + " is not for product '" + request->product + "'"));
  }
  auto policy = floating_policy_of(*license);
  if (!policy.ok()) {
    if (policy.code() != ErrorCode::invalid_argument) return refused(policy.error());
    return refused(make_error(ErrorCode::conflict, policy.message()));
  }
  auto seat = seat_of(*policy, *request);
  if (!seat.ok()) return refused(seat.error());
  if (borrowing) {
    // A license's floating terms never change, so they are checked once here.
    if (Status allowed = check_borrow(*license, *policy, request->borrow->days); !allowed.ok()) {
      return refused(allowed.error());
    }
  }

  LeaseCheckout checkout;
  checkout.lease.id = new_record_id("lse");
  checkout.lease.license_id = license->id;
  checkout.lease.seat = *seat;
  checkout.lease.user = request->user.value_or("");
  checkout.lease.machine_id = request->machine_id;
  checkout.lease.hostname = request->hostname;
  checkout.lease.project = request->project.value_or("");
  checkout.lease.device_public_key = encoding::base64(request->device_public_key.bytes);
  checkout.lease.started_at = checkout.lease.last_seen_at = now;
  checkout.lease.borrowed = borrowing;
  checkout.lease.expires_at = now + policy->lease_ttl_seconds;
  if (borrowing) {
    auto end = borrow_end(*license, now, request->borrow->days);
    if (!end.ok()) return refused(end.error());
    checkout.lease.expires_at = *end;
  }
  // A borrow's length stands in for the TTL it is never renewed by.
  checkout.lease.ttl_seconds = static_cast<int>(checkout.lease.expires_at - now);
  checkout.nonce = request->nonce;
  checkout.now = now;
  std::vector<Lease> holders;
  SeatCount seats{0, license->max_activations, license->id};
  bool queueable = false;
  // The queue is read inside the store's write lock, with the leases it is
  // weighed against, so two polls cannot both take the one seat.
  checkout.admit_user = admit_claiming_user;
  checkout.decide = [&](const License& held_license, const std::vector<Lease>& held,
                        const std::vector<std::string>& reserved) -> Result<SeatDecision> {
    auto terms = floating_policy_of(held_license);
    if (!terms.ok()) return terms.error();
    if (borrowing) {
      // The license as the transaction reads it: its expiry may have moved
      // since it was read above.
      auto end = borrow_end(held_license, now, request->borrow->days);
      if (!end.ok()) return end.error();
      if (*end < checkout.lease.expires_at) {
        return make_error(ErrorCode::conflict, "the expiry of license " +
                                                   key_display(held_license) +
                                                   " changed during this borrow; borrow again");
      }
    }
    const int ahead =
        queue_->ahead_of(held_license.id, queue.ticket, checkout.lease.device_public_key);
    auto decision = decide_seat(held_license, *terms, checkout.lease, held, reserved, ahead, now);
    seats = {seats_in_use(held), held_license.max_activations, held_license.id};
    if (decision.ok() && !holds_seat(held, *seat)) seats.used += 1;
    if (!decision.ok() && decision.code() == ErrorCode::seats_exhausted) {
      holders = held;
      queueable = waits_for_any_seat(*terms, checkout.lease, held);
    }
    return decision;
  };
  auto outcome = context_.store.leases().check_out(checkout);
  if (!outcome.ok() && outcome.code() == ErrorCode::replayed) outcome = request_replayed();
  if (!outcome.ok()) {
    if (!queue.join || outcome.code() != ErrorCode::seats_exhausted) {
      return {outcome.error(), seats, std::move(holders), std::nullopt};
    }
    if (!queueable) return {not_queued(outcome.error()), seats, std::move(holders), std::nullopt};
    auto ticket = queue_->keep_place(license->id, queue.ticket, checkout.lease.device_public_key);
    return {outcome.error(), seats, std::move(holders), std::move(ticket)};
  }
  if (queue.ticket) queue_->leave(license->id, *queue.ticket);
  auto terms = floating_policy_of(outcome->license);
  if (!terms.ok()) return refused(terms.error(), seats);
  auto armored = borrowing
                     ? seal_borrow(context_, outcome->license, *terms, outcome->lease, *request)
                     : seal_lease(context_, outcome->license, *terms, outcome->lease, *request);
  if (!armored.ok()) return refused(armored.error(), seats);
  IssuedLease issued{std::move(*armored), encoding::base64(secret_of(outcome->lease.id)),
                     std::move(outcome->lease), borrowing ? 0 : heartbeat_seconds(*terms)};
  return {std::move(issued), seats, {}, std::nullopt};
}

Status LeaseService::check_proof(const LeaseProof& proof, LeaseCall call) const {
  auto mac = encoding::from_base64(proof.mac);
  const crypto::Digest expected =
      lease_call_mac(secret_of(proof.lease_id), call, proof.lease_id, proof.sequence);
  if (mac.ok() && crypto::constant_time_equal(*mac, expected.bytes)) return {};
  return make_error(ErrorCode::tampered,
                    "the MAC of this lease call does not match lease " + proof.lease_id +
                        "'s secret; only the client that checked the lease out or borrowed it "
                        "can renew, release or return it");
}

Result<RenewedLease> LeaseService::heartbeat(const LeaseProof& proof) const {
  if (Status proven = check_proof(proof, LeaseCall::heartbeat); !proven.ok()) {
    return proven.error();
  }
  const LeaseRenewal renewal{proof.lease_id, proof.sequence, context_.clock()};
  auto renewed = context_.store.leases().renew(renewal);
  if (!renewed.ok()) return renewal_refusal(context_.store.leases(), renewed.error(), renewal);
  return renewed;
}

Result<Lease> LeaseService::release(const LeaseProof& proof) const {
  return give_back(proof, false);
}

Result<Lease> LeaseService::return_borrow(const LeaseProof& proof) const {
  return give_back(proof, true);
}

Result<Lease> LeaseService::give_back(const LeaseProof& proof, bool borrowed) const {
  const LeaseCall call = borrowed ? LeaseCall::return_borrow : LeaseCall::release;
  if (Status proven = check_proof(proof, call); !proven.ok()) return proven.error();
  // Whether a lease is borrowed never changes, so this read cannot race the end.
  auto held = context_.store.leases().lease(proof.lease_id);
  if (!held.ok() && held.code() == ErrorCode::not_found) return no_such_lease(proof.lease_id);
  if (!held.ok()) return held.error();
  if (held->borrowed != borrowed) {
    return make_error(ErrorCode::conflict,
                      borrowed ? "lease " + held->id +
                                     " is not borrowed; release it with `nodelock lease release`"
                               : "lease " + held->id +
                                     " is borrowed for offline use; return it with `nodelock "
                                     "lease return`");
  }
  LeaseEnding ending;
  ending.lease_id = proof.lease_id;
  ending.end = borrowed ? SessionEnd::returned : SessionEnd::released;
  ending.by = {std::string(kDeviceActor), context_.clock()};
  ending.sequence = proof.sequence;
  return end_lease(ending);
}

Result<Lease> LeaseService::end_lease(const LeaseEnding& ending) const {
  auto ended = context_.store.leases().end_lease(ending);
  if (!ended.ok()) return ending_refusal(context_.store.leases(), ended.error(), ending);
  return ended;
}

Status LeaseService::sweep() const {
  Status flushed = context_.store.leases().flush();
  auto expired = context_.store.leases().expire_leases(context_.clock());
  if (!flushed.ok()) return flushed;
  if (!expired.ok()) return expired.error();
  return {};
}

Result<std::vector<Lease>> LeaseService::held_leases(AdminRole caller,
                                                     std::string_view license_id) const {
  if (Status allowed = require_role(caller, AdminRole::viewer); !allowed.ok()) {
    return allowed.error();
  }
  auto license = context_.store.license(license_id);
  if (!license.ok()) return license.error();
  return context_.store.leases().held_leases(license_id);
}

Result<Lease> LeaseService::force_release(const AdminCaller& caller,
                                          std::string_view lease_id) const {
  if (Status allowed = require_role(caller.role, AdminRole::support); !allowed.ok()) {
    return allowed.error();
  }
  LeaseEnding ending;
  ending.lease_id = std::string(lease_id);
  ending.end = SessionEnd::forced;
  ending.by = {caller.token_id, context_.clock()};
  return end_lease(ending);
}

}  // namespace nodelock::server
