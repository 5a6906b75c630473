// Alerts and the webhooks they are posted to.
#include "route_kit.h"

namespace nodelock::server {

namespace {

Json to_json(const Alert& alert) {
  Json details = Json::parse(alert.details, nullptr, false);
  return {{"id", alert.id},           {"license_id", alert.license_id},
          {"kind", alert.kind},       {"raised_at", alert.raised_at},
          {"message", alert.message}, {"details", details.is_object() ? details : Json::object()}};
}

Json to_json(const Webhook& webhook) {
  return {{"id", webhook.id}, {"url", webhook.url}, {"created_at", webhook.created_at}};
}

}  // namespace

void register_alert_routes(httplib::Server& server, Api& api) {
  server.Get(
      "/v1/alerts",
      admin_route(api, "/v1/alerts", [&api](const Request& req, Response& res, AdminRole) {
        auto range = audit_range_from_query(req.get_param_value("from"), req.get_param_value("to"));
        if (!range.ok()) return send_error(res, range.error());
        answer(res, api.alerts.alerts(req.get_param_value("license"), range->first, range->second),
               200, [](const std::vector<Alert>& alerts) {
                 Json list = Json::array();
                 for (const Alert& alert : alerts) list.push_back(to_json(alert));
                 return Json{{"alerts", list}};
               });
      }));
  server.Post(
      "/v1/webhooks",
      admin_route(api, "/v1/webhooks",
                  [&api](const Request& req, Response& res, const AdminCaller& caller) {
                    auto body = parse_body(req.body);
                    if (!body.ok()) return send_error(res, body.error());
                    auto url = only_string_field(*body, "url");
                    if (!url.ok()) return send_error(res, url.error());
                    answer(
                        res, api.alerts.add_webhook(caller, *url), 201, [](const NewWebhook& made) {
                          return Json{{"webhook", to_json(made.webhook)}, {"secret", made.secret}};
                        });
                  }));
  server.Get(
      "/v1/webhooks",
      admin_route(api, "/v1/webhooks", [&api](const Request&, Response& res, AdminRole role) {
        answer(res, api.alerts.webhooks(role), 200, [](const std::vector<Webhook>& all) {
          Json list = Json::array();
          for (const Webhook& webhook : all) list.push_back(to_json(webhook));
          return Json{{"webhooks", list}};
        });
      }));
  server.Delete(R"(/v1/webhooks/([^/]+))",
                admin_route(api, "/v1/webhooks/{id}",
                            [&api](const Request& req, Response& res, const AdminCaller& caller) {
                              answer(res, api.alerts.remove_webhook(caller, req.matches[1].str()),
                                     200, [](const Webhook& removed) {
                                       return Json{{"removed", to_json(removed)}};
                                     });
                            }));
}

}  // namespace nodelock::server
