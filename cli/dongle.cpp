// nodelock dongle list: the USB dongles plugged in, and whether they answer.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/dongle/dongle.h"

namespace nodelock::cli {
namespace {

constexpr std::string_view kUsage =
    R"(Usage: nodelock dongle list [--usb-id VVVV:PPPP,...] [--json]

Lists the USB dongles plugged in that nodelock accepts: NLDG dongles (USB id
1209:0001, and those given with --usb-id) and YubiKeys with an OTP interface.
For each: its family, USB id, bus and address, serial and product name, and
whether it answers its challenge-response protocol; when it does not, why
(for example no permission, and the udev rule that grants it).

Options:
  --usb-id IDS   also accept these NLDG ids, e.g. 1209:a0b1,1209:a0b2
  --json         print {"dongles": [{"family", "usb_id", "bus", "address",
                 "manufacturer", "product", "serial", "answers", ...}]}
)";

nlohmann::json dongle_json(const dongle::PluggedDongle& plugged) {
  nlohmann::json out = {{"family", std::string(dongle::family_name(plugged.family))},
                        {"usb_id", dongle::usb_id_text(plugged.vendor_id, plugged.product_id)},
                        {"bus", plugged.bus},
                        {"address", plugged.address},
                        {"manufacturer", plugged.manufacturer},
                        {"product", plugged.product},
                        {"serial", plugged.serial},
                        {"answers", plugged.answers}};
  if (!plugged.answers) out["problem"] = plugged.problem;
  if (plugged.public_key) {
    out["public_key"] = encoding::base64(plugged.public_key->bytes);
    out["key_id"] = crypto::key_id(*plugged.public_key);
  }
  if (!plugged.firmware.empty()) out["firmware"] = plugged.firmware;
  return out;
}

std::string status_text(const dongle::PluggedDongle& plugged) {
  if (!plugged.answers) return "does not answer";
  if (plugged.public_key) return "answers, key id " + crypto::key_id(*plugged.public_key);
  return "answers, firmware " + plugged.firmware;
}

void print_table(const std::vector<dongle::PluggedDongle>& dongles) {
  std::cout << std::left << std::setw(9) << "FAMILY" << std::setw(11) << "USB ID" << std::setw(10)
            << "BUS:ADDR" << std::setw(22) << "SERIAL" << std::setw(26) << "PRODUCT"
            << "STATUS\n";
  for (const dongle::PluggedDongle& plugged : dongles) {
    std::cout << std::setw(9) << dongle::family_name(plugged.family) << std::setw(11)
              << dongle::usb_id_text(plugged.vendor_id, plugged.product_id) << std::setw(10)
              << (std::to_string(plugged.bus) + ":" + std::to_string(plugged.address))
              << std::setw(22) << (plugged.serial.empty() ? "-" : plugged.serial) << std::setw(26)
              << (plugged.product.empty() ? "-" : plugged.product) << status_text(plugged) << '\n';
  }
  for (const dongle::PluggedDongle& plugged : dongles) {
    if (!plugged.answers) std::cout << "\n" << plugged.problem << '\n';
  }
}

void print_none(const std::vector<dongle::UsbId>& allow_list) {
  std::string looked_for;
  for (const dongle::Family family : {dongle::Family::nldg, dongle::Family::yubikey}) {
    std::string ids;
    for (const dongle::UsbId& id : allow_list) {
      if (id.family == family)
        ids += (ids.empty() ? "" : ", ") + dongle::usb_id_text(id.vendor, id.product);
    }
    if (ids.empty()) continue;
    looked_for +=
        (looked_for.empty() ? " " : "; ") + std::string(dongle::family_name(family)) + " " + ids;
  }
  std::cout << "No dongle is plugged in. Looked for:" << looked_for << '\n';
}

int run_dongle_list(const Args& args) {
  const bool json = args.has("--json");
  if (!args.positional().empty()) {
    return report(make_error(ErrorCode::invalid_argument,
                             "unexpected argument '" + args.positional().front() + "'"),
                  json);
  }
  dongle::DeviceOptions options;
  if (const auto ids = args.get("--usb-id")) {
    auto extra = dongle::parse_usb_ids(*ids, dongle::Family::nldg);
    if (!extra.ok()) return report(extra.error(), json);
    options.allow_list.insert(options.allow_list.end(), extra->begin(), extra->end());
  }
  auto dongles = dongle::list_dongles(options);
  if (!dongles.ok()) return report(dongles.error(), json);

  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const dongle::PluggedDongle& plugged : *dongles) list.push_back(dongle_json(plugged));
    std::cout << nlohmann::json{{"dongles", std::move(list)}}.dump() << '\n';
  } else if (dongles->empty()) {
    print_none(options.allow_list);
  } else {
    print_table(*dongles);
  }
  return exit_ok;
}

}  // namespace

const Command dongle_list_command = {
    "dongle list",   "list the USB dongles plugged in and whether they answer",
    kUsage,          {{"--usb-id"}, {}},
    run_dongle_list,
};

}  // namespace nodelock::cli
