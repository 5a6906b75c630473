#include "nodelock/server/activation_service.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "clone_rules.h"
#include "device_documents.h"
#include "dongle_rules.h"
#include "identifiers.h"
#include "license_rules.h"
#include "license_user_rules.h"
#include "nodelock/activation/bound_dongle.h"
#include "nodelock/activation/document.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/fingerprint/match.h"
#include "record_refusals.h"
#include "seat_refusal_messages.h"
#include "site_rules.h"

namespace nodelock::server {

namespace {

// How often used nonces older than any acceptable request are forgotten.
constexpr UnixTime kNoncePruneInterval = 60;

Result<ActivationRequest> read_request(std::string_view armored) {
  auto payload = open_self_signed(armored, DocumentType::activation_request);
  if (!payload.ok()) return payload.error();
  auto request = activation_request_from_payload(*payload);
  if (!request.ok()) return request.error();
  if (Status nonce = check_nonce(request->nonce); !nonce.ok()) return nonce.error();
  if (request->machine_id != request->fingerprint.machine_id()) {
    return make_error(ErrorCode::malformed,
                      "the request's machine_id does not belong to its fingerprint");
  }
  return request;
}

// The keys under which a seat is found again: its device key and every
// component hash but the CPU's. check_policy() guarantees the CPU alone never
// reaches a threshold, so any seat a policy would match shares another key.
// 64 bits of each are plenty: a collision only shows same_machine one more seat.
std::vector<std::string> machine_keys(const ActivationRequest& request) {
  constexpr std::size_t kKeyBytes = 8;
  const auto prefix = [](const std::uint8_t* bytes) {
    return encoding::hex(crypto::ByteView(bytes, kKeyBytes));
  };
  std::vector<std::string> keys{"device:" + prefix(request.device_public_key.bytes.data())};
  for (const auto& component : request.fingerprint.components()) {
    if (component.kind == fingerprint::Kind::cpu) continue;
    keys.push_back(std::string(fingerprint::kind_name(component.kind)) + ":" +
                   prefix(component.hash.data()));
  }
  return keys;
}

bool matches_enrolment(const Activation& seat, const fingerprint::Fingerprint& current,
                       const fingerprint::MatchPolicy& policy) {
  auto enrolled =
      fingerprint::fingerprint_from_json(nlohmann::json::parse(seat.fingerprint, nullptr, false));
  return enrolled.ok() && fingerprint::match(*enrolled, current, policy).ok();
}

// Support answers an offline request; the machine's own user makes an online one.
Error no_seat_left(const License& license, int used, int held, bool offline) {
  const std::string held_text = held == 0 ? std::string()
                                          : ", and " + std::to_string(held) +
                                                (held == 1 ? " seat is" : " seats are") +
                                                " held for machines support transferred them to";
  return make_error(
      ErrorCode::activation_limit,
      "No activations left: " + std::to_string(used) + " of " +
          std::to_string(license.max_activations) + " machines are activated on license " +
          key_display(license) + held_text +
          (offline
               ? ". Free a seat: submit the deactivation receipt of a machine "
                 "that gives its seat up (`nodelock offline deactivate` on it, "
                 "then `nodelock admin deactivate --receipt FILE.nldeact`), "
                 "reset a lost machine (`nodelock admin devices --license " +
                     license.id + "`, then `nodelock admin reset --device ID`), or raise the limit."
               : ". Deactivate one with `nodelock deactivate` on it, or ask "
                 "support to reset a lost machine."));
}

// The LICENSE for `seat`, enrolled with `enrolled`, signed now.
Result<IssuedLicense> issue(const ServiceContext& context, const License& license,
                            const Activation& seat, const fingerprint::Fingerprint& enrolled,
                            bool existing, UnixTime now) {
  auto policy = match_policy_of(license);
  if (!policy.ok()) return policy.error();
  auto device_key = public_key_from_base64(seat.device_public_key, "the stored device key");
  if (!device_key.ok()) return device_key.error();
  nodelock::License document;
  document.license_id = license.id;
  document.activation_id = seat.id;
  document.product = license.product_id;
  document.licensee = license.licensee;
  document.model = license.model;
  document.term = license.term;
  document.features = license.features;
  document.issued_at = now;
  document.refresh_by = refresh_by(license, seat, now);
  document.expires_at = license.expires_at;
  document.grace_days = license.grace_days;
  document.max_version = license.max_version;
  document.maintenance_end = license.maintenance_end;
  document.fingerprint = enrolled;
  document.match_policy = *policy;
  document.machine_id = seat.machine_id;
  document.device_public_key = *device_key;
  document.request_nonce = seat.request_nonce;
  auto dongle = dongle_of(seat);
  if (!dongle.ok()) return dongle.error();
  document.dongle = std::move(*dongle);
  auto armored = seal(DocumentType::license, to_payload(document), context.vendor_key,
                      {{"Product", license.product_id}, {"Machine", seat.machine_id}});
  if (!armored.ok()) return armored.error();
  return IssuedLicense{std::move(*armored), seat.id, seat.machine_id, existing, std::nullopt};
}

Result<fingerprint::Fingerprint> enrolled_fingerprint(const Activation& seat) {
  auto enrolled =
      fingerprint::fingerprint_from_json(nlohmann::json::parse(seat.fingerprint, nullptr, false));
  if (enrolled.ok()) return enrolled;
  return make_error(ErrorCode::server_error,
                    "activation " + seat.id + " is stored unreadably; contact the vendor");
}

// The license of the seat that `request` enrolled or renewed, issued again
// under the license's current terms; `replayed` when no active seat of this
// device was last answered with this request.
Result<IssuedLicense> issue_again(const ServiceContext& context, const License& license,
                                  const ActivationRequest& request, const std::string& device_key,
                                  const Error& replayed, UnixTime now) {
  if (Status admitted = admit(license, now); !admitted.ok()) return admitted.error();
  auto seat = context.store.seat_answering(license.id, request.nonce);
  if (!seat.ok()) return seat.code() == ErrorCode::not_found ? replayed : seat.error();
  if (seat->device_public_key != device_key) return replayed;
  auto enrolled = enrolled_fingerprint(*seat);
  if (!enrolled.ok()) return enrolled.error();
  return issue(context, license, *seat, *enrolled, true, now);
}

}  // namespace

ActivationService::ActivationService(ServiceContext context) : context_(std::move(context)) {}

ActivationAnswer ActivationService::activate(std::string_view armored_request,
                                             RequestChannel channel, std::string_view submitted_by,
                                             std::string_view client_address) const {
  const UnixTime now = context_.clock();
  forget_old_nonces(now);
  auto request = read_request(armored_request);
  if (!request.ok()) return {request.error(), std::nullopt};
  const bool offline = channel == RequestChannel::offline;
  const UnixTime window =
      offline ? context_.offline_request_window_seconds : context_.request_window_seconds;
  if (Status fresh = check_request_age(request->created_at, now, window); !fresh.ok()) {
    return {fresh.error(), std::nullopt};
  }
  auto license = license_with_key(context_.store, context_.key_hasher, request->key);
  if (!license.ok()) return {license.error(), std::nullopt};
  if (license->product_id != request->product) {
    return {make_error(ErrorCode::product_mismatch, "license key " + key_display(*license) +
                                                        " is not for product '" + request->product +
                                                        "'"),
            std::nullopt};
  }
  const SiteVisit visit{offline ? std::string_view() : client_address, request->hostname};
  if (Status inside = admit_to_site(*license, visit); !inside.ok()) {
    return {inside.error(), std::nullopt};
  }
  auto policy = match_policy_of(*license);
  if (!policy.ok()) return {policy.error(), std::nullopt};
  const std::string device_key = encoding::base64(request->device_public_key.bytes);

  if (request->purpose == RequestPurpose::refresh) {
    CheckIn check_in;
    check_in.activation_id = *request->activation_id;
    check_in.device_public_key = device_key;
    check_in.nonce = request->nonce;
    check_in.now = now;
    // A renewal carried by hand brings its machine no receipt, so it neither
    // carries a history nor moves the seat's on.
    const FreshReceipt receipt = fresh_receipt();
    std::int64_t counter = 0;
    if (!offline) {
      check_in.follow_history =
          history_judge(request->history, receipt.hash, context_.clone_policy, counter);
    }
    if (Status kept = keeps_its_dongle(context_.store, *request); !kept.ok()) {
      return {kept.error(), std::nullopt};
    }
    check_in.admit = [&](const License& held) -> Status {
      if (held.id != license->id) {
        return make_error(
            ErrorCode::machine_mismatch,
            "activation " + check_in.activation_id + " is not on license " + key_display(*license));
      }
      return admit(held, now);
    };
    check_in.refusal = seat_refusal_message;
    auto renewed = context_.store.check_in(check_in);
    if (!renewed.ok() && renewed.code() == ErrorCode::replayed) renewed = request_replayed();
    if (!renewed.ok() && offline && renewed.code() == ErrorCode::replayed) {
      return {issue_again(context_, *license, *request, device_key, renewed.error(), now),
              std::nullopt};
    }
    if (!renewed.ok()) return {renewed.error(), std::nullopt};
    auto enrolled = enrolled_fingerprint(renewed->activation);
    if (!enrolled.ok()) return {enrolled.error(), std::nullopt};
    const SeatCount seats = SeatCount::of(renewed->license, renewed->license.seats_used);
    auto issued = issue(context_, renewed->license, renewed->activation, *enrolled, true, now);
    if (issued.ok() && !offline) issued->check_in = CheckInReceipt{counter, receipt.receipt};
    return {std::move(issued), seats};
  }

  if (Status dongle = require_dongle(*license, *policy, *request); !dongle.ok()) {
    return {dongle.error(), std::nullopt};
  }
  // From here on the machine is enrolled with its bound dongle counted in, so
  // the seat is found again by the dongle and the policy can require it.
  request->fingerprint = with_bound_dongle(request->fingerprint, request->dongle, request->product);
  // A machine that cannot match even itself under the policy would take a seat
  // for a license it can never use.
  if (auto shortfall = fingerprint::binding_shortfall(request->fingerprint, *policy)) {
    return {make_error(ErrorCode::machine_mismatch,
                       "license " + key_display(*license) +
                           " cannot be bound to this machine: " + *shortfall),
            std::nullopt};
  }

  SeatClaim claim;
  claim.license_id = license->id;
  claim.enrolment.id = new_record_id("act");
  claim.enrolment.machine_id = request->machine_id;
  claim.enrolment.fingerprint = fingerprint::to_json(request->fingerprint).dump();
  claim.enrolment.device_public_key = device_key;
  claim.enrolment.dongle = stored_dongle(request->dongle);
  claim.enrolment.hostname = request->hostname;
  claim.enrolment.user = request->user.value_or("");
  claim.enrolment.environment =
      fingerprint::environment_type_name(request->fingerprint.environment().type);
  claim.enrolment.mode = offline ? "offline" : "online";
  claim.nonce = request->nonce;
  claim.now = now;
  claim.actor = std::string(submitted_by);
  const FreshReceipt receipt = fresh_receipt();
  claim.receipt_hash = receipt.hash;
  claim.admit = [now](const License& held) { return admit(held, now); };
  claim.admit_user = admit_claiming_user;
  claim.admit_user_seat = admit_user_seat;
  claim.machine_keys = machine_keys(*request);
  // A seat is this installation's by its device key alone. A seat the
  // fingerprint matches under another key belongs to a second installation on
  // (a copy of) this machine, and is never handed over: the two would then
  // fight over one seat.
  std::optional<Activation> held_by_other;
  claim.same_machine = [&](const Activation& seat) {
    if (seat.device_public_key == device_key) return true;
    if (matches_enrolment(seat, request->fingerprint, *policy)) held_by_other = seat;
    return false;
  };
  auto outcome = context_.store.claim_seat(claim);
  if (outcome.ok() && !outcome->existing && held_by_other) {
    const std::optional<std::string> own_seat =
        outcome->granted ? std::optional<std::string>(outcome->activation.id) : std::nullopt;
    // The claim is already committed (or refused) by now; an entry that
    // cannot be written must not turn that into an error.
    (void)context_.store.append_audit(
        second_installation_entry(*held_by_other, request->machine_id, own_seat, claim.actor, now));
    if (!outcome->granted) {
      return {held_by_another_installation(*held_by_other, outcome->license, outcome->used),
              SeatCount::of(outcome->license, outcome->used)};
    }
  }
  if (!outcome.ok() && outcome.code() == ErrorCode::replayed) outcome = request_replayed();
  if (!outcome.ok() && offline && outcome.code() == ErrorCode::replayed) {
    return {issue_again(context_, *license, *request, device_key, outcome.error(), now),
            SeatCount::of(*license, license->seats_used)};
  }
  if (!outcome.ok()) return {outcome.error(), std::nullopt};
  const SeatCount seats = SeatCount::of(outcome->license, outcome->used);
  if (!outcome->granted) {
    return {no_seat_left(outcome->license, outcome->used, outcome->held, offline), seats};
  }
  auto issued = issue(context_, outcome->license, outcome->activation, request->fingerprint,
                      outcome->existing, now);
  if (issued.ok() && !offline) issued->check_in = CheckInReceipt{0, receipt.receipt};
  return {std::move(issued), seats};
}

Result<Activation> ActivationService::deactivate(std::string_view armored_receipt) const {
  const UnixTime now = context_.clock();
  auto envelope = parse_document(armored_receipt);
  if (!envelope.ok()) return envelope.error();
  if (envelope->type() != DocumentType::deactivation_receipt) {
    return wrong_type(*envelope, DocumentType::deactivation_receipt);
  }
  const nlohmann::json& claimed = envelope->unverified_payload();
  const auto named = claimed.find("activation_id");
  if (named == claimed.end() || !named->is_string()) {
    return make_error(ErrorCode::malformed, "the deactivation receipt names no activation_id");
  }
  auto seat = context_.store.activation(named->get<std::string>());
  if (!seat.ok()) return seat.error();
  auto device_key = public_key_from_base64(seat->device_public_key, "the stored device key");
  if (!device_key.ok()) return device_key.error();
  // The seat's enrolled key, not the one the receipt carries: only the
  // installation that holds the seat may free it.
  auto payload = verify_device_signature(*envelope, *device_key);
  if (!payload.ok()) return payload.error();
  auto receipt = deactivation_receipt_from_payload(*payload);
  if (!receipt.ok()) return receipt.error();
  if (Status nonce = check_nonce(receipt->nonce); !nonce.ok()) return nonce.error();
  if (receipt->license_id != seat->license_id) {
    return make_error(ErrorCode::malformed, "the receipt names license " + receipt->license_id +
                                                " but activation " + seat->id + " is on another");
  }
  auto license = context_.store.license(seat->license_id);
  if (!license.ok()) return license.error();
  if (receipt->product != license->product_id) {
    return make_error(ErrorCode::product_mismatch,
                      "the receipt is for product '" + receipt->product + "', activation " +
                          seat->id + " is for '" + license->product_id + "'");
  }
  auto released = context_.store.release_seat(
      SeatRelease{seat->id, seat->device_public_key, receipt->nonce, now, seat_refusal_message});
  if (!released.ok() && released.code() == ErrorCode::replayed) return request_replayed();
  return released;
}

void ActivationService::forget_old_nonces(UnixTime now) const {
  UnixTime last = last_pruned_.load();
  if (now - last < kNoncePruneInterval || !last_pruned_.compare_exchange_strong(last, now)) {
    return;
  }
  // A request is refused once it is its window from the server's clock, and
  // its created_at is within that window of the time it was first seen, so a
  // nonce seen two of the longer windows ago can no longer be replayed.
  const UnixTime window =
      std::max(context_.request_window_seconds, context_.offline_request_window_seconds);
  (void)context_.store.forget_nonces_before(now - 2 * window);
}

}  // namespace nodelock::server
