// The test fixture of the emulated-device tests: a fresh emulated bus per
// test, and the devices of tests/fixtures/usb/ ready to plug in.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "emulated_bus.h"
#include "emulated_dongles.h"
#include "nodelock/dongle/dongle.h"

namespace nodelock::dongle::testing {

class EmulatedDongleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(EmulatedBus::preloaded())
        << "these tests need umockdev's preload library: run them with ctest, or under "
           "umockdev-wrapper";
    bus_ = std::make_unique<EmulatedBus>();
  }
  void TearDown() override { bus_.reset(); }

  EmulatedBus& bus() { return *bus_; }

  template <class Device, class... Arguments>
  std::shared_ptr<Device> plug(Arguments&&... arguments) {
    auto device = std::make_shared<Device>(std::forward<Arguments>(arguments)...);
    bus_->plug(device);
    return device;
  }
  std::shared_ptr<EmulatedNldg> plug_nldg() {
    return plug<EmulatedNldg>("nldg.umockdev", "NLDG-0001-A7");
  }
  std::shared_ptr<EmulatedNldg> plug_second_nldg() {
    return plug<EmulatedNldg>("nldg-second.umockdev", "NLDG-0002-B3");
  }
  std::shared_ptr<EmulatedYubiKey> plug_yubikey(std::uint8_t secret_fill = 0x5A) {
    std::array<std::uint8_t, 20> secret;
    secret.fill(secret_fill);
    return plug<EmulatedYubiKey>(secret);
  }
  // A keyboard: not on the allow-list.
  std::shared_ptr<EmulatedGadget> plug_keyboard() {
    return plug<EmulatedGadget>("keyboard.umockdev", DeviceStrings{"Logitech", "USB Keyboard", ""});
  }
  // Another vendor's gadget that uses NLDG's USB id but not its protocol.
  std::shared_ptr<EmulatedGadget> plug_impostor() {
    return plug<EmulatedGadget>(
        "impostor.umockdev", DeviceStrings{"Open Gadget Works", "Prototype Gadget", "GADGET-77"});
  }

  // Short timeouts keep the tests of silent devices quick.
  static DeviceOptions quick_options() {
    DeviceOptions options;
    options.timeout = std::chrono::milliseconds(250);
    return options;
  }

 private:
  std::unique_ptr<EmulatedBus> bus_;
};

}  // namespace nodelock::dongle::testing
