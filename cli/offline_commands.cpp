// nodelock offline request / install / deactivate (on the air-gapped machine);
// offline respond, support's side, is in offline_respond.cpp.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "document_files.h"
#include "dongle_flags.h"
#include "license_output.h"
#include "nodelock/crypto/key_file.h"
#include "nodelock/offline/offline.h"
#include "product_choice.h"

namespace nodelock::cli {
namespace {

Status write_output(const Args& args, const std::string& text) {
  auto out = args.require("--out");
  if (!out.ok()) return out.error();
  return write_document_file(*out, text);
}

Result<std::string> read_input(const Args& args, const char* what) {
  if (args.positional().size() != 1) {
    return make_error(ErrorCode::invalid_argument, std::string("give exactly one ") + what);
  }
  return read_document_file(args.positional()[0]);
}

int run_request(const Args& args) {
  const bool json = args.has("--json");
  auto product = args.require("--product");
  if (!product.ok()) return report(product.error(), json);
  const LocalStore store(args.get("--store").value_or(""), *product);
  auto machine = this_machine(*product, args.get("--sysroot").value_or(""));
  if (!machine.ok()) return report(machine.error(), json);
  Result<SignedRequest> request = make_error(ErrorCode::internal, "");
  if (args.has("--renew")) {
    if (args.has("--key") || args.has("--user")) {
      return report(make_error(ErrorCode::invalid_argument,
                               "--renew takes no --key or --user: the installed license's seat "
                               "is renewed, with its key and user"),
                    json);
    }
    request = offline::make_renewal_request(store, *machine, *product);
  } else {
    auto key = args.require("--key");
    if (!key.ok()) return report(key.error(), json);
    auto dongle = dongle_to_bind(args);
    if (!dongle.ok()) return report(dongle.error(), json);
    request = offline::make_request(store, *machine, *key, *product, std::move(*dongle),
                                    args.get("--user"));
  }
  if (!request.ok()) return report(request.error(), json);
  if (auto status = write_output(args, request->armored); !status.ok()) {
    return report(status.error(), json);
  }
  if (json) {
    std::cout << nlohmann::json{{"request_file", *args.get("--out")},
                                {"machine_id", machine->machine_id},
                                {"nonce", request->request.nonce},
                                {"renewal", args.has("--renew")}}
                     .dump()
              << '\n';
  } else {
    std::cout << "Wrote the " << (args.has("--renew") ? "renewal" : "activation") << " request for "
              << machine->machine_id << " to " << *args.get("--out") << ".\n"
              << "Carry it to a machine with network access and have support run:\n"
              << "  nodelock offline respond " << *args.get("--out")
              << " --server URL --token TOKEN --out response.nlres\n"
              << "then bring response.nlres back and run here:\n"
              << "  nodelock offline install response.nlres --product " << *product << "\n";
  }
  return exit_ok;
}

// A site license file: the same file on every machine of the site.
int install_site(const Args& args, const LocalStore& store, const std::string& file,
                 const std::string& product, const std::vector<crypto::PublicKey>& vendor_keys) {
  const bool json = args.has("--json");
  auto installed = offline::install_site_file(store, file, product, vendor_keys,
                                              args.get("--site-id").value_or(""));
  if (!installed.ok()) return report(installed.error(), json);
  const SiteLicense& license = installed->license;
  if (json) {
    nlohmann::json out = {{"license_id", license.license_id},
                          {"product", license.product},
                          {"licensee", license.licensee},
                          {"site_id", license.site_id},
                          {"model", "site"},
                          {"term", term_name(license.term)},
                          {"features", license.features},
                          {"trusted_on_first_use", installed->trusted_on_first_use}};
    if (license.expires_at) out["expires_at"] = *license.expires_at;
    std::cout << out.dump() << '\n';
    return exit_ok;
  }
  std::cout << "Installed the site license"
            << (license.licensee.empty() ? "" : " of " + license.licensee) << " for site "
            << license.site_id << ".\n"
            << "Every machine presenting site id " << license.site_id
            << " runs it with this file; it never checks in.\n";
  if (installed->trusted_on_first_use) {
    std::cout << "The vendor key named in the file is now trusted on this machine; pass\n"
                 "--pubkey FILE next time to check it against the vendor's published key.\n";
  }
  return exit_ok;
}

// --product when given; else the product the file names. Its signature is
// checked on install, which refuses a file whose signed product is not this.
Result<std::string> product_to_install(const Args& args, const Envelope& envelope) {
  if (args.has("--product")) return args.require("--product");
  const nlohmann::json& payload = envelope.unverified_payload();
  const auto named = payload.find("product");
  if (named != payload.end() && named->is_string()) return named->get<std::string>();
  return make_error(ErrorCode::invalid_argument, "missing --product: the file names no product");
}

int run_install(const Args& args) {
  const bool json = args.has("--json");
  auto response = read_input(args, "response file (.nlres)");
  if (!response.ok()) return report(response.error(), json);
  std::vector<crypto::PublicKey> vendor_keys;
  if (auto pubkey = args.get("--pubkey")) {
    auto key = crypto::read_public_key_file(*pubkey);
    if (!key.ok()) return report(key.error(), json);
    vendor_keys.push_back(*key);
  }
  auto envelope = parse_document(*response);
  if (!envelope.ok()) return report(envelope.error(), json);
  auto product = product_to_install(args, *envelope);
  if (!product.ok()) return report(product.error(), json);
  const LocalStore store(args.get("--store").value_or(""), *product);
  if (envelope->type() == DocumentType::site_license) {
    return install_site(args, store, *response, *product, vendor_keys);
  }
  if (args.has("--site-id")) {
    return report(make_error(ErrorCode::invalid_argument,
                             "--site-id applies to site license files; this is a response file"),
                  json);
  }
  auto machine = this_machine(*product, args.get("--sysroot").value_or(""));
  if (!machine.ok()) return report(machine.error(), json);
  auto installed = offline::install_response(store, *response, *machine, *product, vendor_keys);
  if (!installed.ok()) return report(installed.error(), json);
  if (json) {
    nlohmann::json out = license_json(installed->license);
    out["trusted_on_first_use"] = installed->trusted_on_first_use;
    std::cout << out.dump() << '\n';
    return exit_ok;
  }
  std::cout << "Installed the license for " << machine->machine_id << " (offline).\n";
  if (installed->trusted_on_first_use) {
    std::cout << "The vendor key named in the response is now trusted on this machine; pass\n"
                 "--pubkey FILE next time to check it against the vendor's published key.\n";
  }
  print_license(std::cout, installed->license);
  return exit_ok;
}

int run_deactivate(const Args& args) {
  const bool json = args.has("--json");
  auto product = chosen_product(args);
  auto out = args.require("--out");
  if (!product.ok() || !out.ok())
    return report(!product.ok() ? product.error() : out.error(), json);
  const LocalStore store(args.get("--store").value_or(""), *product);
  auto machine = this_machine(*product, args.get("--sysroot").value_or(""));
  if (!machine.ok()) return report(machine.error(), json);
  auto receipt = offline::deactivate(store, *machine, *product);
  if (!receipt.ok()) return report(receipt.error(), json);
  if (auto status = write_document_file(*out, *receipt); !status.ok()) {
    // The license is already destroyed: the receipt must not be lost with it.
    std::cout << *receipt;
    return report(
        {status.code(), status.message() + " The receipt is printed above; save it to a file."},
        json);
  }
  if (json) {
    std::cout << nlohmann::json{{"receipt_file", *out}, {"machine_id", machine->machine_id}}.dump()
              << '\n';
  } else {
    std::cout << "The license is removed from this machine. Give " << *out
              << " to support: `nodelock admin deactivate --receipt " << *out
              << "` (or `nodelock offline respond " << *out << "`) frees the seat.\n";
  }
  return exit_ok;
}

}  // namespace

const Command offline_request_command{
    "offline request",
    "write an activation request file on an air-gapped machine",
    "Usage: nodelock offline request --key KEY --product P --out FILE.nlreq [--store DIR]\n"
    "                                [--user EMAIL] [--sysroot DIR]\n"
    "                                [--dongle [--dongle-serial S]] [--json]\n"
    "       nodelock offline request --renew --product P --out FILE.nlreq\n\n"
    "Writes a signed activation request for this machine and remembers it as pending\n"
    "(a newer request replaces it). --renew asks for a renewal of the installed term\n"
    "license (same binding, new dates). --user names the license user the machine is\n"
    "activated for, needed on a license with named users. Opens no network connection.\n"
    "Exit codes: 0 written, 1 refused (invalid key, nothing to renew), 2 usage.\n",
    {{"--key", "--product", "--out", "--store", "--sysroot", "--user", kDongleSerialFlag},
     {"--renew", kDongleSwitch}},
    run_request};

const Command offline_install_command{
    "offline install",
    "install a response file on the air-gapped machine",
    "Usage: nodelock offline install FILE.nlres [--product P] [--pubkey FILE] [--store DIR]\n"
    "                                [--sysroot DIR] [--json]\n"
    "       nodelock offline install FILE.nlsite [--product P] [--site-id SITE] [--pubkey FILE]\n\n"
    "Checks the vendor signature, that the license answers this machine's pending\n"
    "request and that it fits this machine, then installs it. Opens no network connection.\n"
    "A site license file (.nlsite) needs no request: it is installed on every machine of\n"
    "its site, which must present its site id; --site-id sets this machine's (in the\n"
    "store's root, shared by every product).\n"
    "Exit codes: 0 installed, 1 refused (another machine, another request, another\n"
    "product, no request pending, another site), 2 usage, 4 unreadable, damaged or\n"
    "wrong file.\n",
    {{"--product", "--pubkey", "--store", "--sysroot", "--site-id"}, {}},
    run_install};

const Command offline_deactivate_command{
    "offline deactivate",
    "remove the license and write a deactivation receipt file",
    "Usage: nodelock offline deactivate [--product P] --out FILE.nldeact [--store DIR]\n"
    "                                   [--sysroot DIR] [--json]\n\n"
    "Destroys the local license and device key first, then writes a signed receipt that\n"
    "support submits to free the seat. Opens no network connection.\n"
    "Exit codes: 0 done, 1 nothing installed, 2 usage.\n",
    {{"--product", "--out", "--store", "--sysroot"}, {}},
    run_deactivate};

}  // namespace nodelock::cli
