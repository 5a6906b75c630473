// Products, licenses, admin tokens and request nonces as rows; the seats are
// in seat_records.cpp.
#include "records.h"

#include <nlohmann/json.hpp>

#include "row_reading.h"

namespace nodelock::server::sql {

namespace {

Product read_product(const Query& row) { return Product{row.text(0), row.text(1), row.integer(2)}; }

std::vector<std::string> features_from(const std::string& text) {
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> features;
  if (!parsed.is_array()) return features;
  for (const auto& feature : parsed) {
    if (feature.is_string()) features.push_back(feature.get<std::string>());
  }
  return features;
}

std::optional<int> optional_int(const std::optional<std::int64_t>& value) {
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

constexpr const char* kLicenseColumns =
    "id, product_id, key_hash, key_last5, model, licensee, max_activations, term, expires_at, "
    "trial_days, grace_days, refresh_days, features, max_version, maintenance_end, status, "
    "policy, created_at, seats_used, max_resets_per_year, site, floating_policy, "
    "reclaim_after_seconds, max_transfers_per_year, transfer_cooldown_days, "
    "self_service_releases_per_month";

License read_license(const Query& row) {
  License license;
  license.id = row.text(0);
  license.product_id = row.text(1);
  license.key_hash = row.text(2);
  license.key_last5 = row.text(3);
  license.model = seat_model_from_name(row.text(4)).value_or(SeatModel::node_locked);
  license.licensee = row.text(5);
  license.max_activations = static_cast<int>(row.integer(6));
  // An unreadable term or state fails closed: the license grants nothing.
  license.term = term_from_name(row.text(7)).value_or(Term::trial);
  license.expires_at = row.optional_integer(8);
  license.trial_days = static_cast<int>(row.integer(9));
  license.grace_days = static_cast<int>(row.integer(10));
  license.refresh_days = static_cast<int>(row.integer(11));
  license.features = features_from(row.text(12));
  license.max_version = optional_int(row.optional_integer(13));
  license.maintenance_end = row.optional_integer(14);
  license.state = license_state_named(row.text(15)).value_or(LicenseState::revoked);
  license.match_policy = row.text(16);
  license.created_at = row.integer(17);
  license.seats_used = static_cast<int>(row.integer(18));
  license.max_resets_per_year = optional_int(row.optional_integer(19));
  if (license.model == SeatModel::site) {
    // An unreadable constraint fails closed: a site that admits nobody.
    auto site = site_from_text(row.text(20));
    license.site = site.ok() ? std::move(*site) : SiteConstraint{{}, {}, SiteMatch::all, true};
  }
  license.floating_policy = row.text(21);
  license.reclaim_after_seconds = row.optional_integer(22);
  license.max_transfers_per_year = optional_int(row.optional_integer(23));
  license.transfer_cooldown_days = static_cast<int>(row.integer(24));
  license.self_service_releases_per_month = static_cast<int>(row.integer(25));
  return license;
}

AdminToken read_admin_token(const Query& row) {
  return AdminToken{row.text(0), row.text(1),
                    admin_role_named(row.text(2)).value_or(AdminRole::viewer), row.integer(3)};
}

}  // namespace

Result<Product> select_product(Connection& db, std::string_view id) {
  Query query = db.query("SELECT id, name, created_at FROM products WHERE id = ?");
  query.bind(1, id);
  return first<Product>(query, read_product, "product", id);
}

Result<std::vector<Product>> select_products(Connection& db) {
  Query query = db.query("SELECT id, name, created_at FROM products ORDER BY id");
  return collect<Product>(query, read_product);
}

Status insert_product(Connection& db, const Product& product) {
  Status inserted = db.query("INSERT INTO products(id, name, created_at) VALUES(?, ?, ?)")
                        .bind(1, product.id)
                        .bind(2, product.name)
                        .bind(3, product.created_at)
                        .run();
  if (inserted.code() == ErrorCode::already_exists) {
    return make_error(ErrorCode::already_exists, "products has a row " + product.id);
  }
  return inserted;
}

Result<License> select_license(Connection& db, std::string_view id) {
  static const std::string text =
      std::string("SELECT ") + kLicenseColumns + " FROM licenses WHERE id = ?";
  Query query = db.query(text.c_str());
  query.bind(1, id);
  return first<License>(query, read_license, "license", id);
}

Result<License> select_license_by_key_hash(Connection& db, std::string_view key_hash) {
  static const std::string text =
      std::string("SELECT ") + kLicenseColumns + " FROM licenses WHERE key_hash = ?";
  Query query = db.query(text.c_str());
  query.bind(1, key_hash);
  auto row = query.step();
  if (!row.ok()) return row.error();
  // The hash is not named: it would only help someone matching keys to hashes.
  if (!*row) return make_error(ErrorCode::not_found, "licenses has no row with the key hash");
  return read_license(query);
}

Result<std::vector<License>> select_licenses(Connection& db, std::string_view product_id) {
  static const std::string text = std::string("SELECT ") + kLicenseColumns +
                                  " FROM licenses WHERE ?1 = '' OR product_id = ?1 "
                                  "ORDER BY created_at, id";
  Query query = db.query(text.c_str());
  query.bind(1, product_id);
  return collect<License>(query, read_license);
}

Status insert_license(Connection& db, const License& license) {
  Query query = db.query(
      "INSERT INTO licenses(id, product_id, key_hash, key_last5, model, licensee, "
      "max_activations, term, expires_at, trial_days, grace_days, refresh_days, features, "
      "max_version, maintenance_end, status, policy, created_at, max_resets_per_year, site, "
      "floating_policy, reclaim_after_seconds, max_transfers_per_year, transfer_cooldown_days, "
      "self_service_releases_per_month) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::optional<std::int64_t> max_version;
  if (license.max_version) max_version = *license.max_version;
  std::optional<std::int64_t> max_resets, max_transfers;
  if (license.max_resets_per_year) max_resets = *license.max_resets_per_year;
  if (license.max_transfers_per_year) max_transfers = *license.max_transfers_per_year;
  query.bind(1, license.id)
      .bind(2, license.product_id)
      .bind(3, license.key_hash)
      .bind(4, license.key_last5)
      .bind(5, seat_model_name(license.model))
      .bind(6, license.licensee)
      .bind(7, std::int64_t{license.max_activations})
      .bind(8, term_name(license.term))
      .bind(9, license.expires_at)
      .bind(10, std::int64_t{license.trial_days})
      .bind(11, std::int64_t{license.grace_days})
      .bind(12, std::int64_t{license.refresh_days})
      .bind(13, nlohmann::json(license.features).dump())
      .bind(14, max_version)
      .bind(15, license.maintenance_end)
      .bind(16, name_of(license.state))
      .bind(17, license.match_policy)
      .bind(18, license.created_at)
      .bind(19, max_resets)
      .bind(20, license.model == SeatModel::site ? site_text(license.site) : std::string())
      .bind(21, license.floating_policy)
      .bind(22, license.reclaim_after_seconds)
      .bind(23, max_transfers)
      .bind(24, std::int64_t{license.transfer_cooldown_days})
      .bind(25, std::int64_t{license.self_service_releases_per_month});
  Status inserted = query.run();
  if (inserted.code() == ErrorCode::already_exists) {
    return make_error(ErrorCode::already_exists,
                      "licenses has a row " + license.id + " or one with its key hash");
  }
  return inserted;
}

Status update_license_state(Connection& db, std::string_view id, LicenseState state) {
  return db.query("UPDATE licenses SET status = ? WHERE id = ?")
      .bind(1, name_of(state))
      .bind(2, id)
      .run();
}

Status update_license_expiry(Connection& db, std::string_view id, UnixTime expires_at) {
  return db.query("UPDATE licenses SET expires_at = ? WHERE id = ?")
      .bind(1, expires_at)
      .bind(2, id)
      .run();
}

Status insert_nonce(Connection& db, std::string_view nonce, UnixTime seen_at) {
  Status inserted = db.query("INSERT INTO used_nonces(nonce, seen_at) VALUES(?, ?)")
                        .bind(1, nonce)
                        .bind(2, seen_at)
                        .run();
  if (inserted.code() == ErrorCode::already_exists) {
    return make_error(ErrorCode::replayed, "used_nonces has a row " + std::string(nonce));
  }
  return inserted;
}

Result<int> delete_nonces_before(Connection& db, UnixTime cutoff) {
  Status deleted = db.query("DELETE FROM used_nonces WHERE seen_at < ?").bind(1, cutoff).run();
  if (!deleted.ok()) return deleted.error();
  return db.changes();
}

Status insert_admin_token(Connection& db, const AdminToken& token) {
  return db.query("INSERT INTO admin_tokens(id, token_hash, role, created_at) VALUES(?, ?, ?, ?)")
      .bind(1, token.id)
      .bind(2, token.token_hash)
      .bind(3, name_of(token.role))
      .bind(4, token.created_at)
      .run();
}

Result<AdminToken> select_admin_token_by_hash(Connection& db, std::string_view token_hash) {
  Query query =
      db.query("SELECT id, token_hash, role, created_at FROM admin_tokens WHERE token_hash = ?");
  query.bind(1, token_hash);
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) return make_error(ErrorCode::not_found, "admin_tokens has no row with the hash");
  return read_admin_token(query);
}

}  // namespace nodelock::server::sql
