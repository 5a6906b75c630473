#include "nodelock/server/admin_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "identifiers.h"
#include "license_rules.h"
#include "nodelock/activation/license_key.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/utc_time.h"
#include "nodelock/server/lease_store.h"
#include "nodelock/server/seat_reclaim.h"
#include "nodelock/server/seats_in_use.h"
#include "record_refusals.h"
#include "reserved_seats.h"
#include "roles.h"
#include "seat_refusal_messages.h"

namespace nodelock::server {

namespace {

constexpr std::string_view kTokenPrefix = "nla_";
constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kMaxFeatures = 64;
constexpr std::size_t kMaxNameLength = 200;

Status bad_field(const std::string& message) {
  return make_error(ErrorCode::invalid_argument, message);
}

// A site license's constraint in normal form; none for the other models.
Result<SiteConstraint> site_of(const LicenseOrder& order) {
  if (order.model != SeatModel::site) {
    if (!order.site_fields) return SiteConstraint{};
    return bad_field(
               "allowed_networks, domain, site_match and offline_only are for site licenses; "
               "create it with model site")
        .error();
  }
  if (order.max_activations != 0) {
    return bad_field(
               "a site license admits any number of machines inside its site; leave out "
               "max_activations")
        .error();
  }
  return normalise_site(order.site);
}

Status check_order(const LicenseOrder& order, std::optional<UnixTime> now) {
  if (order.floating && order.model != SeatModel::floating) {
    return bad_field(
        "grace seats, lease TTL, seat scope, project tokens and borrowing apply to floating "
        "licenses only; create it with --model floating");
  }
  if (order.floating) {
    if (Status terms = check_floating_policy(*order.floating); !terms.ok()) return terms;
    const auto& tokens = order.floating->project_tokens;
    if (tokens && tokens->total() != order.max_activations) {
      return bad_field(
          "a license with project tokens has one seat per token: max_activations "
          "must be " +
          std::to_string(tokens->total()) + " (" + std::to_string(tokens->team) + " team + " +
          std::to_string(tokens->mono) + " mono), not " + std::to_string(order.max_activations));
    }
  }
  if (order.expires_at && order.trial_days) {
    return bad_field(
        "a license is either a subscription (expires) or a trial (trial_days), "
        "not both");
  }
  if (now && order.expires_at && *order.expires_at <= *now) {
    return bad_field("the expiry " + utc_date(*order.expires_at) + " is in the past");
  }
  if (auto site = site_of(order); !site.ok()) return site.error();
  if (Status reclaim = check_reclaim_after(order.model, order.reclaim_after_seconds);
      !reclaim.ok()) {
    return reclaim;
  }
  const int lowest_limit = order.model == SeatModel::site ? 0 : 1;
  for (Status check :
       {in_range("max_activations", order.max_activations, lowest_limit, kMaxActivations),
        in_range("trial_days", order.trial_days.value_or(1), 1, 365),
        in_range("grace_days", order.grace_days, 0, 365),
        in_range("refresh_days", order.refresh_days, 1, 3650),
        in_range("max_version", order.max_version.value_or(0), 0, 1000000),
        in_range("max_resets_per_year", order.max_resets_per_year.value_or(0), 0, kMaxActivations),
        in_range("max_transfers_per_year", order.max_transfers_per_year.value_or(0), 0,
                 kMaxActivations),
        in_range("transfer_cooldown_days", order.transfer_cooldown_days, 0, 365),
        in_range("self_service_releases_per_month", order.self_service_releases_per_month, 0,
                 kMaxActivations)}) {
    if (!check.ok()) return check;
  }
  if (!encoding::is_display_text(order.licensee, kMaxNameLength)) {
    return bad_field("licensee must be at most 200 printable characters");
  }
  if (order.features.size() > kMaxFeatures) return bad_field("at most 64 features");
  std::set<std::string> seen;
  for (const std::string& feature : order.features) {
    if (!is_identifier(feature)) {
      return bad_field("feature '" + feature +
                       "' must be 1-64 of a-z, 0-9, '-', '_' and '.', starting with a letter "
                       "or digit");
    }
    if (!seen.insert(feature).second) return bad_field("feature '" + feature + "' is repeated");
  }
  if (order.match_policy) return fingerprint::check_policy(*order.match_policy);
  return {};
}

std::string token_hash(std::string_view token) {
  return encoding::hex(crypto::sha256(token).bytes);
}

}  // namespace

Status check_license_order(const LicenseOrder& order, std::optional<UnixTime> now) {
  return check_order(order, now);
}

License license_of_order(const LicenseOrder& order) {
  License license;
  license.product_id = order.product;
  license.model = order.model;
  license.licensee = order.licensee;
  license.max_activations = order.max_activations;
  license.term = order.expires_at   ? Term::subscription
                 : order.trial_days ? Term::trial
                                    : Term::perpetual;
  license.expires_at = order.expires_at;
  license.trial_days = order.trial_days.value_or(0);
  license.grace_days = order.grace_days;
  license.refresh_days = order.refresh_days;
  license.features = order.features;
  license.max_version = order.max_version;
  license.maintenance_end = order.maintenance_end;
  license.max_resets_per_year = order.max_resets_per_year;
  license.reclaim_after_seconds = order.reclaim_after_seconds;
  license.max_transfers_per_year = order.max_transfers_per_year;
  license.transfer_cooldown_days = order.transfer_cooldown_days;
  license.self_service_releases_per_month = order.self_service_releases_per_month;
  if (order.match_policy) license.match_policy = fingerprint::to_json(*order.match_policy).dump();
  if (order.model == SeatModel::floating) {
    license.floating_policy = to_json(order.floating.value_or(FloatingPolicy{})).dump();
  }
  if (order.model == SeatModel::site) {
    // check_order() accepted it; were it not in normal form, the site admits nobody.
    auto site = normalise_site(order.site);
    license.site = site.ok() ? std::move(*site) : SiteConstraint{{}, {}, SiteMatch::all, true};
  }
  return license;
}

Status check_page_size(const ActivationPageRequest& page) {
  if (page.limit >= 1 && page.limit <= kMaxActivationPage) return {};
  return make_error(ErrorCode::invalid_argument, "limit must be 1 to " +
                                                     std::to_string(kMaxActivationPage) + ", not " +
                                                     std::to_string(page.limit));
}

Status require_role(AdminRole caller, AdminRole needed) {
  if (static_cast<int>(caller) >= static_cast<int>(needed)) return {};
  return make_error(ErrorCode::forbidden, "this needs an admin token with the " +
                                              std::string(name_of(needed)) + " role; this one is " +
                                              std::string(name_of(caller)));
}

Status require_support(AdminRole caller, bool override_limit, std::string_view beyond) {
  if (Status allowed = require_role(caller, AdminRole::support); !allowed.ok()) return allowed;
  if (!override_limit || caller == AdminRole::admin) return {};
  return make_error(ErrorCode::forbidden, "only an admin token may " + std::string(beyond));
}

AdminService::AdminService(ServiceContext context) : context_(std::move(context)) {}

Result<AdminCaller> AdminService::authenticate(std::string_view token,
                                               std::optional<std::string_view> origin) const {
  const auto refused = [&]() -> Error {
    const Error error =
        make_error(ErrorCode::unauthorized,
                   "the admin token is not valid; check --token or ask an admin for a new one");
    if (!origin) return error;
    AuditEntry attempt;
    attempt.at = context_.clock();
    attempt.actor = std::string(kAnonymousActor);
    attempt.action = "admin.auth_failed";
    attempt.subject = std::string(*origin);
    attempt.before = attempt.after = "null";
    // The token is refused even when its entry cannot be written: no state
    // changed, and a failing log must never let a caller in.
    (void)context_.store.append_audit(attempt);
    return error;
  };
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix) return refused();
  const std::string hash = token_hash(token);
  auto stored = context_.store.admin_token_by_hash(hash);
  if (!stored.ok()) return stored.code() == ErrorCode::not_found ? refused() : stored.error();
  // The lookup already matched; comparing again in constant time keeps a
  // store whose index compares early-out from ever deciding alone.
  if (!crypto::constant_time_equal(crypto::ByteView(stored->token_hash), crypto::ByteView(hash))) {
    return refused();
  }
  return AdminCaller{stored->id, stored->role};
}

