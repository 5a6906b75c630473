// A USB device as the emulated bus sees it: something that answers control
// transfers on endpoint 0. The bus (emulated_bus.h) turns libusb's usbdevfs
// requests into calls of control(); the models (emulated_dongles.h) implement
// the dongle families from their specifications, independently of the code
// under test, so a host that strays from the protocol fails the tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nodelock::dongle::testing {

using Bytes = std::vector<std::uint8_t>;

// The setup packet of a control transfer.
struct Setup {
  std::uint8_t request_type = 0;
  std::uint8_t request = 0;
  std::uint16_t value = 0;
  std::uint16_t index = 0;
  std::uint16_t length = 0;

  bool is_in() const { return (request_type & 0x80) != 0; }
};

// What the device does with one control transfer.
struct Answer {
  enum class Kind {
    data,     // completes; an IN transfer returns `bytes` (cut to the requested length)
    stall,    // STALLs the request, as USB devices do with requests they do not know
    silence,  // never completes: the host's timeout must end it
    unplug,   // the device disappears in the middle of the transfer
  };
  Kind kind = Kind::data;
  Bytes bytes;

  static Answer with(Bytes bytes) { return {Kind::data, std::move(bytes)}; }
  static Answer done() { return {Kind::data, {}}; }
  static Answer stalled() { return {Kind::stall, {}}; }
  static Answer none() { return {Kind::silence, {}}; }
  static Answer vanished() { return {Kind::unplug, {}}; }
};

// The strings a device reports in its string descriptors 1, 2 and 3; an empty
// one is absent (its index is 0 in the fixture's device descriptor).
struct DeviceStrings {
  std::string manufacturer;
  std::string product;
  std::string serial;
};

class EmulatedDevice {
 public:
  // `fixture` is the file under tests/fixtures/usb/ describing the device's
  // sysfs entry and descriptors; its strings must agree with `strings`.
  EmulatedDevice(std::string fixture, DeviceStrings strings);
  virtual ~EmulatedDevice() = default;

  const std::string& fixture() const { return fixture_; }

  // Called on umockdev's handler thread, one transfer at a time. Answers the
  // standard string descriptor requests and hands everything else to request().
  Answer control(const Setup& setup, const Bytes& data_out);

 protected:
  virtual Answer request(const Setup& setup, const Bytes& data_out) = 0;

 private:
  std::string fixture_;
  DeviceStrings strings_;
};

// A device that is not a dongle: it answers only its string descriptors (a
// keyboard, or another vendor's gadget that borrowed an allow-listed USB id).
class EmulatedGadget final : public EmulatedDevice {
 public:
  using EmulatedDevice::EmulatedDevice;

 protected:
  Answer request(const Setup&, const Bytes&) override { return Answer::stalled(); }
};

}  // namespace nodelock::dongle::testing
