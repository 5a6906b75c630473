// nodelock status: the offline check an application makes, run by hand.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "license_output.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/verifier.h"
#include "nodelock/crypto/key_file.h"
#include "nodelock/crypto/utc_time.h"
#include "product_choice.h"

namespace nodelock::cli {
namespace {

// --pubkey when given; else the keys pinned in the store at activation (an
// application embeds its vendor keys instead).
Result<std::vector<crypto::PublicKey>> vendor_keys(const Args& args, const LocalStore& store) {
  if (auto pubkey = args.get("--pubkey")) {
    auto key = crypto::read_public_key_file(*pubkey);
    if (!key.ok()) return key.error();
    return std::vector<crypto::PublicKey>{*key};
  }
  return store.read_vendor_keys();
}

// The dongle a license is bound to, and whether it proved itself in this check.
nlohmann::json dongle_json(const dongle::DongleBinding& bound, const CheckResult& result) {
  return {{"family", std::string(dongle::family_name(bound.family()))},
          {"binding", bound.describe()},
          {"proven", result.dongle_proven()}};
}

// How the installed license got here: an offline activation leaves no server
// to check in with, so `nodelock refresh` is not the way to renew it.
std::string_view activation_channel(const LocalStore& store) {
  auto record = store.read_record();
  if (!record.ok()) return "none";
  return record->server_url.empty() ? "offline" : "online";
}

std::string check_in_line(std::int64_t refresh_by, std::string_view channel) {
  if (refresh_by != 0) return "Check in by: " + utc_date(refresh_by);
  if (channel == "offline")
    return "Check in:    none: a license activated by files runs for its term";
  return "Check in:    none needed before the license ends";
}

// --store when given; else the store the Verifier finds the license in: the
// user's own, else the machine's.
std::filesystem::path checked_root(const Args& args, const std::string& product) {
  if (auto given = args.get("--store")) return *given;
  auto found = LocalStore::root_for(product);
  return found.ok() ? *found : LocalStore::default_root();
}

// After a hardware change the policy tolerates, the ID this machine shows
// (`nodelock fingerprint`, request files) is not the one the server knows it
// by: support needs both to find the seat.
void print_machine_drift(const CheckResult& result) {
  if (result.current_machine_id() != result.machine_id()) {
    std::cout << "  This machine: " << result.current_machine_id() << " now (enrolled as "
              << result.machine_id() << ", the ID the server shows)\n";
  }
  if (!result.match_warning().empty())
    std::cout << "  Warning:     " << result.match_warning() << "\n";
}

int exit_code_of(LicenseStatus status) {
  if (status == LicenseStatus::valid) return exit_ok;
  return status == LicenseStatus::tampered ? exit_bad_input : exit_refused;
}

int run_status(const Args& args) {
  const bool json = args.has("--json");
  auto product = chosen_product(args);
  if (!product.ok()) return report(product.error(), json);
  const std::string app_version = args.get("--app-version").value_or("");
  if (!app_version.empty()) {
    if (auto major = app_major_version(app_version); !major.ok()) {
      return report(major.error(), json);
    }
  }
  const LocalStore store(checked_root(args, *product), *product);
  auto keys = vendor_keys(args, store);
  if (!keys.ok()) return report(keys.error(), json);

  const Verifier verifier(*keys, *product);
  CheckOptions options;
  options.store = args.get("--store").value_or("");
  options.sysroot = args.get("--sysroot").value_or("");
  options.app_version = app_version;
  options.site_id = args.get("--site-id").value_or("");
  const CheckResult result = verifier.check(options);
  const std::string_view channel = activation_channel(store);

  if (json) {
    nlohmann::json out = {
        {"status", status_name(result.status())}, {"message", result.message()},
        {"in_grace", result.in_grace()},          {"license_id", result.license_id()},
        {"machine_id", result.machine_id()},      {"features", result.features()},
        {"refresh_by", result.refresh_by()},      {"activation", channel}};
    if (!result.current_machine_id().empty()) {
      out["current_machine_id"] = result.current_machine_id();
    }
    if (!result.match_warning().empty()) out["warnings"] = {result.match_warning()};
    if (!result.site_id().empty()) out["site_id"] = result.site_id();
    if (result.borrowed()) out["borrowed"] = true;
    if (result.expires_at()) out["expires_at"] = *result.expires_at();
    if (const dongle::DongleBinding* bound = result.dongle())
      out["dongle"] = dongle_json(*bound, result);
    std::cout << out.dump() << '\n';
  } else if (result.ok() && !result.site_id().empty()) {
    std::cout << "Site license valid for " << *product << " at site " << result.site_id()
              << (result.in_grace() ? " (in grace period: renew it with your vendor)" : "")
              << ".\n  License:     " << result.license_id()
              << "\n  Licensee:    " << (result.licensee().empty() ? "-" : result.licensee())
              << "\n  Expires:     "
              << (result.expires_at() ? utc_date(*result.expires_at()) : "never")
              << "\n  Check in:    never (a site license file)\n";
  } else if (result.ok() && result.borrowed()) {
    std::cout << "Borrowed floating seat valid for " << *product << " on " << result.machine_id()
              << ", offline until " << utc_timestamp(result.expires_at().value_or(0))
              << ".\n  License:     " << result.license_id()
              << "\n  Licensee:    " << (result.licensee().empty() ? "-" : result.licensee())
              << "\n  Check in:    never until then; go online and borrow again with `nodelock "
                 "lease borrow --days N`, or return it early with `nodelock lease return`\n";
    print_machine_drift(result);
  } else if (result.ok()) {
    std::cout << "License valid for " << *product << " on " << result.machine_id()
              << (result.in_grace() ? " (in grace period: run `nodelock refresh` soon)" : "")
              << ".\n  License:     " << result.license_id() << "\n  Activated:   " << channel
              << (channel == "offline" ? " (renew with `nodelock offline request --renew`)" : "")
              << "\n  Expires:     "
              << (result.expires_at() ? utc_date(*result.expires_at()) : "never") << "\n  "
              << check_in_line(result.refresh_by(), channel) << "\n";
    if (const dongle::DongleBinding* bound = result.dongle()) {
      std::cout << "  Dongle:      " << bound->describe() << ", plugged in and proven\n";
    }
    print_machine_drift(result);
  } else {
    std::cerr << "nodelock: license " << status_name(result.status()) << ": " << result.message()
              << '\n';
  }
  return exit_code_of(result.status());
}

}  // namespace

const Command status_command{
    "status",
    "check the installed license offline, as the application does",
    "Usage: nodelock status [--product P] [--store DIR] [--pubkey FILE] [--app-version V]\n"
    "                       [--sysroot DIR] [--site-id SITE] [--json]\n\n"
    "Verifies the installed license: vendor signature, this machine's fingerprint,\n"
    "clock, expiry, refresh date and version, and for a license bound to a dongle\n"
    "that the dongle is plugged in and proves itself. Without --pubkey, the vendor\n"
    "keys pinned at activation are used. A site license file is valid where the\n"
    "machine presents its site id: --site-id, else the one `offline install` saved.\n"
    "Where no license is installed, a floating seat borrowed with `nodelock lease\n"
    "borrow` is checked instead: valid on this machine until it expires.\n"
    "After a hardware change the license tolerates, this machine's ID differs from\n"
    "the one it was enrolled with (which the server shows): both are printed, with a\n"
    "warning when one more change would stop the license (`current_machine_id` and\n"
    "`warnings` with --json).\n"
    "  --app-version V  the application's version, such as 4.2.0 or v4.2, checked\n"
    "                   against the license's version limit; one that does not read\n"
    "                   as a version is a usage error\n"
    "Exit codes: 0 valid, 1 not valid (the message says why and what to do),\n"
    "4 the license file was changed.\n",
    {{"--product", "--store", "--pubkey", "--app-version", "--sysroot", "--site-id"}, {}},
    run_status};

}  // namespace nodelock::cli
