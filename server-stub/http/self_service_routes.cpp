// The license holder's endpoints: authenticated by the license key alone, so a
// customer sees the machines on the license, and frees a lost one's seat,
// without a support ticket.
#include "route_kit.h"

#include <limits>

#include "../service/license_rules.h"
#include "nodelock/activation/json_fields.h"

namespace nodelock::server {

namespace {

// {"limit": N, "after": "act_…"} of a device listing, both optional.
Result<ActivationPageRequest> page_request_from_json(const Json& body) {
  FieldReader in(body, "device listing");
  ActivationPageRequest page;
  page.after = in.optional_string("after").value_or("");
  // The service checks the size; here only that it fits an int.
  if (const auto limit = in.optional_integer("limit")) {
    if (*limit < std::numeric_limits<int>::min() || *limit > std::numeric_limits<int>::max()) {
      in.fail("\"limit\" is out of range");
    } else {
      page.limit = static_cast<int>(*limit);
    }
  }
  if (Status read = in.finish(); !read.ok()) return read.error();
  return page;
}

// What the holder is told of the license: what names it, and its seats.
Json holder_view(const License& license) {
  return {{"id", license.id},
          {"product", license.product_id},
          {"key_hint", key_display(license)},
          {"licensee", license.licensee},
          {"model", seat_model_name(license.model)},
          {"status", name_of(license.state)},
          {"seats", to_json(SeatCount::of(license, license.seats_used))}};
}

// What identifies a machine to a person; never its fingerprint or device key.
Json device_view(const Activation& activation) {
  return {{"id", activation.id},
          {"machine_id", activation.machine_id},
          {"hostname", activation.hostname},
          {"activated_at", activation.activated_at},
          {"last_seen_at", activation.last_seen_at},
          {"status", name_of(activation.state)},
          {"mode", activation.mode}};
}

// {"device": "NL-…" | "act_…"} of a release.
Result<std::string> device_from_json(const Json& body) {
  FieldReader in(body, "device release");
  std::string device = in.string("device");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return device;
}

void release_device(Api& api, Response& res, const LicenseHolder& holder, const Json& rest) {
  auto device = device_from_json(rest);
  if (!device.ok()) return send_error(res, device.error());
  answer(res, api.self_service.release(holder, *device), 200, [](const HolderRelease& release) {
    Json allowance = {{"allowed", release.allowed},
                      {"made", release.made},
                      {"window_days", kSelfServiceWindowSeconds / 86400}};
    if (release.next_possible_at) allowance["next_possible_at"] = *release.next_possible_at;
    return Json{{"released", device_view(release.released)},
                {"license", holder_view(release.license)},
                {"releases", std::move(allowance)}};
  });
}

void list_devices(Api& api, Response& res, const LicenseHolder& holder, const Json& rest) {
  auto page = page_request_from_json(rest);
  if (!page.ok()) return send_error(res, page.error());
  answer(res, api.self_service.devices(holder, *page), 200, [&](const ActivationPage& listed) {
    Json devices = Json::array();
    for (const Activation& activation : listed.activations) {
      devices.push_back(device_view(activation));
    }
    Json out = {{"license", holder_view(holder.license)}, {"devices", std::move(devices)}};
    if (listed.next) out["next"] = *listed.next;
    return out;
  });
}

}  // namespace

void register_self_service_routes(httplib::Server& server, Api& api) {
  server.Post("/v1/self-service/devices",
              key_holder_route(api, "/v1/self-service/devices",
                               [&api](const Request&, Response& res, const LicenseHolder& holder,
                                      const Json& rest) { list_devices(api, res, holder, rest); }));
  server.Post(
      "/v1/self-service/release",
      key_holder_route(api, "/v1/self-service/release",
                       [&api](const Request&, Response& res, const LicenseHolder& holder,
                              const Json& rest) { release_device(api, res, holder, rest); }));
}

}  // namespace nodelock::server
