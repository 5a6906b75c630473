// What every endpoint handler shares: the JSON envelope of answers and
// errors, and the wrappers that count, time and authenticate each route.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "json_mapping.h"
#include "routes.h"

namespace nodelock::server {

using httplib::Request;
using httplib::Response;
using Json = nlohmann::json;

void send(Response& res, int status, const Json& body);
void send_error(Response& res, const Error& error, Json details = Json::object());
// rate_limited, with Retry-After: "too many <what> from this address; try again in N seconds".
void send_rate_limited(Response& res, int wait_seconds, std::string_view what);

// The caller named by the request's Bearer token; `record_refusal`: a refused
// token is written to the audit log.
Result<AdminCaller> authenticated_caller(Api& api, const Request& req, bool record_refusal);

// The error code of an error answer; empty for any other.
std::string refusal_code(const Response& res);

// Requests that carry a license key: true (answered rate_limited) when the
// address failed too many lookups lately; note_key_failure counts a refusal
// that says the key is wrong, so guessing keys is slowed to a crawl.
bool refused_as_key_guessing(Api& api, const Request& req, Response& res);
void note_key_failure(Api& api, const Request& req, ErrorCode code);

// The holder of the license key in the body's "key" field, which is taken out
// of `body` so the handler reads the rest strictly. A wrong key is counted
// against the address as note_key_failure counts an activation's.
Result<LicenseHolder> authenticated_holder(Api& api, const Request& req, nlohmann::json& body);

// Counts and times every answer of `pattern`.
template <class Handler>
httplib::Server::Handler route(Api& api, std::string pattern, Handler handler) {
  return [&api, pattern = std::move(pattern), handler](const Request& req, Response& res) {
    const auto started = std::chrono::steady_clock::now();
    handler(req, res);
    api.metrics.count_request(pattern, res.status, std::chrono::steady_clock::now() - started,
                              refusal_code(res));
  };
}

// Admin endpoints: authenticated first, then `handler(req, res, caller)`, or
// `handler(req, res, role)` for a handler that only reads and so needs only
// the caller's role.
template <class Handler>
httplib::Server::Handler admin_route(Api& api, std::string pattern, Handler handler) {
  return route(api, std::move(pattern), [&api, handler](const Request& req, Response& res) {
    // A valid token is always let in; refused ones past the address's
    // allowance are answered rate_limited and leave no audit entry, so a
    // stale script or a guesser cannot fill the log or lock staff out.
    const int wait = api.token_failures.retry_after(req.remote_addr);
    auto caller = authenticated_caller(api, req, wait == 0);
    if (!caller.ok()) {
      if (caller.code() != ErrorCode::unauthorized) return send_error(res, caller.error());
      api.token_failures.record_failure(req.remote_addr);
      if (wait == 0) return send_error(res, caller.error());
      return send_rate_limited(res, wait, "refused admin tokens");
    }
    if constexpr (std::is_invocable_v<Handler, const Request&, Response&, const AdminCaller&>) {
      handler(req, res, *caller);
    } else {
      handler(req, res, caller->role);
    }
  });
}

// Endpoints a license holder calls with only the license key (self-service):
// an address that failed too many key lookups is answered rate_limited before
// its body is read, exactly as activation answers it; then
// `handler(req, res, holder, rest)`, `rest` being the JSON body without the key.
template <class Handler>
httplib::Server::Handler key_holder_route(Api& api, std::string pattern, Handler handler) {
  return route(api, std::move(pattern), [&api, handler](const Request& req, Response& res) {
    if (refused_as_key_guessing(api, req, res)) return;
    auto body = parse_body(req.body);
    if (!body.ok()) return send_error(res, body.error());
    auto holder = authenticated_holder(api, req, *body);
    if (!holder.ok()) return send_error(res, holder.error());
    handler(req, res, *holder, *body);
  });
}

// Sends `result` as `status` with `render(value)`, or its error.
template <class T, class Render>
void answer(Response& res, const Result<T>& result, int status, Render render) {
  if (!result.ok()) return send_error(res, result.error());
  send(res, status, render(*result));
}

template <class T>
Json list_of(const std::vector<T>& records) {
  Json list = Json::array();
  for (const T& record : records) list.push_back(to_json(record));
  return list;
}

}  // namespace nodelock::server
