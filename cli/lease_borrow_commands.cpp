// nodelock lease borrow|return: a floating seat taken offline for some days,
// and given back early.
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "lease_flags.h"
#include "lease_output.h"
#include "nodelock/client/borrow.h"
#include "nodelock/crypto/numbers.h"
#include "product_choice.h"

namespace nodelock::cli {
namespace {

// --days: a whole number of days. The license's maximum is the server's to
// check, and its refusal names it; this bound only keeps the request sane.
Result<std::int64_t> borrow_days(const Args& args) {
  constexpr std::int64_t kMostDays = 999999;
  auto text = args.require("--days");
  if (!text.ok()) return text.error();
  return parse_whole_number(*text, "--days", 1, kMostDays);
}

int run_borrow(const Args& args) {
  const bool json = args.has("--json");
  auto product = chosen_product(args);
  if (!product.ok()) return report(product.error(), json);
  auto days = borrow_days(args);
  if (!days.ok()) return report(days.error(), json);
  // A key names a license the held lease may not be on, so it comes with
  // its server.
  const std::string key = args.get("--key").value_or("");
  if (!key.empty() && !args.has("--server")) {
    return report(make_error(ErrorCode::invalid_argument,
                             "--key needs --server: the license server to borrow from"),
                  json);
  }
  auto options = lease_options(args);
  if (!options.ok()) return report(options.error(), json);
  auto held = borrow_seat(*options, key, *product, *days);
  if (!held.ok()) return report(held.error(), json);
  if (json) {
    std::cout << borrow_json(*held).dump() << '\n';
  } else {
    print_borrow(*held, "Borrowed", static_cast<std::int64_t>(std::time(nullptr)));
  }
  return exit_ok;
}

int run_return(const Args& args) {
  const bool json = args.has("--json");
  auto product = chosen_product(args);
  if (!product.ok()) return report(product.error(), json);
  auto options = lease_options(args);
  if (!options.ok()) return report(options.error(), json);
  if (Status returned = return_borrowed_seat(*options, *product); !returned.ok()) {
    return report(returned.error(), json);
  }
  if (json) {
    std::cout << nlohmann::json{{"returned", true}}.dump() << '\n';
  } else {
    std::cout << "Returned: the borrowed floating seat is free for someone else, and this "
                 "machine no longer runs on it.\n";
  }
  return exit_ok;
}

}  // namespace

const Command lease_borrow_command{
    "lease borrow",
    "borrow a floating seat for offline use for some days",
    "Usage: nodelock lease borrow --days N [--product P] [--store DIR] [--sysroot DIR]\n"
    "                             [--server URL --key KEY] [--user EMAIL] [--project NAME]\n"
    "                             [--ca FILE] [--pubkey FILE] [--json]\n\n"
    "Takes a floating seat for this machine for N days and keeps the vendor-signed\n"
    "borrowed seat in the store (borrow.nlborrow, 0600), where the application's\n"
    "Verifier accepts it offline, with no license server and no heartbeats, until\n"
    "it expires: after N days, or at the license's own expiry if that comes first.\n"
    "Without --key, the seat is borrowed on the license of the lease checked out\n"
    "with `nodelock lease checkout`, from its server, for its user and project.\n"
    "The seat stays taken on the server until it expires or is returned with\n"
    "`nodelock lease return`. A node-locked license installed on this machine is\n"
    "checked before a borrowed seat.\n"
    "Exit codes: 0 borrowed, 1 refused (the license allows no borrowing or fewer\n"
    "days: the message gives its maximum; every seat held: the message says by\n"
    "whom; a seat is borrowed already), 2 usage, 3 server unreachable.\n",
    {{"--days", "--server", "--key", "--product", "--store", "--sysroot", "--ca", "--pubkey",
      "--user", "--project"},
     {}},
    run_borrow};

const Command lease_return_command{
    "lease return",
    "give the borrowed floating seat back before it expires",
    "Usage: nodelock lease return [--product P] [--store DIR] [--sysroot DIR]\n"
    "                            [--server URL] [--ca FILE] [--json]\n\n"
    "Frees the seat on the license server at once and removes the borrowed seat\n"
    "from the store, so the application no longer runs on it. When the server no\n"
    "longer holds the seat (it expired, or support released it) the borrowed seat\n"
    "is removed all the same and the server's reason printed, with exit code 1.\n"
    "Exit codes: 0 returned, 1 nothing borrowed or the seat had already ended,\n"
    "3 server unreachable (the borrowed seat is kept: return it again later).\n",
    {{"--product", "--store", "--sysroot", "--server", "--ca"}, {}},
    run_return};

}  // namespace nodelock::cli
