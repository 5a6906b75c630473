// The admin and client API's JSON: reading request bodies strictly (a wrong
// type, a missing or an unknown field is malformed, naming the field) and
// writing the store's records.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "nodelock/audit/audit_chain.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/admin_service.h"
#include "nodelock/server/floating_policy.h"
#include "nodelock/server/lease_service.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server {

// A request body: a JSON object. malformed for anything else.
Result<nlohmann::json> parse_body(std::string_view body);

// The one string field of {"<name>": "..."} bodies (the armored documents).
Result<std::string> only_string_field(const nlohmann::json& body, const char* name);

Result<Product> product_from_json(const nlohmann::json& body);
// "expires" and "maintenance_end" take unix seconds or a date "YYYY-MM-DD",
// which means the end of that day (UTC).
Result<LicenseOrder> license_order_from_json(const nlohmann::json& body);

// The floating terms of an order, named flat as `license create` and license
// records take them: each one absent keeps its default. None when the order
// names none and is not floating; check_order() then bounds them.
struct FloatingTerms {
  std::optional<int> grace_seats;
  std::optional<int> lease_ttl;
  std::optional<int> max_borrow_days;
  std::optional<SeatScope> scope;
  std::optional<ProjectTokens> project_tokens;
};
std::optional<FloatingPolicy> floating_policy_of_terms(const FloatingTerms& terms, SeatModel model);

Result<AdminRole> role_from_json(const nlohmann::json& body);
// The optional {"override": true} of a seat reset; an empty body is none.
Result<bool> reset_override_from_json(std::string_view body);
// The {"to_machine_id": "NL-…", "override": true} of a seat transfer
// (override optional); the machine ID is checked by the service.
struct TransferRequest {
  std::string to_machine_id;
  bool override_limit = false;
};
Result<TransferRequest> transfer_request_from_json(const nlohmann::json& body);
// The ?from=&to= of an audit query: dates "YYYY-MM-DD" (from the start of
// `from` to the end of `to`, UTC) or unix seconds; an absent bound is open.
Result<std::pair<UnixTime, UnixTime>> audit_range_from_query(const std::string& from,
                                                             const std::string& to);

nlohmann::json to_json(const Product& product);
// Never the token's hash.
nlohmann::json to_json(const AdminToken& token);
// The N of a limit change {"<field>": N}, e.g. {"max_activations": 10}.
Result<int> limit_from_json(const nlohmann::json& body, const char* field);
// The {"after_seconds": N | null} of a reclaim policy change; null: never.
Result<std::optional<std::int64_t>> reclaim_after_from_json(const nlohmann::json& body);
nlohmann::json to_json(const License& license);
nlohmann::json to_json(const Activation& activation);
nlohmann::json to_json(const SeatTransfer& transfer);
// {"used", "max"}; without "max" for a license without a limit, which clients
// that read a missing "max" as none understand.
nlohmann::json to_json(const SeatCount& seats);

// The bodies of POST /v1/licenses/{id}/users and of its remove, disable and
// enable; the e-mail address is checked by the service.
struct UserAdditionRequest {
  std::string email;
  std::optional<int> max_activations;
  bool reserved = false;
};
struct UserChangeRequest {
  std::string email;
  bool free_seats = false;
};
Result<UserAdditionRequest> user_addition_from_json(const nlohmann::json& body);
Result<UserChangeRequest> user_change_from_json(const nlohmann::json& body);
nlohmann::json to_json(const LicenseUser& user);

// A check-out: {"request": "<armored LEASE REQUEST>"}, with "queue": true to
// keep a place in the seat queue when refused and "ticket": "tkt_…" to poll
// with the place kept.
struct CheckoutBody {
  std::string request;
  QueueRequest queue;
};
Result<CheckoutBody> checkout_body_from_json(const nlohmann::json& body);
nlohmann::json to_json(const QueueTicket& ticket);

// The {"sequence": N, "mac": "..."} of a heartbeat or release of `lease_id`.
Result<LeaseProof> lease_proof_from_json(const nlohmann::json& body, const std::string& lease_id);
nlohmann::json to_json(const Lease& lease);

}  // namespace nodelock::server
