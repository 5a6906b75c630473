#include "error_table.h"

#include <string>

namespace nodelock::server {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::invalid_key:
    case ErrorCode::malformed:
      return 400;
    case ErrorCode::unauthorized:
      return 401;
    case ErrorCode::expired:
    case ErrorCode::suspended:
    case ErrorCode::revoked:
    case ErrorCode::seat_reset:
    case ErrorCode::seat_reclaimed:
    case ErrorCode::seat_transferred:
    case ErrorCode::seat_released:
    case ErrorCode::user_disabled:
    case ErrorCode::cloned:
    case ErrorCode::forbidden:
    case ErrorCode::machine_mismatch:
    case ErrorCode::not_activated:
    case ErrorCode::needs_refresh:
    case ErrorCode::version_not_covered:
    case ErrorCode::dongle_missing:
    case ErrorCode::outside_site:
    case ErrorCode::borrow_not_allowed:
      return 403;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::already_exists:
    case ErrorCode::activation_limit:
    case ErrorCode::seats_exhausted:
    case ErrorCode::replayed:
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::lease_ended:
      return 410;
    case ErrorCode::payload_too_large:
      return 413;
    case ErrorCode::tampered:
    case ErrorCode::unknown_signer:
    case ErrorCode::wrong_document:
    case ErrorCode::product_mismatch:
    case ErrorCode::request_expired:
    case ErrorCode::clock_rollback:
      return 422;
    case ErrorCode::rate_limited:
      return 429;
    case ErrorCode::unreachable:
    case ErrorCode::tls_failure:
      return 502;
    case ErrorCode::io_error:
    case ErrorCode::server_error:
    case ErrorCode::internal:
      return 500;
  }
  return 500;
}

nlohmann::json error_body(const Error& error, nlohmann::json details) {
  return {{"error",
           {{"code", std::string(code_name(error.code))},
            {"message", error.message},
            {"details", std::move(details)}}}};
}

}  // namespace nodelock::server
