// nodelock devices and release-device: the license holder's own view of the
// machines on a license, and freeing a lost one's seat, with nothing but the
// license key, for when support is closed.
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "nodelock/activation/license_key.h"
#include "nodelock/client/server_client.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {
namespace {

// The most machines one page asks for: the server's largest page.
constexpr int kPageSize = 1000;

// What every self-service command sends: the server of --server and --ca, and
// the key of --key in its canonical form. A typo is caught here, before any
// round trip, and is not counted by the server as a guess.
struct HolderCall {
  ServerClient server;
  std::string key;
};

Result<HolderCall> holder_call(const Args& args) {
  auto url = args.require("--server");
  if (!url.ok()) return url.error();
  auto typed = args.require("--key");
  if (!typed.ok()) return typed.error();
  auto key = LicenseKey::parse(*typed);
  if (!key.ok()) return key.error();
  ServerOptions options;
  options.url = *url;
  options.ca_file = args.get("--ca").value_or("");
  auto server = ServerClient::connect(options);
  if (!server.ok()) return server.error();
  return HolderCall{std::move(*server), key->text()};
}

// The license and every machine on it, page after page.
Result<nlohmann::json> every_device(const HolderCall& call) {
  nlohmann::json devices = nlohmann::json::array();
  nlohmann::json body = {{"key", call.key}, {"limit", kPageSize}};
  for (;;) {
    auto page = call.server.post("/v1/self-service/devices", body);
    if (!page.ok()) return page.error();
    for (auto& device : (*page)["devices"]) devices.push_back(std::move(device));
    if (!page->contains("next")) {
      return nlohmann::json{{"license", (*page)["license"]}, {"devices", std::move(devices)}};
    }
    body["after"] = (*page)["next"];
  }
}

std::string text_of(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void print_devices(const nlohmann::json& listing) {
  const auto& license = listing["license"];
  const auto& seats = license["seats"];
  std::cout << "License " << text_of(license["key_hint"]) << " (" << text_of(license["product"]);
  if (!text_of(license["licensee"]).empty()) std::cout << ", " << text_of(license["licensee"]);
  std::cout << "): " << seats["used"];
  if (seats.contains("max")) std::cout << " of " << seats["max"];
  std::cout << " seats in use.\n";
  if (listing["devices"].empty()) std::cout << "No machines were ever activated on it.\n";
  for (const auto& device : listing["devices"]) {
    std::cout << text_of(device["machine_id"]) << "  " << text_of(device["hostname"]) << "  "
              << text_of(device["status"]) << "  " << text_of(device["mode"]) << "  activated "
              << utc_date(device["activated_at"]) << ", last seen "
              << utc_date(device["last_seen_at"]) << "  (" << text_of(device["id"]) << ")\n";
  }
}

int run_devices(const Args& args) {
  const bool json = args.has("--json");
  auto call = holder_call(args);
  if (!call.ok()) return report(call.error(), json);
  return show_answer(every_device(*call), json, print_devices);
}

void print_release(const nlohmann::json& answer) {
  const auto& device = answer["released"];
  const auto& seats = answer["license"]["seats"];
  const auto& releases = answer["releases"];
  std::cout << "Released " << text_of(device["machine_id"]) << " (" << text_of(device["hostname"])
            << "): its seat is free now, and that machine is refused at its next check-in. "
            << seats["used"];
  if (seats.contains("max")) std::cout << " of " << seats["max"];
  std::cout << " seats in use.\n";
  const int left = releases["allowed"].get<int>() - releases["made"].get<int>();
  std::cout << left << " of " << releases["allowed"] << " self-service releases left in "
            << releases["window_days"] << " days";
  if (releases.contains("next_possible_at")) {
    std::cout << "; the next is possible at "
              << utc_timestamp(releases["next_possible_at"].get<std::int64_t>());
  }
  std::cout << ".\n";
}

int run_release_device(const Args& args) {
  const bool json = args.has("--json");
  auto call = holder_call(args);
  if (!call.ok()) return report(call.error(), json);
  auto device = args.require("--device");
  if (!device.ok()) return report(device.error(), json);
  return show_answer(
      call->server.post("/v1/self-service/release", {{"key", call->key}, {"device", *device}}),
      json, print_release);
}

}  // namespace

const Command devices_command{
    "devices", "list the machines on a license, with only its license key",
    "Usage: nodelock devices --server URL --key KEY [--ca FILE] [--json]\n\n"
    "Lists every machine ever activated on the license the key opens: machine ID,\n"
    "hostname, state (active, deactivated, reset, ...), online or offline, when it was\n"
    "activated and last checked in, and its activation id. Nothing else is shown: no\n"
    "fingerprints, no device keys, nothing of other licenses.\n"
    "  --ca FILE  trust this CA for the server's certificate (default: the system's)\n"
    "A wrong key is refused as activation refuses it, and repeated wrong keys from one\n"
    "address are slowed down.\n"
    "Exit codes: 0 listed, 1 refused (invalid or unknown key), 2 usage, 3 server\n"
    "unreachable.\n",
    ArgSpec{{"--server", "--key", "--ca"}, {}}, run_devices};

const Command release_device_command{
    "release-device", "free a lost machine's seat, with only the license key",
    "Usage: nodelock release-device --server URL --key KEY --device NL-…|act_…\n"
    "                               [--ca FILE] [--json]\n\n"
    "Frees the seat of one machine on the license the key opens, named by its machine\n"
    "ID or activation id as `nodelock devices` lists them: for a lost, stolen or\n"
    "broken machine, when support is closed. The seat is free at once for another\n"
    "machine; the released machine's next check-in is refused and it stops running\n"
    "when its license would next have been refreshed. It may be activated again.\n"
    "A license allows a number of such releases in any 30 days (set by the vendor;\n"
    "none unless they chose otherwise); beyond that, support resets machines.\n"
    "  --ca FILE  trust this CA for the server's certificate (default: the system's)\n"
    "Exit codes: 0 released, 1 refused (unknown key or machine, seat already free,\n"
    "no releases left), 2 usage, 3 server unreachable.\n",
    ArgSpec{{"--server", "--key", "--ca", "--device"}, {}}, run_release_device};

}  // namespace nodelock::cli
