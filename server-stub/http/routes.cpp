#include "routes.h"

#include "error_table.h"
#include "nodelock/crypto/encoding.h"
#include "route_kit.h"

namespace nodelock::server {

namespace {

constexpr const char* kServerFailed = "the server failed; nothing was changed";

bool is_utf8_request(const Request& req) {
  if (!encoding::is_valid_utf8(req.path)) return false;
  for (const auto& [name, value] : req.params) {
    if (!encoding::is_valid_utf8(name) || !encoding::is_valid_utf8(value)) return false;
  }
  for (const auto& [name, value] : req.headers) {
    if (!encoding::is_valid_utf8(name) || !encoding::is_valid_utf8(value)) return false;
  }
  return true;
}

// Text the server quotes back, ids it looks up and names it stores are UTF-8
// everywhere, so a request with other bytes in its path, query or headers is
// refused before any route reads it.
void refuse_what_is_not_utf8(httplib::Server& server) {
  server.set_pre_routing_handler([](const Request& req, Response& res) {
    if (is_utf8_request(req)) return httplib::Server::HandlerResponse::Unhandled;
    send_error(res, make_error(ErrorCode::malformed,
                               "the request's path, query or headers are not valid UTF-8; "
                               "percent-encode text as UTF-8"));
    return httplib::Server::HandlerResponse::Handled;
  });
}

Error refusal_of(const Api& api, const Request& req, int status) {
  if (status == 404) {
    return make_error(ErrorCode::not_found, "no endpoint " + req.method + " " + req.path);
  }
  if (status == 413) {
    return make_error(
        ErrorCode::payload_too_large,
        "the request body is over the limit of " + std::to_string(api.max_body_bytes) + " bytes");
  }
  if (status < 500) return make_error(ErrorCode::malformed, "the HTTP request could not be read");
  return make_error(ErrorCode::server_error, kServerFailed);
}

// Answers httplib's own refusals (no route, body too large, unreadable request)
// in the same envelope as every other error.
void register_fallbacks(httplib::Server& server, Api& api) {
  server.set_error_handler([&api](const Request& req, Response& res) {
    if (!res.body.empty()) return;
    // The library calls this handler outside the exception handler's reach: an
    // exception escaping it would end the process.
    try {
      const int status = res.status;
      send(res, status, error_body(refusal_of(api, req, status)));
    } catch (...) {
      res.status = 500;
      res.set_content(R"({"error":{"code":"server_error","message":"the server failed"}})",
                      "application/json");
    }
  });
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    send_error(res, make_error(ErrorCode::server_error, kServerFailed));
  });
}

}  // namespace

void register_routes(httplib::Server& server, Api& api) {
  refuse_what_is_not_utf8(server);
  // Before the license routes, whose /v1/licenses/{id} would take "export" for an id.
  register_license_file_routes(server, api);
  register_client_routes(server, api);
  register_product_routes(server, api);
  register_license_routes(server, api);
  register_support_routes(server, api);
  register_user_routes(server, api);
  register_audit_routes(server, api);
  register_report_routes(server, api);
  register_alert_routes(server, api);
  register_site_routes(server, api);
  register_lease_routes(server, api);
  register_self_service_routes(server, api);
  register_fallbacks(server, api);
}

}  // namespace nodelock::server
