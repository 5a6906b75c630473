// Project tokens: the seats of a project-scoped floating license with typed
// tokens. A project whose leases belong to one user holds a mono or a team
// token; a project with two or more users needs a team token. Which project
// holds which token is never stored: each check-out asks whether the projects
// held, counting the request, can still be covered by the tokens, so the
// answer follows from the leases alone.
#pragma once

#include <string>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/server/floating_policy.h"
#include "nodelock/server/lease_store.h"

namespace nodelock::server {

// Who a lease's user is for the mono rule: its user, or its machine when the
// client named no user.
std::string person_of(const Lease& lease);

// True when granting `wanted` beside `held` would leave more projects with
// two or more users than `tokens` has team tokens.
bool needs_a_held_team_token(const ProjectTokens& tokens, const Lease& wanted,
                             const std::vector<Lease>& held);

// Whether `wanted` may be granted beside `held` under `tokens`: admitted when
// projects_needing_team <= team and projects_needing_team +
// single_user_projects + queued_ahead <= team + mono, counting the request
// and the `queued_ahead` tickets of the seat queue before it; beyond the
// tokens as overage while grace seats remain. A user already on the project
// shares its token. seats_exhausted otherwise, saying which rule refused and
// which projects hold the tokens.
[[nodiscard]] Result<SeatDecision> decide_project_token(
    const License& license, const FloatingPolicy& policy, const ProjectTokens& tokens,
    const Lease& wanted, const std::vector<Lease>& held, int queued_ahead, UnixTime now);

}  // namespace nodelock::server
