#include "license_records.h"

#include "json_mapping.h"
#include "nodelock/audit/csv.h"
#include "nodelock/server/floating_policy.h"

namespace nodelock::server {

const std::vector<std::string> kRecordColumns = {"v",
                                                 "id",
                                                 "product",
                                                 "licensee",
                                                 "model",
                                                 "max_activations",
                                                 "expires",
                                                 "trial_days",
                                                 "grace_days",
                                                 "refresh_days",
                                                 "features",
                                                 "max_version",
                                                 "maintenance_end",
                                                 "max_resets_per_year",
                                                 "reclaim_after_seconds",
                                                 "max_transfers_per_year",
                                                 "transfer_cooldown_days",
                                                 "self_service_releases_per_month",
                                                 "seat_scope",
                                                 "lease_ttl",
                                                 "grace_seats",
                                                 "max_borrow_days",
                                                 "project_tokens",
                                                 "allowed_networks",
                                                 "domain",
                                                 "site_match",
                                                 "offline_only",
                                                 "status",
                                                 "key",
                                                 "key_hash",
                                                 "key_last5",
                                                 "key_pepper",
                                                 "users"};

namespace {

using Json = nlohmann::json;

Json record_json(const LicenseRecord& record) {
  const LicenseOrder& order = record.order;
  Json json = {{"v", 1},
               {"product", order.product},
               {"licensee", order.licensee},
               {"model", seat_model_name(order.model)},
               {"max_activations", order.max_activations},
               {"grace_days", order.grace_days},
               {"refresh_days", order.refresh_days},
               {"features", order.features},
               {"status", name_of(record.state)}};
  if (record.id) json["id"] = *record.id;
  if (order.expires_at) json["expires"] = *order.expires_at;
  if (order.trial_days) json["trial_days"] = *order.trial_days;
  if (order.max_version) json["max_version"] = *order.max_version;
  if (order.maintenance_end) json["maintenance_end"] = *order.maintenance_end;
  if (order.max_resets_per_year) json["max_resets_per_year"] = *order.max_resets_per_year;
  if (order.reclaim_after_seconds) json["reclaim_after_seconds"] = *order.reclaim_after_seconds;
  if (order.max_transfers_per_year) {
    json["max_transfers_per_year"] = *order.max_transfers_per_year;
  }
  if (order.transfer_cooldown_days > 0) {
    json["transfer_cooldown_days"] = order.transfer_cooldown_days;
  }
  if (order.self_service_releases_per_month > 0) {
    json["self_service_releases_per_month"] = order.self_service_releases_per_month;
  }
  if (order.floating) {
    const FloatingPolicy& policy = *order.floating;
    json["seat_scope"] = seat_scope_name(policy.scope);
    json["lease_ttl"] = policy.lease_ttl_seconds;
    json["grace_seats"] = policy.grace_seats;
    json["max_borrow_days"] = policy.max_borrow_days;
    if (policy.project_tokens) json["project_tokens"] = to_json(*policy.project_tokens);
  }
  if (order.model == SeatModel::site) {
    json["allowed_networks"] = order.site.networks;
    if (!order.site.domain.empty()) json["domain"] = order.site.domain;
    json["site_match"] = site_match_name(order.site.match);
    json["offline_only"] = order.site.offline_only;
  }
  if (record.key_hash) json["key_hash"] = *record.key_hash;
  if (record.key_last5) json["key_last5"] = *record.key_last5;
  if (record.key_pepper) json["key_pepper"] = *record.key_pepper;
  Json users = Json::array();
  for (const LicenseUser& user : record.users) {
    Json entry = {{"email", user.email}};
    if (user.max_activations) entry["max_activations"] = *user.max_activations;
    if (user.reserved) entry["reserved"] = true;
    users.push_back(std::move(entry));
  }
  json["users"] = std::move(users);
  return json;
}

// A JSON value as one CSV cell: lists joined by commas, users as
// email:limit:reserved, project tokens as team=N,mono=N.
std::string cell_of(const std::string& column, const Json& value) {
  if (column == "project_tokens") {
    return "team=" + value["team"].dump() + ",mono=" + value["mono"].dump();
  }
  if (column == "users") {
    std::string cell;
    for (const Json& user : value) {
      if (!cell.empty()) cell += ',';
      cell += user["email"].get<std::string>();
      if (user.contains("max_activations")) cell += ":" + user["max_activations"].dump();
      if (user.contains("reserved")) cell += ":reserved";
    }
    return cell;
  }
  if (value.is_array()) {
    std::string cell;
    for (const Json& item : value) cell += (cell.empty() ? "" : ",") + item.get<std::string>();
    return cell;
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::string write_license_records(const std::vector<LicenseRecord>& records, RecordFormat format) {
  if (format == RecordFormat::json) {
    Json list = Json::array();
    for (const LicenseRecord& record : records) list.push_back(record_json(record));
    return list.dump(2) + "\n";
  }
  std::string text;
  for (const std::string& column : kRecordColumns) {
    if (column == "key") continue;
    text += (text.empty() ? "" : ",") + column;
  }
  text += "\r\n";
  for (const LicenseRecord& record : records) {
    const Json json = record_json(record);
    std::string row;
    bool first = true;
    for (const std::string& column : kRecordColumns) {
      if (column == "key") continue;
      if (!first) row += ',';
      first = false;
      if (json.contains(column)) row += csv_field(cell_of(column, json[column]));
    }
    text += row + "\r\n";
  }
  return text;
}

}  // namespace nodelock::server
