#include "clone_rules.h"

#include <array>
#include <utility>

#include "license_rules.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

namespace {

constexpr std::size_t kReceiptBytes = 16;

constexpr std::array<std::pair<ClonePolicy, std::string_view>, 2> kPolicies = {{
    {ClonePolicy::refuse_copy, "refuse-copy"},
    {ClonePolicy::refuse_both, "refuse-both"},
}};

std::string hash_of(std::string_view receipt) {
  return encoding::hex(crypto::sha256(receipt).bytes);
}

bool same_hash(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() &&
         crypto::constant_time_equal(crypto::ByteView(a), crypto::ByteView(b));
}

Error forked(const Activation& seat, const std::string& how) {
  return make_error(ErrorCode::cloned,
                    "this machine's license was copied from another machine (forked check-in "
                    "history: " +
                        how + "); activation " + seat.id +
                        " is flagged as cloned and this copy is refused. Contact support: "
                        "they can reset the activation so each machine activates its own seat");
}

Error both_refused(const Activation& seat) {
  return make_error(ErrorCode::cloned,
                    "activation " + seat.id +
                        " was found in use by two machines (a copied disk or VM image) on " +
                        utc_date(*seat.cloned_at) +
                        ", and every copy is refused until support resets it; contact support");
}

}  // namespace

std::string_view name_of(ClonePolicy policy) {
  for (const auto& [known, name] : kPolicies) {
    if (known == policy) return name;
  }
  return kPolicies[0].second;
}

std::optional<ClonePolicy> clone_policy_named(std::string_view name) {
  for (const auto& [policy, known] : kPolicies) {
    if (known == name) return policy;
  }
  return std::nullopt;
}

FreshReceipt fresh_receipt() {
  FreshReceipt fresh;
  fresh.receipt = encoding::base64(crypto::random_bytes(kReceiptBytes));
  fresh.hash = hash_of(fresh.receipt);
  return fresh;
}

std::function<Result<SeatHistory>(const Activation&, const SeatHistory&)> history_judge(
    std::optional<CheckInHistory> presented, std::string next_receipt_hash, ClonePolicy policy,
    std::int64_t& counter) {
  return [presented = std::move(presented), next = std::move(next_receipt_hash), policy, &counter](
             const Activation& seat, const SeatHistory& kept) -> Result<SeatHistory> {
    if (seat.cloned_at && policy == ClonePolicy::refuse_both) return both_refused(seat);
    SeatHistory following{kept.counter + 1, next, kept.receipt_hash, kept.tracked};
    if (!presented) {
      // An older client keeps no history; once the seat's holder has sent
      // one, an installation without it is not that holder.
      if (kept.tracked) {
        return forked(seat,
                      "this installation kept no check-in receipt, the machine holding "
                      "the seat does");
      }
      counter = following.counter;
      return following;
    }
    following.tracked = true;
    const std::string presented_hash = hash_of(presented->receipt);
    // A seat enrolled before receipts existed starts its history here.
    const bool continues =
        kept.receipt_hash.empty() ||
        (same_hash(presented_hash, kept.receipt_hash) && presented->counter == kept.counter + 1);
    // The last answer never arrived: the machine still holds the receipt that
    // check-in presented, and names it by its nonce, which a copy made before
    // cannot know.
    const bool repeats = same_hash(presented_hash, kept.previous_receipt_hash) &&
                         presented->counter == kept.counter && presented->unanswered &&
                         *presented->unanswered == seat.request_nonce;
    if (repeats) {
      following.counter = kept.counter;
      following.previous_receipt_hash = kept.previous_receipt_hash;
    }
    if (!continues && !repeats) {
      return forked(seat, "this installation presented check-in " +
                              std::to_string(presented->counter) +
                              " with a receipt the server "
                              "had already moved past; check-in " +
                              std::to_string(kept.counter) + " came from another installation");
    }
    counter = following.counter;
    return following;
  };
}

Error held_by_another_installation(const Activation& seat, const License& license, int used) {
  return make_error(
      ErrorCode::cloned,
      "this machine matches activation " + seat.id + " (" + seat.machine_id + ") on license " +
          key_display(license) +
          ", which another installation holds under its own device key: a copy of that "
          "machine's disk or VM image, or that machine before its license store was lost. "
          "The seat stays with the installation holding it, and no seat is free for a second "
          "one (" +
          std::to_string(used) + " of " + std::to_string(license.max_activations) +
          " in use). If the other installation is gone, free its seat (`nodelock deactivate` "
          "there, or ask support: `nodelock admin reset --device " +
          seat.id + "`) and activate again; if it runs, this machine needs a seat of its own");
}

AuditEntry second_installation_entry(const Activation& seat, std::string_view newcomer_machine_id,
                                     const std::optional<std::string>& own_seat,
                                     std::string_view actor, UnixTime now) {
  AuditEntry entry;
  entry.at = now;
  entry.actor = std::string(actor);
  entry.action = "activation.clone_suspected";
  entry.subject = seat.id;
  entry.before = "null";
  entry.after = nlohmann::json{{"machine_id", std::string(newcomer_machine_id)},
                               {"own_seat", own_seat ? nlohmann::json(*own_seat) : nullptr}}
                    .dump();
  return entry;
}

}  // namespace nodelock::server
