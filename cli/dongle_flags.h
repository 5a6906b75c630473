// The flags with which `activate` and `offline request` bind the license to a
// dongle: --dongle, and --dongle-serial SERIAL to choose among several.
#pragma once

#include <optional>

#include "args.h"
#include "nodelock/dongle/binding.h"

namespace nodelock::cli {

inline constexpr const char* kDongleSwitch = "--dongle";
inline constexpr const char* kDongleSerialFlag = "--dongle-serial";

// Enrols the dongle the flags name (dongle::enrol), or nothing when neither is
// given. Errors are the module's: dongle_missing, conflict (several dongles),
// forbidden (no permission: names the udev rule).
[[nodiscard]] Result<std::optional<dongle::DongleBinding>> dongle_to_bind(const Args& args);

}  // namespace nodelock::cli
