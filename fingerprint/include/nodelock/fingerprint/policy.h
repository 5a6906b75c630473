// How tolerant a license is of changes to the machine it is bound to.
//
// Every kind has a small integer weight. Enrolled and current fingerprints are
// compared kind by kind (match.h); the weights of the kinds that still match add
// up to a score, and the machine is the same one when the score reaches the
// threshold and every required kind matched.
//
// The default (standard()) is documented in docs/FINGERPRINT.md with the
// reasoning behind each number: one replaced disk, one replaced NIC, or docker,
// a VPN or a USB NIC added keep a machine valid, while another machine of the
// same model (same CPU, even the same cloned installation id) does not match.
//
// A default-constructed MatchPolicy is the standard one, so a policy can never
// be left accidentally at "anything matches".
#pragma once

#include <array>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"
#include "nodelock/fingerprint/kind.h"

namespace nodelock::fingerprint {

struct MatchPolicy {
  // Indexed by kind_index(): cpu, disk, mac, machine_id, board, dongle.
  std::array<int, kind_count> weights = {1, 3, 3, 2, 3, 3};
  int threshold = 6;
  // Kinds that must match whatever the score, e.g. a dongle.
  std::array<bool, kind_count> required{};

  int weight(Kind kind) const { return weights[kind_index(kind)]; }
  bool is_required(Kind kind) const { return required[kind_index(kind)]; }

  // The default policy described above.
  static MatchPolicy standard();
  // The standard weights with the dongle required and sufficient on its own:
  // the license follows the dongle, for containers and other machines whose own
  // identity is too weak to bind to.
  static MatchPolicy dongle_required();

  friend bool operator==(const MatchPolicy& a, const MatchPolicy& b) {
    return a.weights == b.weights && a.threshold == b.threshold && a.required == b.required;
  }
  friend bool operator!=(const MatchPolicy& a, const MatchPolicy& b) { return !(a == b); }
};

// The rules every policy keeps, whether parsed or made in code: weights 0..100,
// a threshold the weights can reach, and one that cpu alone cannot reach (cpu is
// shared by every machine of a model, so such a policy would bind a license to a
// processor model rather than a machine). Returns invalid_argument naming the rule.
[[nodiscard]] Status check_policy(const MatchPolicy& policy);

// {"required":["dongle"],"threshold":6,"weights":{"board":3,"cpu":1,...}}
nlohmann::json to_json(const MatchPolicy& policy);

// Strict: unknown fields or kinds, non-integers, weights out of range, repeated
// required kinds or a policy check_policy() refuses give ErrorCode::malformed.
// A kind absent from "weights" weighs 0.
[[nodiscard]] Result<MatchPolicy> match_policy_from_json(const nlohmann::json& json);

}  // namespace nodelock::fingerprint
