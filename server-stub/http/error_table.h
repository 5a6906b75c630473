// The one table that turns an ErrorCode into an HTTP status, and the error
// envelope every endpoint answers with:
//   {"error": {"code": "activation_limit", "message": "...", "details": {...}}}
#pragma once

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"

namespace nodelock::server {

int http_status(ErrorCode code);

// `details` is an object of facts a client can act on ({} when there are none).
nlohmann::json error_body(const Error& error, nlohmann::json details = nlohmann::json::object());

}  // namespace nodelock::server
