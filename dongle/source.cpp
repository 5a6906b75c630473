#include "nodelock/dongle/source.h"

#include <utility>

namespace nodelock::dongle {

DongleSource::DongleSource(DeviceOptions options) : options_(std::move(options)) {}

void DongleSource::collect(const fingerprint::Host& host,
                           std::vector<fingerprint::Component>& components,
                           std::vector<std::string>& notes) const {
  if (!host.is_this_machine()) return;
  auto dongles = list_dongles(options_);
  if (!dongles.ok()) {
    notes.push_back("dongles were not looked for: " + dongles.message());
    return;
  }
  for (const PluggedDongle& dongle : *dongles) {
    if (!dongle.answers) {
      notes.push_back("ignored the " + dongle.describe() + ": " + dongle.problem);
    } else if (dongle.serial.empty()) {
      notes.push_back("ignored the " + dongle.describe() +
                      ": it has no serial number, so every unit of its model looks the same");
    } else {
      const std::string ids = usb_id_text(dongle.vendor_id, dongle.product_id);
      components.push_back(
          {fingerprint::Kind::dongle, std::string(family_name(dongle.family)) + "-" + ids,
           ids + "|" + dongle.manufacturer + "|" + dongle.product + "|" + dongle.serial});
    }
  }
}

}  // namespace nodelock::dongle
