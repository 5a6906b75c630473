// Reading and writing the store's records as rows: the one place that knows
// which column holds which field (records.cpp, and seat_records.cpp for the
// activations).
#pragma once

#include <string_view>
#include <vector>

#include "connection.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server::sql {

Result<Product> select_product(Connection& db, std::string_view id);
Result<std::vector<Product>> select_products(Connection& db);
Status insert_product(Connection& db, const Product& product);

// not_found when absent.
Result<License> select_license(Connection& db, std::string_view id);
Result<License> select_license_by_key_hash(Connection& db, std::string_view key_hash);
Result<std::vector<License>> select_licenses(Connection& db, std::string_view product_id);
Status insert_license(Connection& db, const License& license);
Status update_license_state(Connection& db, std::string_view id, LicenseState state);
Status update_license_expiry(Connection& db, std::string_view id, UnixTime expires_at);

Result<Activation> select_activation(Connection& db, std::string_view id);
Result<std::vector<Activation>> select_activations(Connection& db, std::string_view license_id);
// invalid_argument when request.after names no activation of the license.
Result<ActivationPage> select_activation_page(Connection& db, std::string_view license_id,
                                              const ActivationPageRequest& request);
// not_found when no active seat of the license was last enrolled by `nonce`.
Result<Activation> select_seat_answering(Connection& db, std::string_view license_id,
                                         std::string_view nonce);
// The license's active seats that hold at least one of `machine_keys`.
Result<std::vector<Activation>> select_seats_sharing_keys(
    Connection& db, std::string_view license_id, const std::vector<std::string>& machine_keys);
// Counts the active activations rows, not the license's seat counter.
Result<int> count_active_seats(Connection& db, std::string_view license_id);
// Makes `machine_keys` the keys of an existing seat (none when empty).
Status replace_seat_keys(Connection& db, const Activation& seat,
                         const std::vector<std::string>& machine_keys);
// The id of the active seat `machine_id` holds on the license; none: it holds none.
Result<std::optional<std::string>> active_seat_of_machine(Connection& db,
                                                          std::string_view license_id,
                                                          std::string_view machine_id);
// Records when a person freed the seat as `ended_as`: reset (support) or
// released (the license holder).
Status mark_seat_freed(Connection& db, std::string_view activation_id, ActivationState ended_as,
                       UnixTime at);
// When the license's seats freed as `ended_as` at or after `since` were freed,
// oldest first.
Result<std::vector<UnixTime>> seats_freed_since(Connection& db, std::string_view license_id,
                                                ActivationState ended_as, UnixTime since);
// Adds `delta` to the license's count of used seats.
Status change_seats_used(Connection& db, std::string_view license_id, int delta);
// Inserts the activation and files it under `machine_keys`.
Status insert_activation(Connection& db, const Activation& activation,
                         const std::vector<std::string>& machine_keys);
// Writes the enrolment fields, state and last-seen time of an existing activation.
Status update_activation(Connection& db, const Activation& activation);
// Ends an active seat as `ended_as` (reset, deactivated, reclaimed, …): writes
// `seat` with that state, drops its machine keys and gives the seat back to
// the license's count, so every way of freeing a seat frees it the same way.
Status end_seat(Connection& db, Activation& seat, ActivationState ended_as);

// replayed when the nonce was seen before.
Status insert_nonce(Connection& db, std::string_view nonce, UnixTime seen_at);
Result<int> delete_nonces_before(Connection& db, UnixTime cutoff);

Status insert_admin_token(Connection& db, const AdminToken& token);
Result<AdminToken> select_admin_token_by_hash(Connection& db, std::string_view token_hash);

}  // namespace nodelock::server::sql
