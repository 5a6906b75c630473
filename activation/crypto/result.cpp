#include "nodelock/activation/result.h"

namespace nodelock {

std::string_view code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::invalid_key: return "invalid_key";
    case ErrorCode::malformed: return "malformed";
    case ErrorCode::tampered: return "tampered";
    case ErrorCode::unknown_signer: return "unknown_signer";
    case ErrorCode::wrong_document: return "wrong_document";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::already_exists: return "already_exists";
    case ErrorCode::not_activated: return "not_activated";
    case ErrorCode::expired: return "expired";
    case ErrorCode::needs_refresh: return "needs_refresh";
    case ErrorCode::machine_mismatch: return "machine_mismatch";
    case ErrorCode::product_mismatch: return "product_mismatch";
    case ErrorCode::version_not_covered: return "version_not_covered";
    case ErrorCode::clock_rollback: return "clock_rollback";
    case ErrorCode::dongle_missing: return "dongle_missing";
    case ErrorCode::suspended: return "suspended";
    case ErrorCode::revoked: return "revoked";
    case ErrorCode::activation_limit: return "activation_limit";
    case ErrorCode::replayed: return "replayed";
    case ErrorCode::request_expired: return "request_expired";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::unreachable: return "unreachable";
    case ErrorCode::tls_failure: return "tls_failure";
    case ErrorCode::server_error: return "server_error";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

}  // namespace nodelock
