#include "project_tokens.h"

#include <algorithm>
#include <map>
#include <set>

#include "license_rules.h"
#include "seat_rules.h"

namespace nodelock::server {

namespace {

// Each held project and the people on it, in name order so refusals read the
// same every time.
using ProjectPeople = std::map<std::string, std::set<std::string>>;

ProjectPeople people_by_project(const std::vector<Lease>& held) {
  ProjectPeople projects;
  for (const Lease& lease : held) projects[lease.project].insert(person_of(lease));
  return projects;
}

struct TokenNeed {
  int team = 0;         // projects with two or more people
  int single_user = 0;  // projects with one
};

TokenNeed need_of(const ProjectPeople& projects) {
  TokenNeed need;
  for (const auto& [project, people] : projects) {
    (people.size() > 1 ? need.team : need.single_user) += 1;
  }
  return need;
}

// The projects of `held` and their people once `wanted` joins them.
ProjectPeople people_with(const Lease& wanted, const std::vector<Lease>& held) {
  ProjectPeople after = people_by_project(held);
  after[wanted.project].insert(person_of(wanted));
  return after;
}

// "A (u1, u2), B (u4)": the projects that pass `include`, with their people.
template <class Include>
std::string projects_text(const ProjectPeople& projects, Include include) {
  std::string text;
  for (const auto& [project, people] : projects) {
    if (!include(people)) continue;
    text += (text.empty() ? "" : ", ") + project + " (";
    std::string names;
    for (const std::string& person : people) names += (names.empty() ? "" : ", ") + person;
    text += names + ")";
  }
  return text;
}

Error team_token_needed(const License& license, const ProjectTokens& tokens, const Lease& wanted,
                        const ProjectPeople& before, const std::vector<Lease>& held, UnixTime now) {
  const std::set<std::string>& present = before.at(wanted.project);
  std::string message = "Project " + wanted.project + " already has a user on its mono token (" +
                        *present.begin() + "); a second user (" + person_of(wanted) +
                        ") needs a team token";
  if (tokens.team == 0) {
    message += ", and license " + key_display(license) +
               " has none: each of its projects admits one user at a time";
  } else {
    const auto teams = [](const std::set<std::string>& people) { return people.size() > 1; };
    message += std::string(", and ") + (tokens.team == 1 ? "the" : "all") + " " +
               plural(tokens.team, "team token") + (tokens.team == 1 ? " is" : " are") +
               " held by project" + (tokens.team == 1 ? " " : "s ") + projects_text(before, teams) +
               " on license " + key_display(license);
  }
  message += ". " + free_seat_advice(held, now);
  return make_error(ErrorCode::seats_exhausted, message);
}

Error all_tokens_held(const License& license, const FloatingPolicy& policy,
                      const ProjectTokens& tokens, const ProjectPeople& before,
                      const std::vector<Lease>& held, int queued_ahead, UnixTime now) {
  std::string message =
      "No project token available: all " + plural(tokens.total(), "project token") + " (" +
      std::to_string(tokens.team) + " team, " + std::to_string(tokens.mono) + " mono)";
  if (policy.grace_seats > 0) message += " and " + plural(policy.grace_seats, "grace seat");
  message += " of license " + key_display(license) + " are held by projects " +
             projects_text(before, [](const std::set<std::string>&) { return true; }) +
             queued_text(queued_ahead) +
             ". A project's token is free once its last user releases it. " +
             free_seat_advice(held, now);
  return make_error(ErrorCode::seats_exhausted, message);
}

}  // namespace

std::string person_of(const Lease& lease) {
  return lease.user.empty() ? lease.machine_id : lease.user;
}

bool needs_a_held_team_token(const ProjectTokens& tokens, const Lease& wanted,
                             const std::vector<Lease>& held) {
  return need_of(people_with(wanted, held)).team > tokens.team;
}

Result<SeatDecision> decide_project_token(const License& license, const FloatingPolicy& policy,
                                          const ProjectTokens& tokens, const Lease& wanted,
                                          const std::vector<Lease>& held, int queued_ahead,
                                          UnixTime now) {
  const auto on_project = std::find_if(held.begin(), held.end(), [&](const Lease& lease) {
    return lease.project == wanted.project;
  });
  const ProjectPeople before = people_by_project(held);
  const TokenNeed need = need_of(people_with(wanted, held));
  if (need.team > tokens.team) {
    return team_token_needed(license, tokens, wanted, before, held, now);
  }
  // A project already held keeps the token it has, grace or not.
  if (on_project != held.end()) return SeatDecision{on_project->overage, std::nullopt};
  // Each ticket ahead is a project waiting for a token of its own.
  const int covered = need.team + need.single_user + queued_ahead;
  if (covered <= tokens.total()) return SeatDecision{false, std::nullopt};
  if (covered <= tokens.total() + policy.grace_seats) return SeatDecision{true, std::nullopt};
  return all_tokens_held(license, policy, tokens, before, held, queued_ahead, now);
}

}  // namespace nodelock::server
