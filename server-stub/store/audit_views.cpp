#include "audit_views.h"

#include <utility>

#include "nodelock/activation/canonical_json.h"

namespace nodelock::server {

nlohmann::json audit_view(const Product& product) {
  return {{"id", product.id}, {"name", product.name}};
}

nlohmann::json audit_view(const License& license) {
  nlohmann::json view = {{"id", license.id},
                         {"product", license.product_id},
                         {"key_last5", license.key_last5},
                         {"model", seat_model_name(license.model)},
                         {"licensee", license.licensee},
                         {"max_activations", license.max_activations},
                         {"term", term_name(license.term)},
                         {"features", license.features},
                         {"status", name_of(license.state)}};
  if (license.expires_at) view["expires_at"] = *license.expires_at;
  if (license.trial_days > 0) view["trial_days"] = license.trial_days;
  if (license.max_version) view["max_version"] = *license.max_version;
  if (license.maintenance_end) view["maintenance_end"] = *license.maintenance_end;
  if (license.max_resets_per_year) view["max_resets_per_year"] = *license.max_resets_per_year;
  if (license.reclaim_after_seconds) {
    view["reclaim_after_seconds"] = *license.reclaim_after_seconds;
  }
  if (license.max_transfers_per_year) {
    view["max_transfers_per_year"] = *license.max_transfers_per_year;
  }
  if (license.transfer_cooldown_days > 0) {
    view["transfer_cooldown_days"] = license.transfer_cooldown_days;
  }
  if (license.self_service_releases_per_month > 0) {
    view["self_service_releases_per_month"] = license.self_service_releases_per_month;
  }
  if (license.model == SeatModel::site) view["site"] = to_json(license.site);
  if (!license.floating_policy.empty()) {
    view["floating_policy"] = nlohmann::json::parse(license.floating_policy, nullptr, false);
  }
  return view;
}

// Members placed one by one: the single writer thread makes this view for
// every seat it grants, and an initializer list copies a temporary per member.
nlohmann::json audit_view(const Activation& activation) {
  nlohmann::json view = nlohmann::json::object();
  view.emplace("id", activation.id);
  view.emplace("license_id", activation.license_id);
  view.emplace("machine_id", activation.machine_id);
  view.emplace("hostname", activation.hostname);
  view.emplace("environment", activation.environment);
  view.emplace("mode", activation.mode);
  view.emplace("status", name_of(activation.state));
  if (!activation.user.empty()) view.emplace("user", activation.user);
  return view;
}

nlohmann::json audit_view(const LicenseUser& user) {
  nlohmann::json view = {
      {"license_id", user.license_id}, {"email", user.email}, {"disabled", user.disabled}};
  if (user.max_activations) view["max_activations"] = *user.max_activations;
  if (user.reserved) view["reserved"] = true;
  return view;
}

nlohmann::json audit_view(const AdminToken& token) {
  return {{"id", token.id}, {"role", name_of(token.role)}};
}

Result<AuditEntry> audit_entry(const ChangedBy& by, std::string action, std::string subject,
                               const nlohmann::json& before, const nlohmann::json& after) {
  AuditEntry entry;
  entry.at = by.at;
  entry.actor = by.actor;
  entry.action = std::move(action);
  entry.subject = std::move(subject);
  auto before_text = canonical_json(before);
  if (!before_text.ok()) return before_text.error();
  auto after_text = canonical_json(after);
  if (!after_text.ok()) return after_text.error();
  entry.before = std::move(*before_text);
  entry.after = std::move(*after_text);
  return entry;
}

}  // namespace nodelock::server
