#include "json_mapping.h"

#include <limits>

#include "../service/license_rules.h"
#include "json_text.h"
#include "nodelock/activation/json_fields.h"
#include "nodelock/crypto/utc_time.h"
#include "nodelock/fingerprint/policy.h"

namespace nodelock::server {

namespace {

std::optional<UnixTime> read_time(FieldReader& in, const nlohmann::json& body, const char* name) {
  const auto found = body.find(name);
  if (found == body.end()) return std::nullopt;
  if (found->is_string()) {
    // A date means the end of that day: a license that "expires 2026-12-31"
    // runs all of that day.
    auto day = parse_utc_date(in.string(name), std::string("\"") + name + "\"");
    if (!day.ok()) {
      if (!in.failed()) in.fail(day.message() + " Or give unix seconds as a number.");
      return std::nullopt;
    }
    return end_of_utc_day(*day);
  }
  const auto seconds = in.optional_integer(name);
  // Bounded like a typed date, so adding grace days to it cannot overflow.
  if (seconds && (*seconds < 0 || *seconds > kLatestUnixTime)) {
    if (!in.failed()) {
      in.fail(std::string("\"") + name + "\" takes unix seconds from 0 to " +
              std::to_string(kLatestUnixTime) + " (9999-12-31), or a date YYYY-MM-DD; got " +
              std::to_string(*seconds));
    }
    return std::nullopt;
  }
  return seconds;
}

std::optional<int> read_small_int(FieldReader& in, const char* name) {
  const auto value = in.optional_integer(name);
  if (!value) return std::nullopt;
  if (*value < -1000000000 || *value > 1000000000) {
    in.fail(std::string("\"") + name + "\" is out of range");
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

// The site constraint of a site license's order; checked by the service.
void read_site_order(FieldReader& in, const nlohmann::json& body, LicenseOrder& order) {
  if (body.contains("allowed_networks")) order.site.networks = in.string_list("allowed_networks");
  order.site.domain = in.optional_string("domain").value_or("");
  if (const auto match = in.optional_string("site_match")) {
    const auto named = site_match_named(*match);
    if (!named && !in.failed()) in.fail("\"site_match\" must be all or any");
    order.site.match = named.value_or(SiteMatch::all);
    order.site_fields = true;
  }
  order.site.offline_only = body.contains("offline_only") && in.boolean("offline_only");
  order.site_fields = order.site_fields || body.contains("allowed_networks") ||
                      body.contains("domain") || body.contains("offline_only");
}

// The floating terms of a license order, flat in its body; any one present
// makes the order carry a policy, the others keeping their defaults.
void read_floating_terms(FieldReader& in, LicenseOrder& order) {
  FloatingTerms terms;
  terms.grace_seats = read_small_int(in, "grace_seats");
  terms.lease_ttl = read_small_int(in, "lease_ttl");
  terms.max_borrow_days = read_small_int(in, "max_borrow_days");
  const auto scope_name = in.optional_string("seat_scope");
  terms.scope = scope_name ? seat_scope_from_name(*scope_name) : std::nullopt;
  if (scope_name && !terms.scope && !in.failed())
    in.fail("\"seat_scope\" must be user, device or project");
  if (const nlohmann::json* given = in.optional_object("project_tokens")) {
    auto read = project_tokens_from_json(*given);
    if (read.ok()) terms.project_tokens = *read;
    if (!read.ok() && !in.failed()) in.fail(read.message());
  }
  order.floating = floating_policy_of_terms(terms, order.model);
}

}  // namespace

std::optional<FloatingPolicy> floating_policy_of_terms(const FloatingTerms& terms,
                                                       SeatModel model) {
  if (!terms.grace_seats && !terms.lease_ttl && !terms.max_borrow_days && !terms.scope &&
      !terms.project_tokens && model != SeatModel::floating) {
    return std::nullopt;
  }
  FloatingPolicy policy;
  policy.grace_seats = terms.grace_seats.value_or(policy.grace_seats);
  policy.lease_ttl_seconds = terms.lease_ttl.value_or(policy.lease_ttl_seconds);
  policy.max_borrow_days = terms.max_borrow_days.value_or(policy.max_borrow_days);
  policy.scope = terms.scope.value_or(policy.scope);
  policy.project_tokens = terms.project_tokens;
  return policy;
}

Result<nlohmann::json> parse_body(std::string_view body) {
  auto json = parse_json_text(body);
  if (!json.ok()) return make_error(ErrorCode::malformed, "the request body: " + json.message());
  if (!json->is_object()) {
    return make_error(ErrorCode::malformed, "the request body must be a JSON object");
  }
  return json;
}

Result<std::string> only_string_field(const nlohmann::json& body, const char* name) {
  FieldReader in(body, "request body");
  std::string value = in.string(name);
  if (Status read = in.finish(); !read.ok()) return read.error();
  return value;
}

Result<Product> product_from_json(const nlohmann::json& body) {
  FieldReader in(body, "product");
  Product product;
  product.id = in.string("id");
  product.name = in.string("name");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return product;
}

Result<LicenseOrder> license_order_from_json(const nlohmann::json& body) {
  FieldReader in(body, "license");
  LicenseOrder order;
  order.product = in.string("product");
  const auto model = seat_model_from_name(in.string("model"));
  if (!model && !in.failed()) in.fail("\"model\" must be node-locked, floating or site");
  order.model = model.value_or(SeatModel::node_locked);
  order.max_activations = read_small_int(in, "max_activations").value_or(0);
  if (!body.contains("max_activations") && order.model != SeatModel::site) {
    in.fail("the license has no \"max_activations\" field");
  }
  read_site_order(in, body, order);
  order.expires_at = read_time(in, body, "expires");
  order.maintenance_end = read_time(in, body, "maintenance_end");
  order.trial_days = read_small_int(in, "trial_days");
  order.grace_days = read_small_int(in, "grace_days").value_or(0);
  order.refresh_days = read_small_int(in, "refresh_days").value_or(order.refresh_days);
  order.max_version = read_small_int(in, "max_version");
  order.max_resets_per_year = read_small_int(in, "max_resets_per_year");
  order.reclaim_after_seconds = in.optional_integer("reclaim_after_seconds");
  order.max_transfers_per_year = read_small_int(in, "max_transfers_per_year");
  order.transfer_cooldown_days = read_small_int(in, "transfer_cooldown_days").value_or(0);
  order.self_service_releases_per_month =
      read_small_int(in, "self_service_releases_per_month").value_or(0);
  if (body.contains("features")) order.features = in.string_list("features");
  order.licensee = in.optional_string("licensee").value_or("");
  read_floating_terms(in, order);
  if (body.contains("match_policy")) {
    const nlohmann::json& policy = in.object("match_policy");
    auto parsed = fingerprint::match_policy_from_json(policy);
    if (!in.failed() && !parsed.ok()) in.fail(parsed.message());
    if (parsed.ok()) order.match_policy = *parsed;
  }
  if (Status read = in.finish(); !read.ok()) return read.error();
  return order;
}

Result<AdminRole> role_from_json(const nlohmann::json& body) {
  auto name = only_string_field(body, "role");
  if (!name.ok()) return name.error();
  const auto role = admin_role_named(*name);
  if (!role) return make_error(ErrorCode::malformed, "\"role\" must be admin, support or viewer");
  return *role;
}

Result<std::pair<UnixTime, UnixTime>> audit_range_from_query(const std::string& from,
                                                             const std::string& to) {
  const auto bound = [](const std::string& text, const char* name, bool end,
                        UnixTime open) -> Result<UnixTime> {
    if (text.empty()) return open;
    auto time = parse_time_or_date(text, name);
    if (!time.ok()) return time.error();
    if (!time->is_date) return time->unix_time;
    return end ? end_of_utc_day(time->unix_time) : time->unix_time;
  };
  auto first = bound(from, "from", false, 0);
  if (!first.ok()) return first.error();
  auto last = bound(to, "to", true, std::numeric_limits<UnixTime>::max());
  if (!last.ok()) return last.error();
  return std::pair{*first, *last};
}

Result<bool> reset_override_from_json(std::string_view body) {
  if (body.empty()) return false;
  auto json = parse_body(body);
  if (!json.ok()) return json.error();
  FieldReader in(*json, "reset");
  const bool override_limit = json->contains("override") && in.boolean("override");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return override_limit;
}

Result<TransferRequest> transfer_request_from_json(const nlohmann::json& body) {
  FieldReader in(body, "transfer");
  TransferRequest request;
  request.to_machine_id = in.string("to_machine_id");
  request.override_limit = body.contains("override") && in.boolean("override");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return request;
}

Result<int> limit_from_json(const nlohmann::json& body, const char* field) {
  FieldReader in(body, "limit");
  const auto value = read_small_int(in, field);
  if (!value && !in.failed()) in.fail(std::string("the limit has no \"") + field + "\" field");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return *value;
}

Result<std::optional<std::int64_t>> reclaim_after_from_json(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("after_seconds")) {
    return make_error(ErrorCode::malformed,
                      "the reclaim policy has no \"after_seconds\" field (seconds, or null for "
                      "never)");
  }
  // null switches reclamation off; FieldReader reads the rest, so an unknown
  // field or another type is still malformed.
  nlohmann::json rest = body;
  if (rest["after_seconds"].is_null()) rest.erase("after_seconds");
  FieldReader in(rest, "reclaim policy");
  const auto after = in.optional_integer("after_seconds");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return after;
}

Result<UserAdditionRequest> user_addition_from_json(const nlohmann::json& body) {
  FieldReader in(body, "license user");
  UserAdditionRequest request;
  request.email = in.string("email");
  request.max_activations = read_small_int(in, "max_activations");
  request.reserved = body.contains("reserved") && in.boolean("reserved");
  if (!body.contains("email") && !in.failed()) in.fail("the license user has no \"email\" field");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return request;
}

Result<UserChangeRequest> user_change_from_json(const nlohmann::json& body) {
  FieldReader in(body, "license user change");
  UserChangeRequest request;
  request.email = in.string("email");
  request.free_seats = body.contains("free_seats") && in.boolean("free_seats");
  if (!body.contains("email") && !in.failed()) {
    in.fail("the license user change has no \"email\" field");
  }
  if (Status read = in.finish(); !read.ok()) return read.error();
  return request;
}

nlohmann::json to_json(const LicenseUser& user) {
  nlohmann::json json = {{"license_id", user.license_id}, {"email", user.email},
                         {"max_activations", nullptr},    {"disabled", user.disabled},
                         {"reserved", user.reserved},     {"seats_used", user.seats_used},
                         {"created_at", user.created_at}};
  if (user.max_activations) json["max_activations"] = *user.max_activations;
  return json;
}

nlohmann::json to_json(const AdminToken& token) {
  return {{"id", token.id}, {"role", name_of(token.role)}, {"created_at", token.created_at}};
}

nlohmann::json to_json(const Product& product) {
  return {{"id", product.id}, {"name", product.name}, {"created_at", product.created_at}};
}

nlohmann::json to_json(const License& license) {
  nlohmann::json json = {
      {"id", license.id},
      {"product", license.product_id},
      {"key_hint", key_display(license)},
      {"model", seat_model_name(license.model)},
      {"licensee", license.licensee},
      {"max_activations", license.max_activations},
      {"seats_used", license.seats_used},
      {"term", term_name(license.term)},
      {"trial_days", license.trial_days},
      {"grace_days", license.grace_days},
      {"refresh_days", license.refresh_days},
      {"features", license.features},
      {"status", name_of(license.state)},
      {"created_at", license.created_at},
  };
  if (license.expires_at) json["expires_at"] = *license.expires_at;
  if (license.max_version) json["max_version"] = *license.max_version;
  if (license.maintenance_end) json["maintenance_end"] = *license.maintenance_end;
  if (license.max_resets_per_year) json["max_resets_per_year"] = *license.max_resets_per_year;
  json["reclaim_after_seconds"] = license.reclaim_after_seconds
                                      ? nlohmann::json(*license.reclaim_after_seconds)
                                      : nlohmann::json(nullptr);
  if (license.max_transfers_per_year) {
    json["max_transfers_per_year"] = *license.max_transfers_per_year;
  }
  json["transfer_cooldown_days"] = license.transfer_cooldown_days;
  json["self_service_releases_per_month"] = license.self_service_releases_per_month;
  if (license.model == SeatModel::site) {
    json["max_activations"] = nullptr;
    json["site"] = to_json(license.site);
  }
  if (auto floating = floating_policy_of(license); floating.ok()) {
    json["floating"] = to_json(*floating);
  }
  return json;
}

nlohmann::json to_json(const SeatCount& seats) {
  nlohmann::json json = {{"used", seats.used}};
  if (seats.max) json["max"] = *seats.max;
  return json;
}

nlohmann::json to_json(const Activation& activation) {
  auto fingerprint = nlohmann::json::parse(activation.fingerprint, nullptr, false);
  if (fingerprint.is_discarded()) fingerprint = nullptr;
  return {
      {"id", activation.id},
      {"license_id", activation.license_id},
      {"machine_id", activation.machine_id},
      {"hostname", activation.hostname},
      {"environment", activation.environment},
      {"mode", activation.mode},
      {"status", name_of(activation.state)},
      {"activated_at", activation.activated_at},
      {"last_seen_at", activation.last_seen_at},
      {"fingerprint", std::move(fingerprint)},
      {"user", activation.user},
      {"cloned_at", activation.cloned_at ? nlohmann::json(*activation.cloned_at) : nullptr},
      {"reclaimed_at",
       activation.reclaimed_at ? nlohmann::json(*activation.reclaimed_at) : nullptr},
      {"transferred_to",
       activation.transferred_to ? to_json(*activation.transferred_to) : nlohmann::json()},
      {"transferred_from",
       activation.transferred_from ? to_json(*activation.transferred_from) : nlohmann::json()},
  };
}

Result<CheckoutBody> checkout_body_from_json(const nlohmann::json& body) {
  // Longer than any ticket the server hands out; a longer one is not a ticket.
  constexpr std::size_t kMaxTicket = 64;
  FieldReader in(body, "request body");
  CheckoutBody checkout;
  checkout.request = in.string("request");
  if (body.is_object() && body.contains("queue")) checkout.queue.join = in.boolean("queue");
  checkout.queue.ticket = in.optional_string("ticket");
  if (Status read = in.finish(); !read.ok()) return read.error();
  if (checkout.queue.ticket && !checkout.queue.join) {
    return make_error(ErrorCode::malformed,
                      "a \"ticket\" is a place in the seat queue: send it with \"queue\": true");
  }
  if (checkout.queue.ticket && checkout.queue.ticket->size() > kMaxTicket) {
    return make_error(ErrorCode::malformed,
                      "\"ticket\" is longer than any ticket the server "
                      "hands out");
  }
  return checkout;
}

nlohmann::json to_json(const QueueTicket& ticket) {
  return {{"ticket", ticket.id},
          {"position", ticket.position},
          {"waiting", ticket.waiting},
          {"poll_seconds", ticket.poll_seconds}};
}

nlohmann::json to_json(const SeatTransfer& transfer) {
  return {{"from_activation_id", transfer.from_activation_id},
          {"license_id", transfer.license_id},
          {"from_machine_id", transfer.from_machine_id},
          {"to_machine_id", transfer.to_machine_id},
          {"transferred_at", transfer.transferred_at},
          {"held_until", transfer.held_until},
          {"to_activation_id", transfer.to_activation_id.empty()
                                   ? nlohmann::json()
                                   : nlohmann::json(transfer.to_activation_id)}};
}

Result<LeaseProof> lease_proof_from_json(const nlohmann::json& body, const std::string& lease_id) {
  FieldReader in(body, "lease call");
  LeaseProof proof;
  proof.lease_id = lease_id;
  proof.sequence = in.integer("sequence");
  proof.mac = in.string("mac");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return proof;
}

nlohmann::json to_json(const Lease& lease) {
  nlohmann::json json = {{"id", lease.id},
                         {"license_id", lease.license_id},
                         {"seat", lease.seat},
                         {"user", lease.user},
                         {"machine_id", lease.machine_id},
                         {"hostname", lease.hostname},
                         {"project", lease.project},
                         {"started_at", lease.started_at},
                         {"last_seen_at", lease.last_seen_at},
                         {"expires_at", lease.expires_at},
                         {"overage", lease.overage},
                         {"borrowed", lease.borrowed},
                         {"ended_at", nullptr},
                         {"end", nullptr}};
  if (lease.ended_at) json["ended_at"] = *lease.ended_at;
  if (lease.end) json["end"] = name_of(*lease.end);
  return json;
}

}  // namespace nodelock::server
