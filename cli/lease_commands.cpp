// nodelock lease checkout|heartbeat|release|status: floating seats for scripts
// (borrow and return are in lease_borrow_commands.cpp).
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "lease_flags.h"
#include "lease_output.h"
#include "nodelock/client/borrow.h"
#include "nodelock/client/floating.h"
#include "nodelock/crypto/numbers.h"
#include "nodelock/crypto/utc_time.h"
#include "product_choice.h"

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
  auto seconds = parse_whole_number(*text, "--wait-timeout", 1, kMaxWaitSeconds);
  if (!seconds.ok()) return seconds.error();
  return static_cast<int>(*seconds);
}
// --sysroot is the global option every command that acts as a machine takes;
// the held lease is found in the store, so it changes nothing here.
const ArgSpec kHeldSpec{{"--product", "--store", "--sysroot", "--server", "--ca"}, {}};

int show_held(const HeldLease& held, bool json, const char* verb) {
  if (json) {
    std::cout << held_json(held).dump() << '\n';
  } else {
    print_held(held, verb, static_cast<std::int64_t>(std::time(nullptr)));
  }
  return exit_ok;
}

int run_checkout(const Args& args) {
  const bool json = args.has("--json");
  auto key = args.require("--key");
  auto product = chosen_product(args);
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
  return show_held(*held, json, "Checked out");
}

int run_heartbeat(const Args& args) {
  const bool json = args.has("--json");
  auto product = chosen_product(args);
  if (!product.ok()) return report(product.error(), json);
  auto options = lease_options(args);
  if (!options.ok()) return report(options.error(), json);
  auto held = renew_lease(*options, *product);
  if (!held.ok()) return report(held.error(), json);
  return show_held(*held, json, "Renewed");
}

int run_release(const Args& args) {
  const bool json = args.has("--json");
  auto product = chosen_product(args);
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

// Why `lease status` finds no seat held: a borrow or a lease that expired, or
// neither taken.
Error no_seat_held(const Result<HeldLease>& lease, const Result<HeldBorrow>& borrow,
                   const std::string& product) {
  if (borrow.ok()) {
    return make_error(ErrorCode::expired,
                      "the floating seat borrowed for offline use (lease " +
                          borrow->borrow.lease_id + ") expired at " +
                          utc_timestamp(borrow->borrow.expires_at) +
                          "; go online and borrow one again with `nodelock lease borrow --days N`");
  }
  if (lease.ok()) {
    return make_error(ErrorCode::lease_ended, "lease " + lease->lease.lease_id + " expired at " +
                                                  utc_timestamp(lease->expires_at) +
                                                  " without a heartbeat; check a seat out again");
  }
  return make_error(ErrorCode::not_found,
                    "no floating seat of " + product +
                        " is held on this machine; check one out with `nodelock lease checkout` "
                        "or borrow one with `nodelock lease borrow`");
}

int run_status(const Args& args) {
  const bool json = args.has("--json");
  auto product = chosen_product(args);
  if (!product.ok()) return report(product.error(), json);
  const std::string store = args.get("--store").value_or("");
  auto lease = read_held_lease(store, *product);
  if (!lease.ok() && lease.code() != ErrorCode::not_found) return report(lease.error(), json);
  auto borrow = read_held_borrow(store, *product);
  if (!borrow.ok() && borrow.code() != ErrorCode::not_found) return report(borrow.error(), json);
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  const bool holding = lease.ok() && lease->expires_at > now;
  const bool borrowing = borrow.ok() && borrow->borrow.expires_at > now;
  if (!holding && !borrowing) return report(no_seat_held(lease, borrow, *product), json);
  if (json) {
    nlohmann::json out = holding ? held_json(*lease) : nlohmann::json::object();
    if (borrowing) out["borrowed"] = borrow_json(*borrow);
    std::cout << out.dump() << '\n';
    return exit_ok;
  }
  if (holding) print_held(*lease, "Holding", now);
  if (borrowing) print_borrow(*borrow, "Borrowed", now);
  return exit_ok;
}

}  // namespace

const Command lease_checkout_command{
    "lease checkout", "check a floating seat out of the license server",
    "Usage: nodelock lease checkout --server URL --key KEY [--product P] [--user EMAIL]\n"
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
    "Usage: nodelock lease heartbeat [--product P] [--store DIR] [--sysroot DIR]\n"
    "                               [--server URL] [--ca FILE] [--json]\n\n"
    "Extends the held lease by its TTL. Exit code 1 when the server no longer holds it\n"
    "(it expired, or support released it): check a seat out again.\n",
    kHeldSpec, run_heartbeat};

const Command lease_release_command{
    "lease release", "give the floating seat held in the store back",
    "Usage: nodelock lease release [--product P] [--store DIR] [--sysroot DIR]\n"
    "                             [--server URL] [--ca FILE] [--json]\n",
    kHeldSpec, run_release};

const Command lease_status_command{
    "lease status", "show the floating seats held in the store (offline)",
    "Usage: nodelock lease status [--product P] [--store DIR] [--sysroot DIR] [--json]\n\n"
    "Shows the lease checked out and the seat borrowed for offline use, with their\n"
    "expiry. With --json: the lease's fields, and the borrowed seat's under \"borrowed\".\n"
    "Exit code 1 when no seat is held, or those held have expired.\n",
    ArgSpec{{"--product", "--store", "--sysroot"}, {}}, run_status};

}  // namespace nodelock::cli
