// nodelock lease checkout|heartbeat|release|status: floating seats for scripts.
#include <cstdlib>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "nodelock/activation/floating.h"
#include "nodelock/activation/key_file.h"
#include "nodelock/activation/utc_time.h"

namespace nodelock::cli {
namespace {

const ArgSpec kCheckoutSpec{{"--server", "--key", "--product", "--store", "--sysroot", "--ca",
                             "--pubkey", "--user", "--project", "--wait-timeout"},
                            {"--wait"}};

// A week: longer than anyone waits for a seat at a terminal, short enough to
// catch a typo of the unit.
constexpr int kMaxWaitSeconds = 7 * 86400;

// The --wait-timeout in seconds; 0 without one.
Result<int> wait_timeout(const Args& args) {
  const auto text = args.get("--wait-timeout");
  if (!text) return 0;
  if (!args.has("--wait")) {
    return make_error(ErrorCode::invalid_argument, "--wait-timeout is for --wait");
  }
  char* end = nullptr;
  const long seconds = std::strtol(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || seconds < 1 || seconds > kMaxWaitSeconds) {
    return make_error(ErrorCode::invalid_argument, "--wait-timeout takes seconds from 1 to " +
                                                       std::to_string(kMaxWaitSeconds) + ", not '" +
                                                       *text + "'");
  }
  return static_cast<int>(seconds);
}
const ArgSpec kHeldSpec{{"--product", "--store", "--server", "--ca"}, {}};

Result<LeaseOptions> lease_options(const Args& args) {
  LeaseOptions options;
  options.server.url = args.get("--server").value_or("");
  options.server.ca_file = args.get("--ca").value_or("");
  options.store_root = args.get("--store").value_or("");
  options.sysroot = args.get("--sysroot").value_or("");
  options.user = args.get("--user");
  options.project = args.get("--project");
  if (auto pubkey = args.get("--pubkey")) {
    auto key = crypto::read_public_key_file(*pubkey);
    if (!key.ok()) return key.error();
    options.vendor_keys.push_back(*key);
  }
  return options;
}

nlohmann::json held_json(const HeldLease& held) {
  nlohmann::json out = {
      {"lease_id", held.lease.lease_id}, {"license_id", held.lease.license_id},
      {"product", held.lease.product},   {"scope", seat_scope_name(held.lease.scope)},
      {"seat", held.lease.seat},         {"machine_id", held.lease.machine_id},
      {"expires_at", held.expires_at},   {"heartbeat_seconds", held.lease.heartbeat_seconds},
      {"overage", held.lease.overage},   {"features", held.lease.features}};
  if (held.lease.user) out["user"] = *held.lease.user;
  if (held.lease.project) out["project"] = *held.lease.project;
  return out;
}

int print_held(const HeldLease& held, bool json, const char* verb) {
  if (json) {
    std::cout << held_json(held).dump() << '\n';
    return exit_ok;
  }
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::cout << verb << " lease " << held.lease.lease_id << " on " << held.lease.product << " (seat "
            << held.lease.seat << ")";
  if (held.lease.overage) std::cout << " on a grace seat, beyond the license's seats";
  std::cout << ".\nIt expires at " << utc_timestamp(held.expires_at) << " (in "
            << held.expires_at - now << " seconds) unless renewed; renew it every "
            << held.lease.heartbeat_seconds << " seconds with `nodelock lease heartbeat`.\n";
  return exit_ok;
}

int run_checkout(const Args& args) {
  const bool json = args.has("--json");
  auto key = args.require("--key");
  auto product = args.require("--product");
  auto server = args.require("--server");
  if (!key.ok() || !product.ok() || !server.ok()) {
    return report(!key.ok() ? key.error() : !product.ok() ? product.error() : server.error(), json);
  }
  auto timeout = wait_timeout(args);
  if (!timeout.ok()) return report(timeout.error(), json);
  auto options = lease_options(args);
  if (!options.ok()) return report(options.error(), json);
  LeaseWait wait;
  wait.timeout_seconds = *timeout;
  wait.on_place = [](const SeatQueuePlace& place) {
    std::cerr << "waiting for a seat: position " << place.position << " of " << place.waiting
              << std::endl;
  };
  auto held = args.has("--wait") ? wait_for_lease(*options, *key, *product, wait)
                                 : check_out_lease(*options, *key, *product);
  if (!held.ok()) return report(held.error(), json);
  return print_held(*held, json, "Checked out");
}

int run_heartbeat(const Args& args) {
  const bool json = args.has("--json");
  auto product = args.require("--product");
  if (!product.ok()) return report(product.error(), json);
  auto options = lease_options(args);
  if (!options.ok()) return report(options.error(), json);
  auto held = renew_lease(*options, *product);
  if (!held.ok()) return report(held.error(), json);
  return print_held(*held, json, "Renewed");
}

int run_release(const Args& args) {
  const bool json = args.has("--json");
  auto product = args.require("--product");
  if (!product.ok()) return report(product.error(), json);
  auto options = lease_options(args);
  if (!options.ok()) return report(options.error(), json);
  if (Status released = release_lease(*options, *product); !released.ok()) {
    return report(released.error(), json);
  }
  if (json) {
    std::cout << nlohmann::json{{"released", true}}.dump() << '\n';
  } else {
    std::cout << "Released: the floating seat is free for someone else.\n";
  }
  return exit_ok;
}

int run_status(const Args& args) {
  const bool json = args.has("--json");
  auto product = args.require("--product");
  if (!product.ok()) return report(product.error(), json);
  auto held = read_held_lease(args.get("--store").value_or(""), *product);
  if (!held.ok()) return report(held.error(), json);
  if (held->expires_at <= static_cast<std::int64_t>(std::time(nullptr))) {
    return report(
        make_error(ErrorCode::lease_ended, "lease " + held->lease.lease_id + " expired at " +
                                               utc_timestamp(held->expires_at) +
                                               " without a heartbeat; check a seat out again"),
        json);
  }
  return print_held(*held, json, "Holding");
}

}  // namespace

const Command lease_checkout_command{
    "lease checkout", "check a floating seat out of the license server",
    "Usage: nodelock lease checkout --server URL --key KEY --product P [--user EMAIL]\n"
    "                               [--project NAME] [--store DIR] [--ca FILE] [--pubkey FILE]\n"
    "                               [--sysroot DIR] [--wait [--wait-timeout SECONDS]] [--json]\n\n"
    "Checks out a floating seat for this machine and keeps the lease in the store.\n"
    "The lease must be renewed with `nodelock lease heartbeat` before it expires.\n"
    "With --wait, a machine refused because every seat is held keeps its place in the\n"
    "license's queue (\"waiting for a seat: position 2 of 3\" on stderr) and gets the\n"
    "next seat that comes free in its turn; --wait-timeout gives up after SECONDS.\n"
    "Exit codes: 0 checked out, 1 refused (every seat held: the message says by whom;\n"
    "with --wait, no seat came free in time), 2 usage, 3 server unreachable.\n",
    kCheckoutSpec, run_checkout};

const Command lease_heartbeat_command{
    "lease heartbeat", "renew the floating lease held in the store",
    "Usage: nodelock lease heartbeat --product P [--store DIR] [--server URL] [--ca FILE] "
    "[--json]\n\n"
    "Extends the held lease by its TTL. Exit code 1 when the server no longer holds it\n"
    "(it expired, or support released it): check a seat out again.\n",
    kHeldSpec, run_heartbeat};

const Command lease_release_command{
    "lease release", "give the floating seat held in the store back",
    "Usage: nodelock lease release --product P [--store DIR] [--server URL] [--ca FILE] "
    "[--json]\n",
    kHeldSpec, run_release};

const Command lease_status_command{
    "lease status", "show the floating lease held in the store (offline)",
    "Usage: nodelock lease status --product P [--store DIR] [--json]\n\n"
    "Exit code 1 when no lease is held or it has expired.\n",
    ArgSpec{{"--product", "--store"}, {}}, run_status};

}  // namespace nodelock::cli
