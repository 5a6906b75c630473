#include "discovery.h"

#include <utility>

#include "nldg.h"
#include "yubikey.h"

namespace nodelock::dongle {
namespace {

Status identify_nldg(usb::Handle& handle, PluggedDongle& dongle) {
  if (auto identified = nldg::identify(handle); !identified.ok()) return identified;
  auto key = nldg::public_key(handle);
  if (!key.ok()) return key.error();
  dongle.public_key = *key;
  return {};
}

Status identify_yubikey(usb::Handle& handle, PluggedDongle& dongle) {
  auto status = yubikey::open(handle);
  if (!status.ok()) return status.error();
  dongle.firmware = status->firmware();
  // YubiKeys 4 and 5 leave the USB serial descriptor out; the OTP interface
  // tells the serial unless the owner hid it, and a key without one is still a
  // key that answers.
  if (dongle.serial.empty()) {
    if (auto serial = yubikey::serial_number(handle); serial.ok()) {
      dongle.serial = std::to_string(*serial);
    }
  }
  return {};
}

}  // namespace

Inspected inspect(usb::Candidate& candidate, std::chrono::milliseconds timeout) {
  Inspected inspected;
  auto handle = candidate.open(timeout);
  if (!handle.ok()) {
    inspected.dongle = candidate.identity();
    inspected.failure = handle.error();
    inspected.dongle.problem = handle.message();
    return inspected;
  }
  candidate.read_strings(*handle);
  inspected.dongle = candidate.identity();
  const Status identified = inspected.dongle.family == Family::nldg
                                ? identify_nldg(*handle, inspected.dongle)
                                : identify_yubikey(*handle, inspected.dongle);
  if (!identified.ok()) {
    inspected.failure = identified.error();
    inspected.dongle.problem = identified.message();
    return inspected;
  }
  inspected.dongle.answers = true;
  inspected.handle.emplace(std::move(*handle));
  return inspected;
}

Result<std::vector<PluggedDongle>> list_dongles(const DeviceOptions& options) {
  auto bus = usb::Bus::open();
  if (!bus.ok()) return bus.error();
  std::vector<PluggedDongle> dongles;
  for (usb::Candidate& candidate : bus->allow_listed(options.allow_list)) {
    dongles.push_back(inspect(candidate, options.timeout).dongle);
  }
  return dongles;
}

}  // namespace nodelock::dongle
