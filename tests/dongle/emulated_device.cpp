#include "emulated_device.h"

#include <utility>

namespace nodelock::dongle::testing {
namespace {

constexpr std::uint8_t kGetDescriptor = 0x06;
constexpr std::uint8_t kStringDescriptor = 0x03;
constexpr std::uint16_t kEnglishUs = 0x0409;

Bytes string_descriptor(const std::string& text) {
  Bytes descriptor = {static_cast<std::uint8_t>(2 + 2 * text.size()), kStringDescriptor};
  for (const char c : text) {
    descriptor.push_back(static_cast<std::uint8_t>(c));
    descriptor.push_back(0);
  }
  return descriptor;
}

}  // namespace

EmulatedDevice::EmulatedDevice(std::string fixture, DeviceStrings strings)
    : fixture_(std::move(fixture)), strings_(std::move(strings)) {}

Answer EmulatedDevice::control(const Setup& setup, const Bytes& data_out) {
  const bool string_request = setup.request_type == 0x80 && setup.request == kGetDescriptor &&
                              (setup.value >> 8) == kStringDescriptor;
  if (!string_request) return request(setup, data_out);
  const std::uint8_t index = setup.value & 0xFF;
  if (index == 0) return Answer::with({4, kStringDescriptor, kEnglishUs & 0xFF, kEnglishUs >> 8});
  const std::string* text = index == 1   ? &strings_.manufacturer
                            : index == 2 ? &strings_.product
                            : index == 3 ? &strings_.serial
                                         : nullptr;
  if (text == nullptr || text->empty()) return Answer::stalled();
  return Answer::with(string_descriptor(*text));
}

}  // namespace nodelock::dongle::testing
