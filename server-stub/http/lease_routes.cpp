// Floating leases: check-out, heartbeat and release by clients, borrowing a
// seat for offline use and returning it; the leases held on a license and
// forced releases for support.
#include "nodelock/server/seats_in_use.h"
#include "route_kit.h"

namespace nodelock::server {

namespace {

// The answer to a check-out's body, which may ask for a place in the seat
// queue, or to a borrow's, which may not (a borrow waits behind the queue).
LeaseAnswer answer_of(Api& api, const Json& body, bool borrowing) {
  if (borrowing) {
    auto armored = only_string_field(body, "request");
    if (!armored.ok()) return {armored.error(), std::nullopt, {}, std::nullopt};
    return api.leases.borrow(*armored);
  }
  auto checkout = checkout_body_from_json(body);
  if (!checkout.ok()) return {checkout.error(), std::nullopt, {}, std::nullopt};
  return api.leases.check_out(checkout->request, checkout->queue);
}

// A check-out, or with `borrowing` a borrow: the same request and refusals,
// answered with a LEASE or a BORROW.
void take_seat(Api& api, const Request& req, Response& res, bool borrowing) {
  if (refused_as_key_guessing(api, req, res)) return;
  auto body = parse_body(req.body);
  if (!body.ok()) return send_error(res, body.error());
  const LeaseAnswer answer = answer_of(api, *body, borrowing);
  api.alerts.after_checkout(answer);
  if (!answer.result.ok()) {
    note_key_failure(api, req, answer.result.code());
    Json details = Json::object();
    if (answer.seats) details["seats"] = to_json(*answer.seats);
    if (!answer.holders.empty()) details["holders"] = list_of(answer.holders);
    if (answer.ticket) details["queue"] = to_json(*answer.ticket);
    return send_error(res, answer.result.error(), std::move(details));
  }
  const IssuedLease& issued = *answer.result;
  Json reply = {{borrowing ? "borrow" : "lease", issued.lease},
                {"lease_id", issued.record.id},
                {"secret", issued.secret},
                {"expires_at", issued.record.expires_at},
                {"sequence", issued.record.sequence},
                {"overage", issued.record.overage}};
  if (!borrowing) reply["heartbeat_seconds"] = issued.heartbeat_seconds;
  if (answer.seats) reply["seats"] = to_json(*answer.seats);
  send(res, 201, reply);
}

// The proof of a heartbeat or release, or an error already sent.
std::optional<LeaseProof> read_proof(const Request& req, Response& res) {
  auto body = parse_body(req.body);
  if (!body.ok()) {
    send_error(res, body.error());
    return std::nullopt;
  }
  auto proof = lease_proof_from_json(*body, req.matches[1].str());
  if (!proof.ok()) {
    send_error(res, proof.error());
    return std::nullopt;
  }
  return std::move(*proof);
}

}  // namespace

void register_lease_routes(httplib::Server& server, Api& api) {
  server.Post("/v1/leases", route(api, "/v1/leases", [&api](const Request& req, Response& res) {
                take_seat(api, req, res, false);
              }));
  server.Post("/v1/leases/borrow",
              route(api, "/v1/leases/borrow",
                    [&api](const Request& req, Response& res) { take_seat(api, req, res, true); }));
  server.Post(R"(/v1/leases/([^/]+)/heartbeat)",
              route(api, "/v1/leases/{id}/heartbeat", [&api](const Request& req, Response& res) {
                auto proof = read_proof(req, res);
                if (!proof) return;
                answer(res, api.leases.heartbeat(*proof), 200, [&](const RenewedLease& renewed) {
                  return Json{{"lease_id", proof->lease_id},
                              {"expires_at", renewed.expires_at},
                              {"sequence", renewed.sequence}};
                });
              }));
  server.Post(R"(/v1/leases/([^/]+)/release)",
              route(api, "/v1/leases/{id}/release", [&api](const Request& req, Response& res) {
                auto proof = read_proof(req, res);
                if (!proof) return;
                answer(res, api.leases.release(*proof), 200, [](const Lease& released) {
                  return Json{{"released", true}, {"lease", to_json(released)}};
                });
              }));
  server.Post(R"(/v1/leases/([^/]+)/return)",
              route(api, "/v1/leases/{id}/return", [&api](const Request& req, Response& res) {
                auto proof = read_proof(req, res);
                if (!proof) return;
                answer(res, api.leases.return_borrow(*proof), 200, [](const Lease& returned) {
                  return Json{{"returned", true}, {"lease", to_json(returned)}};
                });
              }));
  server.Get(R"(/v1/licenses/([^/]+)/leases)",
             admin_route(
                 api, "/v1/licenses/{id}/leases",
                 [&api](const Request& req, Response& res, AdminRole role) {
                   answer(
                       res, api.leases.held_leases(role, req.matches[1].str()), 200,
                       [](const std::vector<Lease>& held) {
                         Json seats = Json::array();
                         for (const HeldSeat& seat : held_seats(held)) {
                           seats.push_back({{"seat", seat.seat}, {"leases", list_of(seat.leases)}});
                         }
                         return Json{{"leases", list_of(held)},
                                     {"seats_in_use", seats.size()},
                                     {"seats", std::move(seats)}};
                       });
                 }));
  server.Post(R"(/v1/leases/([^/]+)/force-release)",
              admin_route(api, "/v1/leases/{id}/force-release",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            answer(res, api.leases.force_release(caller, req.matches[1].str()), 200,
                                   [](const Lease& released) {
                                     return Json{{"lease", to_json(released)}};
                                   });
                          }));
}

}  // namespace nodelock::server
