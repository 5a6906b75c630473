#include "nodelock/fingerprint/match.h"

#include <algorithm>

#include "shortfall.h"

namespace nodelock::fingerprint {
namespace {

constexpr std::array<std::string_view, 5> kStateNames = {"absent", "matched", "changed", "missing",
                                                         "new"};

// The components of one kind: a contiguous run, since fingerprints keep
// components sorted by kind.
struct KindRun {
  std::vector<HashedComponent>::const_iterator begin, end;
  bool empty() const { return begin == end; }
};

KindRun run_of(const Fingerprint& fingerprint, Kind kind) {
  const auto& components = fingerprint.components();
  const auto begin = std::find_if(components.begin(), components.end(),
                                  [kind](const HashedComponent& c) { return c.kind == kind; });
  const auto end = std::find_if(begin, components.end(),
                                [kind](const HashedComponent& c) { return c.kind != kind; });
  return {begin, end};
}

KindState compare(const KindRun& enrolled, const KindRun& current) {
  if (enrolled.empty()) return current.empty() ? KindState::absent : KindState::added;
  if (current.empty()) return KindState::missing;
  for (auto a = enrolled.begin; a != enrolled.end; ++a) {
    for (auto b = current.begin; b != current.end; ++b) {
      if (a->hash == b->hash) return KindState::matched;
    }
  }
  return KindState::changed;
}

std::string list_names(const std::vector<Kind>& kinds) {
  std::string text;
  for (const Kind kind : kinds) {
    if (!text.empty()) text += ", ";
    text += kind_name(kind);
  }
  return text;
}

}  // namespace

std::string_view kind_state_name(KindState state) {
  return kStateNames[static_cast<std::size_t>(state)];
}

MatchResult match(const Fingerprint& enrolled, const Fingerprint& current,
                  const MatchPolicy& policy) {
  MatchResult result;
  result.threshold_ = policy.threshold;
  result.policy_valid_ = check_policy(policy).ok();
  bool required_matched = true;
  for (const Kind kind : all_kinds) {
    const KindState state = compare(run_of(enrolled, kind), run_of(current, kind));
    result.states_[kind_index(kind)] = state;
    result.required_[kind_index(kind)] = policy.is_required(kind);
    if (state == KindState::matched) {
      result.score_ += policy.weight(kind);
      result.heaviest_matched_ = std::max(result.heaviest_matched_, policy.weight(kind));
    }
    if (policy.is_required(kind) && state != KindState::matched) required_matched = false;
  }
  result.ok_ = result.policy_valid_ && required_matched && result.score_ >= result.threshold_;
  return result;
}

bool MatchResult::drifted() const {
  for (const KindState state : states_) {
    if (state == KindState::changed || state == KindState::missing) return true;
  }
  return false;
}

std::string MatchResult::explanation() const {
  if (!policy_valid_) return "no match: the license's match policy is not valid";
  std::string text;
  int enrolled_kinds = 0;
  int still_matching = 0;
  for (const Kind kind : all_kinds) {
    const KindState state = states_[kind_index(kind)];
    if (state == KindState::matched || state == KindState::changed || state == KindState::missing) {
      ++enrolled_kinds;
    }
    if (state == KindState::matched) ++still_matching;
    const bool required_failed = required_[kind_index(kind)] && state != KindState::matched;
    if (state == KindState::matched || (state == KindState::absent && !required_failed)) {
      continue;
    }
    if (!text.empty()) text += ", ";
    text += std::string(kind_name(kind)) + " " +
            std::string(state == KindState::absent ? "missing" : kind_state_name(state));
    if (required_failed) text += " (required)";
  }
  if (!text.empty()) text += ", ";
  text += std::to_string(still_matching) + " of " + std::to_string(enrolled_kinds) +
          (still_matching == enrolled_kinds ? " match" : " still match");
  text += " (score " + std::to_string(score_) + ", threshold " + std::to_string(threshold_) + ")";
  return ok_ ? text : "no match: " + text;
}

std::optional<std::string> shortfall_of(const KindSet& present, const MatchPolicy& policy) {
  if (auto status = check_policy(policy); !status.ok()) {
    return "the match policy is not valid: " + status.message();
  }
  std::vector<Kind> offered;
  std::vector<Kind> required_absent;
  int weight = 0;
  for (const Kind kind : all_kinds) {
    if (present[kind_index(kind)]) {
      offered.push_back(kind);
      weight += policy.weight(kind);
    } else if (policy.is_required(kind)) {
      required_absent.push_back(kind);
    }
  }
  if (!required_absent.empty()) {
    return "the policy requires " + list_names(required_absent) +
           ", which this machine does not offer";
  }
  if (weight >= policy.threshold) return std::nullopt;
  return "this machine offers too little to bind a license to: " +
         (offered.empty() ? std::string("nothing") : list_names(offered)) + " weigh " +
         std::to_string(weight) + " of the " + std::to_string(policy.threshold) +
         " the policy needs; bind the license to a dongle or use a floating license";
}

std::optional<std::string> binding_shortfall(const Fingerprint& fingerprint,
                                             const MatchPolicy& policy) {
  KindSet present{};
  for (const HashedComponent& component : fingerprint.components()) {
    present[kind_index(component.kind)] = true;
  }
  return shortfall_of(present, policy);
}

}  // namespace nodelock::fingerprint
