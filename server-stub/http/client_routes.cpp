// The machines' endpoints: health, vendor keys, activation and deactivation.
#include "route_kit.h"

#include "nodelock/crypto/encoding.h"

namespace nodelock::server {

namespace {

// The answer to an activation request, online or offline, with `extra` members
// added to a successful reply.
void send_activation(Api& api, Response& res, const ActivationAnswer& answer, Json extra) {
  api.alerts.after_activation(answer);
  if (!answer.result.ok()) {
    const Error& error = answer.result.error();
    api.metrics.count_activation(std::string(code_name(error.code)));
    Json details = Json::object();
    if (error.code == ErrorCode::activation_limit && answer.seats) {
      details = to_json(*answer.seats);
    }
    return send_error(res, error, std::move(details));
  }
  const IssuedLicense& issued = *answer.result;
  api.metrics.count_activation(issued.existing ? "existing" : "granted");
  Json reply = {{"license", issued.license},
                {"activation_id", issued.activation_id},
                {"machine_id", issued.machine_id},
                {"existing", issued.existing}};
  if (answer.seats) reply["seats"] = to_json(*answer.seats);
  if (issued.check_in) {
    reply["check_in"] = {{"counter", issued.check_in->counter},
                         {"receipt", issued.check_in->receipt}};
  }
  reply.update(extra);
  send(res, 200, reply);
}

void activate(Api& api, const Request& req, Response& res) {
  if (refused_as_key_guessing(api, req, res)) return;
  auto body = parse_body(req.body);
  if (!body.ok()) return send_error(res, body.error());
  auto armored = only_string_field(*body, "request");
  if (!armored.ok()) return send_error(res, armored.error());
  const ActivationAnswer answer =
      api.activation.activate(*armored, RequestChannel::online, kDeviceActor, req.remote_addr);
  if (!answer.result.ok()) note_key_failure(api, req, answer.result.code());
  send_activation(api, res, answer, Json::object());
}

// Support submitting a request carried from an air-gapped machine. The reply
// also names the vendor key, for a machine that has never pinned one.
void activate_offline(Api& api, const Request& req, Response& res, const AdminCaller& caller) {
  if (Status allowed = api.admin.may_answer_offline_requests(caller.role); !allowed.ok()) {
    return send_error(res, allowed.error());
  }
  auto body = parse_body(req.body);
  if (!body.ok()) return send_error(res, body.error());
  auto armored = only_string_field(*body, "request");
  if (!armored.ok()) return send_error(res, armored.error());
  send_activation(api, res,
                  api.activation.activate(*armored, RequestChannel::offline, caller.token_id),
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

}  // namespace

void register_client_routes(httplib::Server& server, Api& api) {
  server.Get("/v1/health", route(api, "/v1/health", [](const Request&, Response& res) {
               send(res, 200, {{"status", "ok"}});
             }));
  server.Get("/metrics", route(api, "/metrics", [&api](const Request&, Response& res) {
               // A store that cannot be read leaves out the seat gauges, not the scrape.
               auto licenses = api.reports.seats_in_use();
               auto held = api.reports.held_leases();
               res.set_content(
                   api.metrics.prometheus_text(licenses.ok() ? *licenses : std::vector<License>{},
                                               held.ok() ? *held : std::vector<Lease>{}),
                   "text/plain; version=0.0.4");
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
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            activate_offline(api, req, res, caller);
                          }));
}

}  // namespace nodelock::server
