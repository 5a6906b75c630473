// Whether the machine a license was enrolled on is the machine it runs on now.
//
// Each kind is compared on its own: it matched when the two fingerprints share
// any hash of that kind (a machine may have several NICs), changed when both
// have it but share none, missing when only the enrolment has it, new when only
// the current machine has it. The policy (policy.h) turns that into a verdict.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "nodelock/fingerprint/fingerprint.h"
#include "nodelock/fingerprint/policy.h"

namespace nodelock::fingerprint {

enum class KindState { absent, matched, changed, missing, added };

// "absent", "matched", "changed", "missing", "new".
std::string_view kind_state_name(KindState state);

class [[nodiscard]] MatchResult {
 public:
  // The score reached the threshold and every required kind matched.
  bool ok() const { return ok_; }
  int score() const { return score_; }
  int threshold() const { return threshold_; }
  KindState state(Kind kind) const { return states_[kind_index(kind)]; }
  // A match that one more change would undo: losing the heaviest kind that
  // still matches drops the score below the threshold. The machine still runs,
  // but its next hardware change (or the one support is told about) costs it
  // the license, so support wants to hear of it first.
  bool little_to_spare() const { return ok_ && score_ - heaviest_matched_ < threshold_; }
  // Some kind the enrolment has changed or went missing since.
  bool drifted() const;

  // One line for people, e.g. "disk changed, 4 of 5 still match (score 9,
  // threshold 6)"; a refusal starts with "no match: " and names what failed.
  std::string explanation() const;

 private:
  friend MatchResult match(const Fingerprint&, const Fingerprint&, const MatchPolicy&);

  std::array<KindState, kind_count> states_{};
  std::array<bool, kind_count> required_{};
  int score_ = 0;
  int threshold_ = 0;
  int heaviest_matched_ = 0;
  bool policy_valid_ = true;
  bool ok_ = false;
};

// Compares `current` with `enrolled` under `policy`. A policy that fails
// check_policy() never matches.
MatchResult match(const Fingerprint& enrolled, const Fingerprint& current,
                  const MatchPolicy& policy);

// Why a license cannot be bound to `fingerprint` under `policy` (the machine
// offers too little evidence to reach the threshold even against itself, or
// lacks a required kind), or nothing when it can. Activation asks this before
// enrolling, so a weak machine is told to use a dongle or a floating license
// instead of being bound to nothing.
std::optional<std::string> binding_shortfall(const Fingerprint& fingerprint,
                                             const MatchPolicy& policy);

}  // namespace nodelock::fingerprint
