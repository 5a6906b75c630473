// Support's endpoints: limits, reclaim policies, seat resets and transfers,
// tokens, license users, the audit log.
#include "route_kit.h"

namespace nodelock::server {

namespace {

// POST /v1/licenses/{id}/<limit> with {"<field>": N}, which `set` applies.
template <class Set>
void register_limit_route(httplib::Server& server, Api& api, const std::string& limit,
                          const char* field, Set set) {
  server.Post(
      "/v1/licenses/([^/]+)/" + limit,
      admin_route(api, "/v1/licenses/{id}/" + limit,
                  [&api, field, set](const Request& req, Response& res, const AdminCaller& caller) {
                    auto body = parse_body(req.body);
                    if (!body.ok()) return send_error(res, body.error());
                    auto value = limit_from_json(*body, field);
                    if (!value.ok()) return send_error(res, value.error());
                    answer(res, (api.admin.*set)(caller, req.matches[1].str(), *value), 200,
                           [](const License& changed) {
                             return Json{{"license", to_json(changed)}};
                           });
                  }));
}

}  // namespace

void register_support_routes(httplib::Server& server, Api& api) {
  register_limit_route(server, api, "limit", "max_activations", &AdminService::set_license_limit);
  register_limit_route(server, api, "self-service", "self_service_releases_per_month",
                       &AdminService::set_self_service_releases);
  server.Post(R"(/v1/licenses/([^/]+)/reclaim)",
              admin_route(api, "/v1/licenses/{id}/reclaim",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto body = parse_body(req.body);
                            if (!body.ok()) return send_error(res, body.error());
                            auto after = reclaim_after_from_json(*body);
                            if (!after.ok()) return send_error(res, after.error());
                            answer(res,
                                   api.reclaims.set_policy(caller, req.matches[1].str(), *after),
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
  server.Post(R"(/v1/activations/([^/]+)/transfer)",
              admin_route(api, "/v1/activations/{id}/transfer",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto body = parse_body(req.body);
                            if (!body.ok()) return send_error(res, body.error());
                            auto request = transfer_request_from_json(*body);
                            if (!request.ok()) return send_error(res, request.error());
                            answer(res,
                                   api.admin.transfer_activation(caller, req.matches[1].str(),
                                                                 request->to_machine_id,
                                                                 request->override_limit),
                                   200, [](const SeatTransfer& made) {
                                     return Json{{"transfer", to_json(made)}};
                                   });
                          }));
}

namespace {

// The change a users/{action} route makes; its pattern admits no other word.
UserChangeKind user_change_kind(const std::string& action) {
  if (action == "remove") return UserChangeKind::remove;
  if (action == "disable") return UserChangeKind::disable;
  if (action == "reserve") return UserChangeKind::reserve;
  if (action == "unreserve") return UserChangeKind::unreserve;
  return UserChangeKind::enable;
}

}  // namespace

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
                                                 user->max_activations, user->reserved),
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
  server.Post(R"(/v1/licenses/([^/]+)/users/(remove|disable|enable|reserve|unreserve))",
              admin_route(api, "/v1/licenses/{id}/users/{action}",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto body = parse_body(req.body);
                            if (!body.ok()) return send_error(res, body.error());
                            auto change = user_change_from_json(*body);
                            if (!change.ok()) return send_error(res, change.error());
                            const std::string action = req.matches[2].str();
                            const UserChangeKind kind = user_change_kind(action);
                            answer(res,
                                   api.users.change(caller, req.matches[1].str(), change->email,
                                                    kind, change->free_seats),
                                   200, [](const UserChangeOutcome& outcome) {
                                     return Json{{"user", to_json(outcome.user)},
                                                 {"freed", list_of(outcome.freed)},
                                                 {"ended_leases", outcome.ended_leases}};
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

}  // namespace nodelock::server
