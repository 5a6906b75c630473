// Products, licenses and the creation of admin tokens.
#include "nodelock/crypto/numbers.h"
#include "route_kit.h"

namespace nodelock::server {

namespace {

// `?limit=N&after=ID&state=S` of an activation listing; limit defaults to the page
// size the store uses, and is checked against kMaxActivationPage by the service.
Result<ActivationPageRequest> page_request_from_query(const Request& req) {
  ActivationPageRequest page;
  page.after = req.get_param_value("after");
  const std::string state_name = req.get_param_value("state");
  if (!state_name.empty()) {
    page.state = activation_state_named(state_name);
    if (!page.state) {
      return make_error(
          ErrorCode::invalid_argument,
          "state must be active, deactivated, reset, revoked, reclaimed or transferred, "
          "not '" +
              state_name + "'");
    }
  }
  if (!req.has_param("limit")) return page;
  auto limit = parse_whole_number(req.get_param_value("limit"), "limit", 1, kMaxActivationPage);
  if (!limit.ok()) return limit.error();
  page.limit = static_cast<int>(*limit);
  return page;
}

// The page's activations under `list`, and the cursor of the next page under
// `next` when there is one.
void add_page(Json& out, const ActivationPage& page, const char* list, const char* next) {
  out[list] = list_of(page.activations);
  if (page.next) out[next] = *page.next;
}

}  // namespace

void register_product_routes(httplib::Server& server, Api& api) {
  server.Post("/v1/products",
              admin_route(api, "/v1/products",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto body = parse_body(req.body);
                            if (!body.ok()) return send_error(res, body.error());
                            auto product = product_from_json(*body);
                            if (!product.ok()) return send_error(res, product.error());
                            answer(res, api.admin.create_product(caller, *product), 201,
                                   [](const Product& created) { return to_json(created); });
                          }));
  server.Get(
      "/v1/products",
      admin_route(api, "/v1/products", [&api](const Request&, Response& res, AdminRole role) {
        answer(res, api.admin.products(role), 200, [](const std::vector<Product>& all) {
          return Json{{"products", list_of(all)}};
        });
      }));
  server.Post("/v1/admin-tokens",
              admin_route(api, "/v1/admin-tokens",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto body = parse_body(req.body);
                            if (!body.ok()) return send_error(res, body.error());
                            auto wanted = role_from_json(*body);
                            if (!wanted.ok()) return send_error(res, wanted.error());
                            answer(res, api.admin.create_admin_token(caller, *wanted), 201,
                                   [&](const IssuedAdminToken& issued) {
                                     return Json{{"id", issued.id},
                                                 {"token", issued.token},
                                                 {"role", name_of(*wanted)}};
                                   });
                          }));
}

void register_license_routes(httplib::Server& server, Api& api) {
  server.Post("/v1/licenses",
              admin_route(api, "/v1/licenses",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto body = parse_body(req.body);
                            if (!body.ok()) return send_error(res, body.error());
                            auto order = license_order_from_json(*body);
                            if (!order.ok()) return send_error(res, order.error());
                            answer(res, api.admin.create_license(caller, *order), 201,
                                   [](const NewLicense& created) {
                                     return Json{{"id", created.license.id},
                                                 {"key", created.key},
                                                 {"license", to_json(created.license)}};
                                   });
                          }));
  server.Get(
      "/v1/licenses",
      admin_route(api, "/v1/licenses", [&api](const Request& req, Response& res, AdminRole role) {
        answer(res, api.admin.licenses(role, req.get_param_value("product")), 200,
               [](const std::vector<License>& all) {
                 return Json{{"licenses", list_of(all)}};
               });
      }));
  server.Get(
      R"(/v1/licenses/([^/]+))",
      admin_route(api, "/v1/licenses/{id}",
                  [&api](const Request& req, Response& res, AdminRole role) {
                    answer(res, api.admin.license(role, req.matches[1].str()), 200,
                           [](const LicenseDetails& details) {
                             Json out{{"license", to_json(details.license)},
                                      {"seats", to_json(SeatCount::of(
                                                    details.license, details.license.seats_used))}};
                             add_page(out, details.activations, "activations", "activations_next");
                             out["reserved_for"] = details.reserved_for;
                             return out;
                           });
                  }));
  server.Get(R"(/v1/licenses/([^/]+)/activations)",
             admin_route(api, "/v1/licenses/{id}/activations",
                         [&api](const Request& req, Response& res, AdminRole role) {
                           auto page = page_request_from_query(req);
                           if (!page.ok()) return send_error(res, page.error());
                           answer(res, api.admin.activations(role, req.matches[1].str(), *page),
                                  200, [](const ActivationPage& listed) {
                                    Json out = Json::object();
                                    add_page(out, listed, "activations", "next");
                                    return out;
                                  });
                         }));
  server.Post(R"(/v1/licenses/([^/]+)/(suspend|resume|revoke))",
              admin_route(api, "/v1/licenses/{id}/{action}",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            const std::string action = req.matches[2].str();
                            const LicenseState state = action == "suspend" ? LicenseState::suspended
                                                       : action == "revoke" ? LicenseState::revoked
                                                                            : LicenseState::active;
                            answer(res,
                                   api.admin.set_license_state(caller, req.matches[1].str(), state),
                                   200, [](const License& changed) {
                                     return Json{{"license", to_json(changed)}};
                                   });
                          }));
}

}  // namespace nodelock::server
