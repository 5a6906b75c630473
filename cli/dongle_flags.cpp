#include "dongle_flags.h"

namespace nodelock::cli {

Result<std::optional<dongle::DongleBinding>> dongle_to_bind(const Args& args) {
  const std::optional<std::string> serial = args.get(kDongleSerialFlag);
  if (!args.has(kDongleSwitch) && !serial) return std::optional<dongle::DongleBinding>();
  dongle::EnrolOptions options;
  options.serial = serial.value_or("");
  auto binding = dongle::enrol(options);
  if (!binding.ok()) return binding.error();
  return std::optional<dongle::DongleBinding>(std::move(*binding));
}

}  // namespace nodelock::cli
