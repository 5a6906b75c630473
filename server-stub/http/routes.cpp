#include "routes.h"

#include "error_table.h"
#include "route_kit.h"

namespace nodelock::server {

namespace {

// Answers httplib's own refusals (no route, body too large, unreadable request)
// in the same envelope as every other error.
void register_fallbacks(httplib::Server& server, Api& api) {
  server.set_error_handler([&api](const Request& req, Response& res) {
    if (!res.body.empty()) return;
    Error error = make_error(ErrorCode::server_error, "the server failed; nothing was changed");
    if (res.status == 404) {
      error = make_error(ErrorCode::not_found, "no endpoint " + req.method + " " + req.path);
    } else if (res.status == 413) {
      error = make_error(
          ErrorCode::payload_too_large,
          "the request body is over the limit of " + std::to_string(api.max_body_bytes) + " bytes");
    } else if (res.status < 500) {
      error = make_error(ErrorCode::malformed, "the HTTP request could not be read");
    }
    const int status = res.status;
    send(res, status, error_body(error));
  });
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    send_error(res, make_error(ErrorCode::server_error, "the server failed; nothing was changed"));
  });
}

}  // namespace

void register_routes(httplib::Server& server, Api& api) {
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
