// A USB bus of emulated devices that unmodified libusb code enumerates and
// talks to, in this process and in the processes it starts.
//
// The bus is a umockdev testbed: each device gets the sysfs entry and device
// node of its fixture (tests/fixtures/usb/*.umockdev), and an ioctl handler
// that answers libusb's usbdevfs requests the way the kernel does: SUBMITURB
// runs a control transfer through the device model, REAPURB hands completed
// transfers back, DISCARDURB cancels one the device never answered (with the
// status the kernel gives), and a device that vanished answers ENODEV.
//
// The process must run under umockdev-wrapper (which preloads umockdev's
// library); ctest does that for these tests. One bus per process at a time:
// umockdev finds the testbed through the UMOCKDEV_DIR environment variable,
// which processes started meanwhile inherit.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "emulated_device.h"

namespace nodelock::dongle::testing {

class EmulatedBus {
 public:
  EmulatedBus();
  ~EmulatedBus();
  EmulatedBus(const EmulatedBus&) = delete;
  EmulatedBus& operator=(const EmulatedBus&) = delete;

  // Plugs `device` in; it stays plugged until unplug() or the bus goes away.
  void plug(std::shared_ptr<EmulatedDevice> device);
  // Pulls `device` out: it leaves sysfs, and a host still holding it open gets
  // ENODEV from then on.
  void unplug(const EmulatedDevice& device);

  // Sets the device nodes as udev leaves them: those of `granted` open to
  // every user (0666, what 70-nodelock-dongles.rules does), the others
  // read-only (0444: not even their owner may open them for writing, as
  // libusb must). So that a process of another user can reach the bus at all,
  // the testbed and umockdev's sockets are opened to every user.
  void set_access(const std::vector<const EmulatedDevice*>& granted);

  // Whether this process runs under umockdev-wrapper.
  static bool preloaded();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace nodelock::dongle::testing
