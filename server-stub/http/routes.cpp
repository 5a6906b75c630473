#include "routes.h"

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "error_table.h"
#include "json_mapping.h"
#include "nodelock/activation/encoding.h"

namespace nodelock::server {

namespace {

using httplib::Request;
using httplib::Response;
using Json = nlohmann::json;

void send(Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(Response& res, const Error& error, Json details = Json::object()) {
  if (error.code == ErrorCode::unauthorized) res.set_header("WWW-Authenticate", "Bearer");
  send(res, http_status(error.code), error_body(error, std::move(details)));
}

// Counts and times every answer of `pattern`.
template <class Handler>
httplib::Server::Handler route(Api& api, std::string pattern, Handler handler) {
  return [&api, pattern = std::move(pattern), handler](const Request& req, Response& res) {
    const auto started = std::chrono::steady_clock::now();
    handler(req, res);
    api.metrics.count_request(pattern, res.status, std::chrono::steady_clock::now() - started);
  };
}

// `record_refusal`: a refused token is written to the audit log.
Result<AdminCaller> authenticated_caller(Api& api, const Request& req, bool record_refusal) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || header.compare(0, kScheme.size(), kScheme) != 0) {
    return make_error(ErrorCode::unauthorized,
                      "this needs an admin token: send Authorization: Bearer <token>");
  }
  std::optional<std::string_view> origin;
  if (record_refusal) origin = req.remote_addr;
  return api.admin.authenticate(std::string_view(header).substr(kScheme.size()), origin);
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
      res.set_header("Retry-After", std::to_string(wait));
      return send_error(res,
                        make_error(ErrorCode::rate_limited,
                                   "too many refused admin tokens from this address; try again "
                                   "in " +
                                       std::to_string(wait) + " seconds"),
                        {{"retry_after", wait}});
    }
    if constexpr (std::is_invocable_v<Handler, const Request&, Response&, const AdminCaller&>) {
      handler(req, res, *caller);
    } else {
      handler(req, res, caller->role);
    }
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

Json seats_json(const SeatCount& seats) { return {{"used", seats.used}, {"max", seats.max}}; }

// The answer to an activation request, online or offline, with `extra` members
// added to a successful reply.
void send_activation(Api& api, Response& res, const ActivationAnswer& answer, Json extra) {
  if (!answer.result.ok()) {
    const Error& error = answer.result.error();
    api.metrics.count_activation(std::string(code_name(error.code)));
    Json details = Json::object();
    if (error.code == ErrorCode::activation_limit && answer.seats) {
      details = seats_json(*answer.seats);
    }
    return send_error(res, error, std::move(details));
  }
  const IssuedLicense& issued = *answer.result;
  api.metrics.count_activation(issued.existing ? "existing" : "granted");
  Json reply = {{"license", issued.license},
                {"activation_id", issued.activation_id},
                {"machine_id", issued.machine_id},
                {"existing", issued.existing}};
  if (answer.seats) reply["seats"] = seats_json(*answer.seats);
  reply.update(extra);
  send(res, 200, reply);
}

void activate(Api& api, const Request& req, Response& res) {
  if (const int wait = api.key_failures.retry_after(req.remote_addr); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    return send_error(res,
                      make_error(ErrorCode::rate_limited,
                                 "too many failed license key attempts from this address; "
                                 "try again in " +
                                     std::to_string(wait) + " seconds"),
                      {{"retry_after", wait}});
  }
  auto body = parse_body(req.body);
  if (!body.ok()) return send_error(res, body.error());
  auto armored = only_string_field(*body, "request");
  if (!armored.ok()) return send_error(res, armored.error());
  const ActivationAnswer answer = api.activation.activate(*armored);
  if (!answer.result.ok() && (answer.result.code() == ErrorCode::invalid_key ||
                              answer.result.code() == ErrorCode::not_found)) {
    api.key_failures.record_failure(req.remote_addr);
  }
  send_activation(api, res, answer, Json::object());
}

// Support submitting a request carried from an air-gapped machine. The reply
// also names the vendor key, for a machine that has never pinned one.
void activate_offline(Api& api, const Request& req, Response& res, AdminRole role) {
  if (Status allowed = api.admin.may_answer_offline_requests(role); !allowed.ok()) {
    return send_error(res, allowed.error());
  }
  auto body = parse_body(req.body);
  if (!body.ok()) return send_error(res, body.error());
  auto armored = only_string_field(*body, "request");
  if (!armored.ok()) return send_error(res, armored.error());
  send_activation(api, res, api.activation.activate(*armored, RequestChannel::offline),
                  {{"vendor_public_key", encoding::base64(api.vendor_public_key.bytes)}});
}

void deactivate(Api& api, const Request& req, Response& res) {
  auto body = parse_body(req.body);
  if (!body.ok()) return send_error(res, body.error());
  auto armored = only_string_field(*body, "receipt");
  if (!armored.ok()) return send_error(res, armored.error());
  answer(res, api.activation.deactivate(*armored), 200, [](const Activation& freed) {
    return Json{{"freed", true}, {"activation_id", freed.id}};
  });
}

void register_client_routes(httplib::Server& server, Api& api) {
  server.Get("/v1/health", route(api, "/v1/health", [](const Request&, Response& res) {
               send(res, 200, {{"status", "ok"}});
             }));
  server.Get("/metrics", route(api, "/metrics", [&api](const Request&, Response& res) {
               res.set_content(api.metrics.prometheus_text(), "text/plain; version=0.0.4");
             }));
  server.Get(
      "/v1/keys", route(api, "/v1/keys", [&api](const Request&, Response& res) {
        send(res, 200,
             {{"keys",
               Json::array({{{"kid", crypto::key_id(api.vendor_public_key)},
                             {"alg", "ed25519"},
                             {"public_key", encoding::base64(api.vendor_public_key.bytes)}}})}});
      }));
  server.Post("/v1/activations",
              route(api, "/v1/activations",
                    [&api](const Request& req, Response& res) { activate(api, req, res); }));
  server.Post("/v1/deactivations",
              route(api, "/v1/deactivations",
                    [&api](const Request& req, Response& res) { deactivate(api, req, res); }));
  server.Post("/v1/offline/activations",
              admin_route(api, "/v1/offline/activations",
                          [&api](const Request& req, Response& res, AdminRole role) {
                            activate_offline(api, req, res, role);
                          }));
}

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
                                   [&](const std::string& token) {
                                     return Json{{"token", token}, {"role", name_of(*wanted)}};
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
  server.Get(R"(/v1/licenses/([^/]+))",
             admin_route(api, "/v1/licenses/{id}",
                         [&api](const Request& req, Response& res, AdminRole role) {
                           answer(res, api.admin.license(role, req.matches[1].str()), 200,
                                  [](const LicenseDetails& details) {
                                    return Json{{"license", to_json(details.license)},
                                                {"seats",
                                                 {{"used", details.license.seats_used},
                                                  {"max", details.license.max_activations}}},
                                                {"activations", list_of(details.activations)}};
                                  });
                         }));
  server.Get(R"(/v1/licenses/([^/]+)/activations)",
             admin_route(api, "/v1/licenses/{id}/activations",
                         [&api](const Request& req, Response& res, AdminRole role) {
                           answer(res, api.admin.activations(role, req.matches[1].str()), 200,
                                  [](const std::vector<Activation>& all) {
                                    return Json{{"activations", list_of(all)}};
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

void register_support_routes(httplib::Server& server, Api& api) {
  server.Post(R"(/v1/licenses/([^/]+)/limit)",
              admin_route(api, "/v1/licenses/{id}/limit",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto body = parse_body(req.body);
                            if (!body.ok()) return send_error(res, body.error());
                            auto max = max_activations_from_json(*body);
                            if (!max.ok()) return send_error(res, max.error());
                            answer(res,
                                   api.admin.set_license_limit(caller, req.matches[1].str(), *max),
                                   200, [](const License& changed) {
                                     return Json{{"license", to_json(changed)}};
                                   });
                          }));
  server.Get(
      "/v1/admin-tokens",
      admin_route(api, "/v1/admin-tokens", [&api](const Request&, Response& res, AdminRole role) {
        answer(res, api.admin.admin_tokens(role), 200, [](const std::vector<AdminToken>& all) {
          return Json{{"tokens", list_of(all)}};
        });
      }));
  server.Post(R"(/v1/admin-tokens/([^/]+)/revoke)",
              admin_route(api, "/v1/admin-tokens/{id}/revoke",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            answer(res, api.admin.revoke_admin_token(caller, req.matches[1].str()),
                                   200, [](const AdminToken& revoked) {
                                     return Json{{"revoked", to_json(revoked)}};
                                   });
                          }));
  server.Post(R"(/v1/activations/([^/]+)/reset)",
              admin_route(api, "/v1/activations/{id}/reset",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto override_limit = reset_override_from_json(req.body);
                            if (!override_limit.ok())
                              return send_error(res, override_limit.error());
                            answer(res,
                                   api.admin.reset_activation(caller, req.matches[1].str(),
                                                              *override_limit),
                                   200, [](const Activation& freed) {
                                     return Json{{"activation", to_json(freed)}};
                                   });
                          }));
}

void register_audit_routes(httplib::Server& server, Api& api) {
  server.Get(
      "/v1/audit",
      admin_route(api, "/v1/audit", [&api](const Request& req, Response& res, AdminRole role) {
        auto range = audit_range_from_query(req.get_param_value("from"), req.get_param_value("to"));
        if (!range.ok()) return send_error(res, range.error());
        answer(res, api.admin.audit_log(role, range->first, range->second), 200,
               [](const std::vector<AuditEntry>& entries) {
                 return Json{{"entries", list_of(entries)}};
               });
      }));
}

void register_user_routes(httplib::Server& server, Api& api) {
  server.Post(R"(/v1/licenses/([^/]+)/users)",
              admin_route(api, "/v1/licenses/{id}/users",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto body = parse_body(req.body);
                            if (!body.ok()) return send_error(res, body.error());
                            auto user = user_addition_from_json(*body);
                            if (!user.ok()) return send_error(res, user.error());
                            answer(res,
                                   api.users.add(caller, req.matches[1].str(), user->email,
                                                 user->max_activations),
                                   201, [](const LicenseUser& added) {
                                     return Json{{"user", to_json(added)}};
                                   });
                          }));
  server.Get(R"(/v1/licenses/([^/]+)/users)",
             admin_route(api, "/v1/licenses/{id}/users",
                         [&api](const Request& req, Response& res, AdminRole) {
                           answer(res, api.users.list(req.matches[1].str()), 200,
                                  [](const std::vector<LicenseUser>& users) {
                                    return Json{{"users", list_of(users)}};
                                  });
                         }));
  server.Post(
      R"(/v1/licenses/([^/]+)/users/(remove|disable|enable))",
      admin_route(
          api, "/v1/licenses/{id}/users/{action}",
          [&api](const Request& req, Response& res, const AdminCaller& caller) {
            auto body = parse_body(req.body);
            if (!body.ok()) return send_error(res, body.error());
            auto change = user_change_from_json(*body);
            if (!change.ok()) return send_error(res, change.error());
            const std::string action = req.matches[2].str();
            const UserChangeKind kind = action == "remove"    ? UserChangeKind::remove
                                        : action == "disable" ? UserChangeKind::disable
                                                              : UserChangeKind::enable;
            answer(
                res,
                api.users.change(caller, req.matches[1].str(), change->email, kind,
                                 change->free_seats),
                200, [](const UserChangeOutcome& outcome) {
                  return Json{{"user", to_json(outcome.user)}, {"freed", list_of(outcome.freed)}};
                });
          }));
}

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
  register_client_routes(server, api);
  register_product_routes(server, api);
  register_license_routes(server, api);
  register_support_routes(server, api);
  register_user_routes(server, api);
  register_audit_routes(server, api);
  register_fallbacks(server, api);
}

}  // namespace nodelock::server