Result<Product> AdminService::create_product(const AdminCaller& caller, Product product) const {
  if (Status allowed = require_role(caller.role, AdminRole::admin); !allowed.ok()) {
    return allowed.error();
  }
  if (!is_identifier(product.id)) {
    return make_error(ErrorCode::invalid_argument,
                      "a product id is 1-64 of a-z, 0-9, '-', '_' and '.', such as acme-cad");
  }
  if (product.name.empty() || !encoding::is_display_text(product.name, kMaxNameLength)) {
    return make_error(ErrorCode::invalid_argument, "a product name is 1-200 printable characters");
  }
  product.created_at = context_.clock();
  Status added = context_.store.add_product(product, {caller.token_id, product.created_at});
  if (added.code() == ErrorCode::already_exists) {
    return make_error(ErrorCode::already_exists, "product '" + product.id + "' already exists");
  }
  if (!added.ok()) return added.error();
  return product;
}

Result<std::vector<Product>> AdminService::products(AdminRole caller) const {
  if (Status allowed = require_role(caller, AdminRole::viewer); !allowed.ok())
    return allowed.error();
  return context_.store.products();
}

Result<NewLicense> AdminService::create_license(const AdminCaller& caller,
                                                const LicenseOrder& order) const {
  if (Status allowed = require_role(caller.role, AdminRole::admin); !allowed.ok()) {
    return allowed.error();
  }
  const UnixTime now = context_.clock();
  if (Status valid = check_order(order, now); !valid.ok()) return valid.error();
  const LicenseKey key = LicenseKey::generate();
  License license = license_of_order(order);
  license.id = new_record_id("lic");
  license.key_hash = context_.key_hasher.hash(key.text());
  license.key_last5 = key.last_group();
  license.created_at = now;
  Status added = context_.store.add_license(license, {caller.token_id, now});
  if (added.code() == ErrorCode::already_exists) return license_exists();
  if (!added.ok()) {
    if (added.code() != ErrorCode::not_found) return added.error();
    return make_error(ErrorCode::not_found, "no product '" + order.product +
                                                "'; create it first with `nodelock admin "
                                                "product create`");
  }
  return NewLicense{std::move(license), key.text()};
}

