// nodelock activate / refresh / deactivate: the installer's online commands.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "dongle_flags.h"
#include "license_output.h"
#include "nodelock/client/online.h"
#include "product_choice.h"
#include "server_flags.h"

namespace nodelock::cli {
namespace {

// --server, --ca, --pubkey, --store and --sysroot, as every online command takes them.
Result<OnlineOptions> online_options(const Args& args) {
  OnlineOptions options;
  Status read = read_server_flags(args, options);
  if (!read.ok()) return read.error();
  return options;
}

const ArgSpec kOnlineSpec{
    {"--server", "--key", "--product", "--store", "--sysroot", "--ca", "--pubkey"}, {}};

const ArgSpec kActivateSpec{{"--server", "--key", "--product", "--store", "--sysroot", "--ca",
                             "--pubkey", "--user", kDongleSerialFlag},
                            {kDongleSwitch}};

int print_outcome(const ActivationOutcome& outcome, bool json, const char* verb) {
  if (json) {
    nlohmann::json out = license_json(outcome.license);
    out["existing"] = outcome.existing;
    if (outcome.seats_max > 0) {
      out["seats"] = {{"used", outcome.seats_used}, {"max", outcome.seats_max}};
    }
    std::cout << out.dump() << '\n';
    return exit_ok;
  }
  std::cout << verb << " " << outcome.machine_id << " for " << outcome.license.product;
  if (outcome.existing) std::cout << " (this machine already held a seat; it was kept)";
  std::cout << ".\n";
  if (outcome.seats_max > 0) {
    std::cout << "Seats in use: " << outcome.seats_used << " of " << outcome.seats_max << "\n";
  }
  print_license(std::cout, outcome.license);
  return exit_ok;
}

int run_activate(const Args& args) {
  const bool json = args.has("--json");
  auto key = args.require("--key");
  auto product = args.require("--product");
  auto server = args.require("--server");
  if (!key.ok() || !product.ok() || !server.ok()) {
    return report(!key.ok() ? key.error() : !product.ok() ? product.error() : server.error(), json);
  }
  auto options = online_options(args);
  if (!options.ok()) return report(options.error(), json);
  options->user = args.get("--user");
  auto dongle = dongle_to_bind(args);
  if (!dongle.ok()) return report(dongle.error(), json);
  auto outcome = activate_online(*options, *key, *product, std::move(*dongle));
  if (!outcome.ok()) return report(outcome.error(), json);
  return print_outcome(*outcome, json, "Activated");
}

int run_refresh(const Args& args) {
  const bool json = args.has("--json");
  auto product = chosen_product(args);
  if (!product.ok()) return report(product.error(), json);
  auto options = online_options(args);
  if (!options.ok()) return report(options.error(), json);
  auto outcome = refresh_online(*options, *product);
  if (!outcome.ok()) return report(outcome.error(), json);
  return print_outcome(*outcome, json, "Refreshed the license of");
}

int run_deactivate(const Args& args) {
  const bool json = args.has("--json");
  auto product = chosen_product(args);
  if (!product.ok()) return report(product.error(), json);
  auto options = online_options(args);
  if (!options.ok()) return report(options.error(), json);
  auto activation_id = deactivate_online(*options, *product);
  if (!activation_id.ok()) return report(activation_id.error(), json);
  if (json) {
    std::cout << nlohmann::json{{"deactivated", *activation_id}}.dump() << '\n';
  } else {
    std::cout << "Deactivated: the license is removed from this machine and its seat is free.\n";
  }
  return exit_ok;
}

}  // namespace

const Command activate_command{
    "activate", "activate this machine online with a license key",
    "Usage: nodelock activate --server URL --key KEY --product P [--store DIR] [--ca FILE]\n"
    "                         [--pubkey FILE] [--sysroot DIR] [--dongle [--dongle-serial S]]\n"
    "                         [--user EMAIL] [--json]\n\n"
    "Sends a signed activation request for this machine to the license server and\n"
    "installs the license it returns. Re-activating an activated machine keeps its seat.\n"
    "  --ca FILE      trust this CA for the server's certificate (default: the system's);\n"
    "                 remembered for refresh and deactivate\n"
    "  --pubkey FILE  the vendor's public key; the license must be signed with it\n"
    "  --dongle       bind the license to the dongle plugged in (see `nodelock dongle list`);\n"
    "                 the license is then valid only while that dongle is plugged in\n"
    "  --dongle-serial SERIAL  the dongle to bind to when several are plugged in\n"
    "  --user EMAIL   the license user this machine is for; a license with named users\n"
    "                 admits only them (`nodelock admin users list`)\n"
    "Exit codes: 0 activated, 1 refused (invalid key, no seats left, no dongle), 2 usage,\n"
    "3 server unreachable (then activate offline: `nodelock offline request`).\n",
    kActivateSpec, run_activate};

const Command refresh_command{
    "refresh", "check in with the license server and renew the license",
    "Usage: nodelock refresh [--product P] [--store DIR] [--server URL] [--ca FILE] [--json]\n\n"
    "Renews the installed license (new refresh date, current terms). The server and\n"
    "the --ca given at activation are used unless --server or --ca name others.\n",
    kOnlineSpec, run_refresh};

const Command deactivate_command{
    "deactivate", "remove the license from this machine and free its seat",
    "Usage: nodelock deactivate [--product P] [--store DIR] [--server URL] [--ca FILE] [--json]\n\n"
    "Tells the server with a signed receipt so the seat can be used by another\n"
    "machine, then destroys the local license and device key. When the server cannot\n"
    "be reached or verified, nothing on this machine changes; `nodelock offline\n"
    "deactivate` deactivates without it. The server and --ca of the activation are\n"
    "used unless --server or --ca name others.\n",
    kOnlineSpec, run_deactivate};

}  // namespace nodelock::cli
