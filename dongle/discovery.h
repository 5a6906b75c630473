// Opening an allow-listed device and asking who it is: shared by listing,
// enrolment and proofs. Internal to the dongle module.
#pragma once

#include <chrono>
#include <optional>

#include "nodelock/dongle/dongle.h"
#include "usb.h"

namespace nodelock::dongle {

struct Inspected {
  PluggedDongle dongle;                    // answers and problem filled in
  std::optional<usb::Handle> handle;       // open, interface claimed, when it answers
  Error failure{ErrorCode::internal, {}};  // why not, when it does not
};

// Opens `candidate`, reads its strings and asks its family's identification:
// NLDG GET_INFO and GET_PUBLIC_KEY, YubiKey status (and serial when the USB
// descriptors carry none).
Inspected inspect(usb::Candidate& candidate, std::chrono::milliseconds timeout);

}  // namespace nodelock::dongle
