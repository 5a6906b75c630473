#include "nodelock/server/license_import.h"

#include <map>
#include <set>
#include <utility>

#include "identifiers.h"
#include "nodelock/activation/license_key.h"
#include "nodelock/server/floating_policy.h"
#include "record_refusals.h"
#include "reserved_seats.h"

namespace nodelock::server {

namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

bool is_key_hash(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool is_last_group(const std::string& text) {
  return text.size() == 5 && text.find_first_not_of(kCrockford) == std::string::npos;
}

// Why `record`'s key hash cannot be used here, when it cannot: made with
// another server's pepper, or of unknown origin (an export before key_pepper).
std::optional<std::string> foreign_key_hash(const ServiceContext& context,
                                            const LicenseRecord& record) {
  const std::string here = context.key_hasher.pepper_id();
  if (!record.key_hash || record.key_pepper == here) return std::nullopt;
  const std::string origin = record.key_pepper
                                 ? "was made by another server (key_pepper " + *record.key_pepper +
                                       ", this server's is " + here + ")"
                                 : "does not say which server made it (no key_pepper)";
  return "key_hash " + origin +
         ": a key hash is keyed with its server's secret, so its key would never activate "
         "here. Import with --new-keys to issue new keys (shown once; send them to the "
         "licensees), give the keys themselves in a key column, or import the file on the "
         "server that exported it";
}

// The license a record makes, or why not; `key_hash` and `key_last5` set.
Result<License> license_of_record(const ServiceContext& context, const LicenseRecord& record) {
  if (Status valid = check_license_order(record.order, std::nullopt); !valid.ok()) {
    return valid.error();
  }
  License license = license_of_order(record.order);
  license.state = record.state;
  if (record.key && (record.key_hash || record.key_last5)) {
    return make_error(ErrorCode::invalid_argument,
                      "give either key or key_hash with key_last5, not both");
  }
  if (record.key) {
    auto key = LicenseKey::parse(*record.key);
    if (!key.ok()) return key.error();
    license.key_hash = context.key_hasher.hash(key->text());
    license.key_last5 = key->last_group();
  } else if (record.key_hash && record.key_last5) {
    if (!is_key_hash(*record.key_hash)) {
      return make_error(ErrorCode::invalid_argument,
                        "key_hash must be 64 lower-case hex digits, as an export writes it");
    }
    if (!is_last_group(*record.key_last5)) {
      return make_error(ErrorCode::invalid_argument,
                        "key_last5 must be the key's last 5 symbols, e.g. ZC8FA");
    }
    license.key_hash = *record.key_hash;
    license.key_last5 = *record.key_last5;
  } else {
    return make_error(ErrorCode::invalid_argument,
                      "a record needs its license key (key), or key_hash and key_last5 from "
                      "an export of this server");
  }
  std::set<std::string> emails;
  std::vector<std::string> reserved;
  for (const LicenseUser& user : record.users) {
    if (user.reserved) reserved.push_back(user.email);
    if (!emails.insert(user.email).second) {
      return make_error(ErrorCode::invalid_argument, "user " + user.email + " is listed twice");
    }
    if (user.max_activations &&
        (*user.max_activations < 0 || *user.max_activations > license.max_activations)) {
      return make_error(ErrorCode::invalid_argument, "user " + user.email +
                                                         "'s max_activations must be from 0 to the "
                                                         "license's " +
                                                         std::to_string(license.max_activations));
    }
  }
  if (Status kept = admit_imported_reservations(license, reserved); !kept.ok()) {
    return kept.error();
  }
  return license;
}

}  // namespace

LicenseImportService::LicenseImportService(ServiceContext context) : context_(std::move(context)) {}

Result<ImportOutcome> LicenseImportService::import_records(const AdminCaller& caller,
                                                           std::vector<LicenseRecord> records,
                                                           std::vector<RecordProblem> problems,
                                                           ForeignKeyHashes foreign) const {
  if (Status allowed = require_role(caller.role, AdminRole::admin); !allowed.ok()) {
    return allowed.error();
  }
  const UnixTime now = context_.clock();
  LicenseImport import;
  import.by = {caller.token_id, now};
  ImportOutcome outcome;
  std::map<std::string, int> line_of_key;
  std::map<std::string, int> line_of_id;
  for (LicenseRecord& record : records) {
    const auto problem = [&](const std::string& message) {
      problems.push_back({record.line, message});
    };
    std::optional<std::string> issued_key;
    if (auto foreign_hash = foreign_key_hash(context_, record)) {
      if (foreign == ForeignKeyHashes::refuse) {
        problem(*foreign_hash);
        continue;
      }
      issued_key = LicenseKey::generate().text();
      record.key = issued_key;
      record.key_hash.reset();
      record.key_last5.reset();
    }
    auto license = license_of_record(context_, record);
    if (!license.ok()) {
      problem(license.message());
      continue;
    }
    license->id = record.id.value_or(new_record_id("lic"));
    license->created_at = now;
    if (auto product = context_.store.product(record.order.product); !product.ok()) {
      problem(product.code() == ErrorCode::not_found
                  ? "no product '" + record.order.product + "' on this server; create it first"
                  : product.message());
      continue;
    }
    const std::string key_hint = "key ...-" + license->key_last5;
    if (auto [seen, fresh] = line_of_key.emplace(license->key_hash, record.line); !fresh) {
      problem(key_hint + " is also on line " + std::to_string(seen->second));
      continue;
    }
    if (auto [seen, fresh] = line_of_id.emplace(license->id, record.line); !fresh) {
      problem("id " + license->id + " is also on line " + std::to_string(seen->second));
      continue;
    }
    if (auto held = context_.store.license_by_key_hash(license->key_hash); held.ok()) {
      problem(key_hint + " is already on license " + held->id + " here");
      continue;
    }
    if (record.id && context_.store.license(*record.id).ok()) {
      problem("a license " + *record.id + " already exists here");
      continue;
    }
    if (issued_key) outcome.issued_keys[license->id] = *issued_key;
    for (LicenseUser user : record.users) {
      user.license_id = license->id;
      user.created_at = now;
      import.users.push_back(std::move(user));
    }
    import.licenses.push_back(std::move(*license));
  }
  if (!problems.empty()) {
    std::stable_sort(
        problems.begin(), problems.end(),
        [](const RecordProblem& a, const RecordProblem& b) { return a.line < b.line; });
    outcome.problems = std::move(problems);
    outcome.issued_keys.clear();
    return outcome;
  }
  if (Status written = context_.store.import_licenses(import); !written.ok()) {
    return written.code() == ErrorCode::already_exists ? license_exists() : written.error();
  }
  outcome.imported = std::move(import.licenses);
  return outcome;
}

Result<std::vector<LicenseRecord>> LicenseImportService::export_records(
    AdminRole caller, std::string_view product) const {
  if (Status allowed = require_role(caller, AdminRole::admin); !allowed.ok()) {
    return allowed.error();
  }
  auto licenses = context_.store.licenses(product);
  if (!licenses.ok()) return licenses.error();
  std::vector<LicenseRecord> records;
  for (const License& license : *licenses) {
    LicenseRecord record;
    record.id = license.id;
    record.order.product = license.product_id;
    record.order.model = license.model;
    record.order.licensee = license.licensee;
    record.order.max_activations = license.max_activations;
    record.order.expires_at = license.expires_at;
    // A trial already started carries its fixed expiry instead.
    if (license.term == Term::trial && !license.expires_at) {
      record.order.trial_days = license.trial_days;
    }
    record.order.grace_days = license.grace_days;
    record.order.refresh_days = license.refresh_days;
    record.order.features = license.features;
    record.order.max_version = license.max_version;
    record.order.maintenance_end = license.maintenance_end;
    record.order.max_resets_per_year = license.max_resets_per_year;
    record.order.reclaim_after_seconds = license.reclaim_after_seconds;
    record.order.max_transfers_per_year = license.max_transfers_per_year;
    record.order.transfer_cooldown_days = license.transfer_cooldown_days;
    record.order.self_service_releases_per_month = license.self_service_releases_per_month;
    if (license.model == SeatModel::floating) {
      auto policy = floating_policy_of(license);
      if (!policy.ok()) return policy.error();
      record.order.floating = *policy;
    }
    record.order.site = license.site;
    record.state = license.state;
    record.key_hash = license.key_hash;
    record.key_last5 = license.key_last5;
    record.key_pepper = context_.key_hasher.pepper_id();
    auto users = context_.store.license_users(license.id);
    if (!users.ok()) return users.error();
    record.users = std::move(*users);
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace nodelock::server
