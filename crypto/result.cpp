#include "nodelock/crypto/result.h"

#include <utility>

namespace nodelock {
namespace {

// The one table of stable code names; names are never changed once released.
constexpr std::pair<ErrorCode, std::string_view> kCodeNames[] = {
    {ErrorCode::invalid_argument, "invalid_argument"},
    {ErrorCode::invalid_key, "invalid_key"},
    {ErrorCode::malformed, "malformed"},
    {ErrorCode::tampered, "tampered"},
    {ErrorCode::unknown_signer, "unknown_signer"},
    {ErrorCode::wrong_document, "wrong_document"},
    {ErrorCode::io_error, "io_error"},
    {ErrorCode::not_found, "not_found"},
    {ErrorCode::already_exists, "already_exists"},
    {ErrorCode::not_activated, "not_activated"},
    {ErrorCode::expired, "expired"},
    {ErrorCode::needs_refresh, "needs_refresh"},
    {ErrorCode::machine_mismatch, "machine_mismatch"},
    {ErrorCode::product_mismatch, "product_mismatch"},
    {ErrorCode::version_not_covered, "version_not_covered"},
    {ErrorCode::clock_rollback, "clock_rollback"},
    {ErrorCode::dongle_missing, "dongle_missing"},
    {ErrorCode::suspended, "suspended"},
    {ErrorCode::revoked, "revoked"},
    {ErrorCode::activation_limit, "activation_limit"},
    {ErrorCode::replayed, "replayed"},
    {ErrorCode::request_expired, "request_expired"},
    {ErrorCode::unauthorized, "unauthorized"},
    {ErrorCode::forbidden, "forbidden"},
    {ErrorCode::rate_limited, "rate_limited"},
    {ErrorCode::payload_too_large, "payload_too_large"},
    {ErrorCode::conflict, "conflict"},
    {ErrorCode::unreachable, "unreachable"},
    {ErrorCode::tls_failure, "tls_failure"},
    {ErrorCode::server_error, "server_error"},
    {ErrorCode::internal, "internal"},
    {ErrorCode::seat_reset, "seat_reset"},
    {ErrorCode::user_disabled, "user_disabled"},
    {ErrorCode::cloned, "cloned"},
    {ErrorCode::outside_site, "outside_site"},
    {ErrorCode::seats_exhausted, "seats_exhausted"},
    {ErrorCode::lease_ended, "lease_ended"},
    {ErrorCode::borrow_not_allowed, "borrow_not_allowed"},
    {ErrorCode::seat_reclaimed, "seat_reclaimed"},
    {ErrorCode::seat_transferred, "seat_transferred"},
    {ErrorCode::seat_released, "seat_released"},
};

}  // namespace

std::string_view code_name(ErrorCode code) {
  for (const auto& [known, name] : kCodeNames) {
    if (known == code) return name;
  }
  return "internal";
}

ErrorCode code_from_name(std::string_view name) {
  for (const auto& [code, known] : kCodeNames) {
    if (known == name) return code;
  }
  return ErrorCode::server_error;
}

}  // namespace nodelock
