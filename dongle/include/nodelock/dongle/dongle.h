// USB dongles: which ones are plugged in, and what they say about themselves.
//
//   auto dongles = nodelock::dongle::list_dongles();
//   for (const auto& d : *dongles) std::cout << d.serial << (d.answers ? "" : d.problem);
//
// Two families are understood. NLDG v1 is nodelock's open challenge-response
// protocol (docs/dongle-protocol.md): a small microcontroller holding an Ed25519
// key. YubiKeys answer HMAC-SHA1 challenges from their OTP slot 2. Only devices
// whose USB vendor and product ids are on the allow-list are looked at, so a
// product never talks to a keyboard or a storage stick that happens to be
// plugged in.
//
// Everything goes through libusb 1.0 on each call (no state is kept between
// calls), so a dongle plugged in or pulled out is seen at the next call. A
// call costs some milliseconds of USB traffic (10 to 30 ms for a proof against
// emulated devices), so a Verifier caches its proofs (binding.h). Every
// function here may be called from several threads at once; a dongle is
// claimed by one caller at a time, and a concurrent caller is told it is busy.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock::dongle {

enum class Family {
  nldg,     // NLDG v1: Ed25519 challenge-response, the protocol of docs/dongle-protocol.md
  yubikey,  // YubiKey HMAC-SHA1 challenge-response, OTP slot 2
};

// "nldg", "yubikey": stable names used in documents and the CLI.
std::string_view family_name(Family family);
std::optional<Family> family_from_name(std::string_view name);

// A USB vendor:product id a product accepts, and the family it speaks.
struct UsbId {
  std::uint16_t vendor = 0;
  std::uint16_t product = 0;
  Family family = Family::nldg;

  friend bool operator==(const UsbId& a, const UsbId& b) {
    return a.vendor == b.vendor && a.product == b.product && a.family == b.family;
  }
  friend bool operator!=(const UsbId& a, const UsbId& b) { return !(a == b); }
};

// "1209:0001": four lower-case hex digits each, as lsusb and udev rules write them.
std::string usb_id_text(std::uint16_t vendor, std::uint16_t product);

// A comma-separated list of "VVVV:PPPP" ids of `family`, e.g. a vendor's own
// NLDG ids given on the command line. Strict: exactly four hex digits on each
// side of the colon, no empty entries, no repeats; invalid_argument otherwise.
[[nodiscard]] Result<std::vector<UsbId>> parse_usb_ids(std::string_view text, Family family);

// NLDG at 1209:0001 (the pid.codes id for prototypes; a vendor shipping dongles
// adds its own id) and the YubiKeys that have an OTP interface (vendor 1050).
// scripts/udev/70-nodelock-dongles.rules grants access to exactly these.
const std::vector<UsbId>& standard_allow_list();

struct DeviceOptions {
  std::vector<UsbId> allow_list = standard_allow_list();
  // How long one USB request may take before the dongle counts as not
  // answering. A YubiKey waiting for a touch waits this long, too.
  std::chrono::milliseconds timeout{1000};
};

// An allow-listed device on the bus, as far as it could be read.
struct PluggedDongle {
  Family family = Family::nldg;
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::uint8_t bus = 0;
  std::uint8_t address = 0;
  // The USB string descriptors; empty when the device has none or could not be
  // opened. A YubiKey's serial is its device serial number, read over its OTP
  // interface when its USB descriptors carry none.
  std::string manufacturer;
  std::string product;
  std::string serial;
  // Whether it answered as its family must (NLDG: GET_INFO and GET_PUBLIC_KEY;
  // YubiKey: its status report). When not, `problem` says why for people: no
  // permission (and the udev rule to install), a stall, a timeout.
  bool answers = false;
  std::string problem;
  std::optional<crypto::PublicKey> public_key;  // NLDG: the key it signs with
  std::string firmware;                         // YubiKey: "5.4.3"

  // "NLDG dongle 1209:0001 on bus 1, address 2" (never the serial: messages
  // may be logged off the machine).
  std::string describe() const;
};

// The allow-listed devices plugged in now, ordered by bus and address. A
// machine with no USB bus visible (a container without /dev/bus/usb) has none.
// Fails only when libusb cannot start (internal).
[[nodiscard]] Result<std::vector<PluggedDongle>> list_dongles(const DeviceOptions& options = {});

}  // namespace nodelock::dongle