Result<std::vector<License>> AdminService::licenses(AdminRole caller,
                                                    std::string_view product) const {
  if (Status allowed = require_role(caller, AdminRole::viewer); !allowed.ok())
    return allowed.error();
  auto licenses = context_.store.licenses(product);
  if (!licenses.ok()) return licenses;
  if (Status counted = count_floating_seats(*licenses, ""); !counted.ok()) return counted.error();
  return licenses;
}

Status AdminService::count_floating_seats(std::vector<License>& licenses,
                                          std::string_view license_id) const {
  const bool any_floating = std::any_of(licenses.begin(), licenses.end(), [](const License& l) {
    return l.model == SeatModel::floating;
  });
  if (!any_floating) return {};
  auto held = context_.store.leases().held_leases(license_id);
  if (!held.ok()) return held.error();
  count_leased_seats(licenses, *held);
  return {};
}

Result<LicenseDetails> AdminService::license(AdminRole caller, std::string_view id) const {
  if (Status allowed = require_role(caller, AdminRole::viewer); !allowed.ok())
    return allowed.error();
  auto license = context_.store.license(id);
  if (!license.ok()) return license.error();
  auto activations = activation_page(context_.store, id, ActivationPageRequest{});
  if (!activations.ok()) return activations.error();
  auto users = context_.store.license_users(id);
  if (!users.ok()) return users.error();
  std::vector<License> counted{std::move(*license)};
  if (Status status = count_floating_seats(counted, id); !status.ok()) return status.error();
  LicenseDetails details{std::move(counted.front()), std::move(*activations), {}};
  for (const LicenseUser& user : *users) {
    if (user.reserved) details.reserved_for.push_back(user.email);
  }
  return details;
}

Result<License> AdminService::set_license_state(const AdminCaller& caller, std::string_view id,
                                                LicenseState state) const {
  if (Status allowed = require_role(caller.role, AdminRole::support); !allowed.ok()) {
    return allowed.error();
  }
  auto current = context_.store.license(id);
  if (!current.ok()) return current.error();
  if (current->state == LicenseState::revoked && state != LicenseState::revoked) {
    return make_error(ErrorCode::conflict,
                      "license " + current->id + " is revoked, which is final; issue a new one");
  }
  return context_.store.set_license_state(id, state, {caller.token_id, context_.clock()});
}

Result<ActivationPage> AdminService::activations(AdminRole caller, std::string_view license_id,
                                                 const ActivationPageRequest& page) const {
  if (Status allowed = require_role(caller, AdminRole::viewer); !allowed.ok())
    return allowed.error();
  if (Status size = check_page_size(page); !size.ok()) return size.error();
  auto license = context_.store.license(license_id);
  if (!license.ok()) return license.error();
  return activation_page(context_.store, license_id, page);
}

