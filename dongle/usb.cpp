#include "usb.h"

#include <libusb.h>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace nodelock::dongle::usb {
namespace {

constexpr std::size_t kMaxStringSize = 127;

std::string device_node(const PluggedDongle& identity) {
  char path[32];
  std::snprintf(path, sizeof path, "/dev/bus/usb/%03u/%03u", unsigned{identity.bus},
                unsigned{identity.address});
  return path;
}

// The rule file ships in scripts/udev/ and is installed by `cmake --install`.
Error permission_error(const PluggedDongle& identity) {
  return make_error(
      ErrorCode::forbidden,
      "no permission to use the " + identity.describe() + " (" + device_node(identity) +
          "): install the udev rule 70-nodelock-dongles.rules that ships with nodelock "
          "(scripts/udev/) into /etc/udev/rules.d/, run `udevadm control --reload && udevadm "
          "trigger`, then plug the dongle in again; a service account must also be in the "
          "plugdev group");
}

}  // namespace

Handle::Handle(libusb_device_handle* handle, const PluggedDongle& identity,
               std::chrono::milliseconds timeout)
    : handle_(handle), identity_(identity), description_(identity.describe()), timeout_(timeout) {}

Handle::Handle(Handle&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      identity_(std::move(other.identity_)),
      description_(std::move(other.description_)),
      timeout_(other.timeout_),
      claimed_interface_(std::exchange(other.claimed_interface_, -1)) {}

Handle::~Handle() {
  if (handle_ == nullptr) return;
  // Releasing (not closing) is what gives a detached kernel driver back.
  if (claimed_interface_ >= 0) libusb_release_interface(handle_, claimed_interface_);
  libusb_close(handle_);
}

Status Handle::claim_interface(int number) {
  libusb_set_auto_detach_kernel_driver(handle_, 1);
  const int result = libusb_claim_interface(handle_, number);
  if (result == LIBUSB_SUCCESS) {
    claimed_interface_ = number;
    return {};
  }
  if (result == LIBUSB_ERROR_BUSY) {
    return make_error(ErrorCode::io_error, "the " + description_ +
                                               " is in use by another program; close it "
                                               "(a key manager, another licensed application) "
                                               "and try again");
  }
  return transfer_error(result, "claiming its interface");
}

Error Handle::transfer_error(int code, std::string_view step) const {
  const std::string what = "the " + description_;
  const std::string during = std::string(step);
  switch (code) {
    case LIBUSB_ERROR_PIPE:
      return make_error(ErrorCode::io_error, what + " refused " + during +
                                                 " (it stalled the request): it does not "
                                                 "speak this protocol, or its firmware is faulty");
    case LIBUSB_ERROR_TIMEOUT:
      return make_error(ErrorCode::io_error, what + " did not answer " + during + " within " +
                                                 std::to_string(timeout_.count()) +
                                                 " ms; unplug it and plug it in again");
    case LIBUSB_ERROR_NO_DEVICE:
      return make_error(ErrorCode::io_error,
                        what + " was unplugged during " + during + "; plug it in again and retry");
    case LIBUSB_ERROR_ACCESS:
      return permission_error(identity_);
    default:
      return make_error(ErrorCode::io_error, what + " failed " + during + ": " +
                                                 libusb_strerror(static_cast<libusb_error>(code)));
  }
}

Status Handle::control_out(const ControlRequest& request, crypto::ByteView data,
                           std::string_view step) {
  crypto::Bytes buffer(data.begin(), data.end());
  const int result = libusb_control_transfer(
      handle_, request.request_type, request.request, request.value, request.index, buffer.data(),
      static_cast<std::uint16_t>(buffer.size()), static_cast<unsigned>(timeout_.count()));
  if (result < 0) return transfer_error(result, step);
  if (static_cast<std::size_t>(result) != buffer.size()) {
    return make_error(ErrorCode::io_error,
                      "the " + description_ + " took " + std::to_string(result) + " of the " +
                          std::to_string(buffer.size()) + " bytes of " + std::string(step));
  }
  return {};
}

Result<crypto::Bytes> Handle::control_in(const ControlRequest& request, std::uint16_t length,
                                         std::string_view step) {
  crypto::Bytes buffer(length);
  const int result = libusb_control_transfer(handle_, request.request_type, request.request,
                                             request.value, request.index, buffer.data(), length,
                                             static_cast<unsigned>(timeout_.count()));
  if (result < 0) return transfer_error(result, step);
  if (result != length) {
    return make_error(ErrorCode::io_error, "the " + description_ + " answered " +
                                               std::string(step) + " with " +
                                               std::to_string(result) + " bytes where " +
                                               std::to_string(length) + " were expected");
  }
  return buffer;
}

std::string Handle::string_descriptor(std::uint8_t index) {
  if (index == 0) return {};
  unsigned char text[kMaxStringSize + 1] = {};
  const int size = libusb_get_string_descriptor_ascii(handle_, index, text, kMaxStringSize);
  if (size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

Candidate::Candidate(libusb_device* device, PluggedDongle identity, std::uint8_t manufacturer_index,
                     std::uint8_t product_index, std::uint8_t serial_index)
    : device_(libusb_ref_device(device)),
      identity_(std::move(identity)),
      manufacturer_index_(manufacturer_index),
      product_index_(product_index),
      serial_index_(serial_index) {}

Candidate::Candidate(Candidate&& other) noexcept
    : device_(std::exchange(other.device_, nullptr)),
      identity_(std::move(other.identity_)),
      manufacturer_index_(other.manufacturer_index_),
      product_index_(other.product_index_),
      serial_index_(other.serial_index_) {}

Candidate& Candidate::operator=(Candidate&& other) noexcept {
  std::swap(device_, other.device_);
  std::swap(identity_, other.identity_);
  std::swap(manufacturer_index_, other.manufacturer_index_);
  std::swap(product_index_, other.product_index_);
  std::swap(serial_index_, other.serial_index_);
  return *this;
}

Candidate::~Candidate() {
  if (device_ != nullptr) libusb_unref_device(device_);
}

Result<Handle> Candidate::open(std::chrono::milliseconds timeout) const {
  libusb_device_handle* handle = nullptr;
  const int result = libusb_open(device_, &handle);
  if (result == LIBUSB_SUCCESS) return Handle(handle, identity_, timeout);
  if (result == LIBUSB_ERROR_ACCESS) return permission_error(identity_);
  if (result == LIBUSB_ERROR_NO_DEVICE) {
    return make_error(ErrorCode::dongle_missing,
                      "the " + identity_.describe() + " was unplugged while it was being opened");
  }
  return make_error(ErrorCode::io_error, "cannot open the " + identity_.describe() + ": " +
                                             libusb_strerror(static_cast<libusb_error>(result)));
}

void Candidate::read_strings(Handle& handle) {
  identity_.manufacturer = handle.string_descriptor(manufacturer_index_);
  identity_.product = handle.string_descriptor(product_index_);
  identity_.serial = handle.string_descriptor(serial_index_);
}

Result<Bus> Bus::open() {
  libusb_context* context = nullptr;
  const int result = libusb_init(&context);
  if (result != LIBUSB_SUCCESS) {
    return make_error(ErrorCode::internal, std::string("cannot start libusb: ") +
                                               libusb_strerror(static_cast<libusb_error>(result)));
  }
  return Bus(context);
}

Bus::Bus(Bus&& other) noexcept : context_(std::exchange(other.context_, nullptr)) {}

Bus::~Bus() {
  if (context_ != nullptr) libusb_exit(context_);
}

std::vector<Candidate> Bus::allow_listed(const std::vector<UsbId>& allow_list) const {
  std::vector<Candidate> found;
  libusb_device** devices = nullptr;
  const ssize_t count = libusb_get_device_list(context_, &devices);
  for (ssize_t i = 0; i < count; ++i) {
    libusb_device_descriptor descriptor{};
    if (libusb_get_device_descriptor(devices[i], &descriptor) != LIBUSB_SUCCESS) continue;
    const auto listed = std::find_if(allow_list.begin(), allow_list.end(), [&](const UsbId& id) {
      return id.vendor == descriptor.idVendor && id.product == descriptor.idProduct;
    });
    if (listed == allow_list.end()) continue;
    PluggedDongle identity;
    identity.family = listed->family;
    identity.vendor_id = descriptor.idVendor;
    identity.product_id = descriptor.idProduct;
    identity.bus = libusb_get_bus_number(devices[i]);
    identity.address = libusb_get_device_address(devices[i]);
    found.emplace_back(devices[i], std::move(identity), descriptor.iManufacturer,
                       descriptor.iProduct, descriptor.iSerialNumber);
  }
  if (count >= 0) libusb_free_device_list(devices, 1);
  std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    return std::pair(a.identity().bus, a.identity().address) <
           std::pair(b.identity().bus, b.identity().address);
  });
  return found;
}

}  // namespace nodelock::dongle::usb
