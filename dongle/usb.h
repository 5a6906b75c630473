// The libusb calls the dongle families need, with errors written for people.
// Internal to the dongle module: nothing outside it sees libusb.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"
#include "nodelock/dongle/dongle.h"

struct libusb_context;
struct libusb_device;
struct libusb_device_handle;

namespace nodelock::dongle::usb {

// The setup packet of a control transfer, less its length.
struct ControlRequest {
  std::uint8_t request_type = 0;  // bmRequestType; bit 7 set for IN
  std::uint8_t request = 0;       // bRequest
  std::uint16_t value = 0;        // wValue
  std::uint16_t index = 0;        // wIndex
};

// An opened device. Errors name the device and the step ("GET_INFO") and say
// what went wrong: a stall, a timeout, an unplug, a short answer.
class Handle {
 public:
  Handle(libusb_device_handle* handle, const PluggedDongle& identity,
         std::chrono::milliseconds timeout);
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&&) = delete;
  ~Handle();  // releases the interface it claimed, then closes

  // Claims `number` for this process, detaching a kernel driver (the YubiKey's
  // keyboard driver) for as long as the handle lives.
  [[nodiscard]] Status claim_interface(int number);

  [[nodiscard]] Status control_out(const ControlRequest& request, crypto::ByteView data,
                                   std::string_view step);
  // Exactly `length` bytes; a shorter answer is an io_error.
  [[nodiscard]] Result<crypto::Bytes> control_in(const ControlRequest& request,
                                                 std::uint16_t length, std::string_view step);

  // The string descriptor `index` in ASCII; empty when there is none or it
  // cannot be read.
  std::string string_descriptor(std::uint8_t index);

  const std::string& description() const { return description_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  Error transfer_error(int code, std::string_view step) const;

  libusb_device_handle* handle_;
  PluggedDongle identity_;
  std::string description_;
  std::chrono::milliseconds timeout_;
  int claimed_interface_ = -1;
};

// An allow-listed device found on the bus; keeps the device referenced.
class Candidate {
 public:
  Candidate(libusb_device* device, PluggedDongle identity, std::uint8_t manufacturer_index,
            std::uint8_t product_index, std::uint8_t serial_index);
  Candidate(Candidate&& other) noexcept;
  Candidate& operator=(Candidate&& other) noexcept;
  ~Candidate();

  // Family, ids, bus and address; the strings are filled by read_strings().
  const PluggedDongle& identity() const { return identity_; }
  [[nodiscard]] Result<Handle> open(std::chrono::milliseconds timeout) const;
  // Fills manufacturer, product and serial of identity() from `handle`.
  void read_strings(Handle& handle);

 private:
  libusb_device* device_;
  PluggedDongle identity_;
  std::uint8_t manufacturer_index_;
  std::uint8_t product_index_;
  std::uint8_t serial_index_;
};

// The USB buses as one libusb context sees them, for the length of one public
// call: a dongle plugged in or pulled out is seen by the next call.
class Bus {
 public:
  // internal when libusb cannot start.
  [[nodiscard]] static Result<Bus> open();
  Bus(Bus&& other) noexcept;
  Bus& operator=(Bus&&) = delete;
  ~Bus();

  // The devices on `allow_list` plugged in now, ordered by bus and address.
  std::vector<Candidate> allow_listed(const std::vector<UsbId>& allow_list) const;

 private:
  explicit Bus(libusb_context* context) : context_(context) {}
  libusb_context* context_;
};

}  // namespace nodelock::dongle::usb