Result<License> AdminService::set_license_limit(const AdminCaller& caller, std::string_view id,
                                                int max_activations) const {
  if (Status allowed = require_role(caller.role, AdminRole::support); !allowed.ok()) {
    return allowed.error();
  }
  if (Status valid = in_range("max_activations", max_activations, 1, kMaxActivations);
      !valid.ok()) {
    return valid.error();
  }
  LimitChange change;
  change.license_id = std::string(id);
  change.value = max_activations;
  change.by = {caller.token_id, context_.clock()};
  const AdminRole role = caller.role;
  change.admit = [role, max_activations](const License& license,
                                         const std::vector<std::string>& reserved) -> Status {
    if (!has_seat_limit(license)) {
      return make_error(ErrorCode::conflict, "license " + key_display(license) +
                                                 " is a site license: it has no machine limit");
    }
    // The token rule counts the tokens, so a limit apart from them would mislead.
    if (auto terms = floating_policy_of(license); terms.ok() && terms->project_tokens) {
      return make_error(ErrorCode::conflict,
                        "license " + key_display(license) + " has one seat per project token (" +
                            std::to_string(terms->project_tokens->team) + " team, " +
                            std::to_string(terms->project_tokens->mono) +
                            " mono); its seats are not set apart from its tokens");
    }
    if (Status kept = admit_seat_limit(license, reserved, max_activations); !kept.ok()) {
      return kept;
    }
    if (max_activations <= license.max_activations || role == AdminRole::admin) return {};
    return make_error(ErrorCode::forbidden,
                      "raising license " + key_display(license) + " from " +
                          std::to_string(license.max_activations) + " to " +
                          std::to_string(max_activations) +
                          " machines needs an admin token; support may only lower it");
  };
  return context_.store.set_limit(change);
}

Result<Activation> AdminService::reset_activation(const AdminCaller& caller,
                                                  std::string_view activation_id,
                                                  bool override_limit) const {
  if (Status allowed =
          require_support(caller.role, override_limit, "reset beyond a license's yearly allowance");
      !allowed.ok()) {
    return allowed.error();
  }
  const UnixTime now = context_.clock();
  SeatReset reset;
  reset.activation_id = std::string(activation_id);
  reset.by = {caller.token_id, now};
  reset.counted_since = now - kAllowanceYear;
  reset.admit = [override_limit](
                    const License& license,
                    const std::vector<UnixTime>& resets_this_year) -> Result<Admission> {
    const int resets = static_cast<int>(resets_this_year.size());
    if (!license.max_resets_per_year || resets < *license.max_resets_per_year) {
      return Admission{};
    }
    if (override_limit) return Admission{{"max_resets_per_year"}};
    return make_error(
        ErrorCode::forbidden,
        allowance_used_up(license, "device reset", *license.max_resets_per_year, resets_this_year) +
            "; an admin may reset beyond that with --override");
  };
  reset.refusal = seat_refusal_message;
  return context_.store.reset_seat(reset);
}

Status AdminService::may_answer_offline_requests(AdminRole caller) const {
  return require_role(caller, AdminRole::support);
}

Result<IssuedAdminToken> AdminService::create_admin_token(const AdminCaller& caller,
                                                          AdminRole role) const {
  if (Status allowed = require_role(caller.role, AdminRole::admin); !allowed.ok()) {
    return allowed.error();
  }
  return issue_admin_token(context_.store, role, {caller.token_id, context_.clock()});
}

Result<std::vector<AdminToken>> AdminService::admin_tokens(AdminRole caller) const {
  if (Status allowed = require_role(caller, AdminRole::admin); !allowed.ok())
    return allowed.error();
  return context_.store.admin_tokens();
}

Result<AdminToken> AdminService::revoke_admin_token(const AdminCaller& caller,
                                                    std::string_view token_id) const {
  if (Status allowed = require_role(caller.role, AdminRole::admin); !allowed.ok()) {
    return allowed.error();
  }
  TokenRevocation revocation;
  revocation.token_id = std::string(token_id);
  revocation.by = {caller.token_id, context_.clock()};
  revocation.admit = [](const AdminToken& token, int admin_tokens) -> Status {
    if (token.role != AdminRole::admin || admin_tokens > 1) return {};
    return make_error(ErrorCode::conflict, "token " + token.id +
                                               " is the last admin token; create another "
                                               "admin token before revoking this one");
  };
  auto revoked = context_.store.revoke_admin_token(revocation);
  if (!revoked.ok() && revoked.code() == ErrorCode::not_found) {
    return make_error(ErrorCode::not_found, "no admin token '" + revocation.token_id + "'");
  }
  return revoked;
}

Result<std::vector<AuditEntry>> AdminService::audit_log(AdminRole caller, UnixTime from,
                                                        UnixTime to) const {
  if (Status allowed = require_role(caller, AdminRole::support); !allowed.ok())
    return allowed.error();
  if (from > to) {
    return make_error(ErrorCode::invalid_argument,
                      "the audit range starts after it ends; give --from before --to");
  }
  return context_.store.audit_entries(from, to);
}

Result<IssuedAdminToken> issue_admin_token(Store& store, AdminRole role, const ChangedBy& by) {
  IssuedAdminToken issued{
      new_record_id("tok"),
      std::string(kTokenPrefix) + encoding::hex(crypto::random_bytes(kTokenBytes))};
  Status added = store.add_admin_token({issued.id, token_hash(issued.token), role, by.at}, by);
  if (!added.ok()) return added.error();
  return issued;
}

}  // namespace nodelock::server
