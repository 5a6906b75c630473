#include "nodelock/server/store.h"

#include <array>
#include <utility>

#include "nodelock/server/usage.h"
#include "postgres/postgres_store.h"
#include "sqlite/sqlite_store.h"

namespace nodelock::server {

namespace {

template <class Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

constexpr NameTable<LicenseState, 3> kLicenseStates{{{LicenseState::active, "active"},
                                                     {LicenseState::suspended, "suspended"},
                                                     {LicenseState::revoked, "revoked"}}};
constexpr NameTable<ActivationState, 7> kActivationStates{
    {{ActivationState::active, "active"},
     {ActivationState::deactivated, "deactivated"},
     {ActivationState::reset, "reset"},
     {ActivationState::revoked, "revoked"},
     {ActivationState::reclaimed, "reclaimed"},
     {ActivationState::transferred, "transferred"},
     {ActivationState::released, "released"}}};
constexpr NameTable<AdminRole, 3> kAdminRoles{
    {{AdminRole::viewer, "viewer"}, {AdminRole::support, "support"}, {AdminRole::admin, "admin"}}};

constexpr NameTable<SessionEnd, 6> kSessionEnds{{{SessionEnd::released, "released"},
                                                 {SessionEnd::expired, "expired"},
                                                 {SessionEnd::forced, "forced"},
                                                 {SessionEnd::user_disabled, "user_disabled"},
                                                 {SessionEnd::returned, "returned"},
                                                 {SessionEnd::user_removed, "user_removed"}}};

constexpr NameTable<DeliveryState, 3> kDeliveryStates{{{DeliveryState::pending, "pending"},
                                                       {DeliveryState::delivered, "delivered"},
                                                       {DeliveryState::failed, "failed"}}};

template <class Enum, std::size_t N>
std::string_view name_in(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& [entry, name] : table) {
    if (entry == value) return name;
  }
  return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_in(const NameTable<Enum, N>& table, std::string_view name) {
  for (const auto& [entry, entry_name] : table) {
    if (entry_name == name) return entry;
  }
  return std::nullopt;
}

constexpr std::string_view kSqliteScheme = "sqlite:";
constexpr std::string_view kPostgresSchemes[] = {"postgresql://", "postgres://"};

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string_view name_of(LicenseState state) { return name_in(kLicenseStates, state); }
std::string_view name_of(ActivationState state) { return name_in(kActivationStates, state); }
std::string_view name_of(AdminRole role) { return name_in(kAdminRoles, role); }

std::string_view name_of(SessionEnd end) { return name_in(kSessionEnds, end); }
std::string_view name_of(DeliveryState state) { return name_in(kDeliveryStates, state); }

std::optional<LicenseState> license_state_named(std::string_view name) {
  return value_in(kLicenseStates, name);
}
std::optional<ActivationState> activation_state_named(std::string_view name) {
  return value_in(kActivationStates, name);
}
std::optional<AdminRole> admin_role_named(std::string_view name) {
  return value_in(kAdminRoles, name);
}
std::optional<SessionEnd> session_end_named(std::string_view name) {
  return value_in(kSessionEnds, name);
}
std::optional<DeliveryState> delivery_state_named(std::string_view name) {
  return value_in(kDeliveryStates, name);
}

Error no_such_record(std::string_view kind, std::string_view id) {
  return make_error(ErrorCode::not_found, "no " + std::string(kind) + " '" + std::string(id) + "'");
}

Result<std::unique_ptr<Store>> open_store(std::string_view url) {
  if (starts_with(url, kSqliteScheme) && url.size() > kSqliteScheme.size()) {
    return sqlite::open_sqlite_store(std::string(url.substr(kSqliteScheme.size())));
  }
  for (std::string_view scheme : kPostgresSchemes) {
    if (starts_with(url, scheme)) return postgres::open_postgres_store(std::string(url));
  }
  return make_error(ErrorCode::invalid_argument,
                    "unsupported store '" + std::string(url) +
                        "': use sqlite:PATH for a database file of this server, or "
                        "postgresql://USER@HOST:PORT/DATABASE for a PostgreSQL database several "
                        "servers share");
}

}  // namespace nodelock::server
