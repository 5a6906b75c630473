// The `dongle` fingerprint source: allow-listed dongles that answer, as
// fingerprint components.
//
//   nodelock::dongle::DongleSource dongles;
//   fingerprint::CollectOptions options;
//   options.extra_sources = {&dongles};
//
// A component is made of the dongle's USB ids and its manufacturer, product
// and serial strings, labelled "<family>-<vvvv:pppp>". Strings can be copied by
// anyone who builds a USB device, so a policy that must be sure a dongle is
// present binds the license to it (binding.h) rather than only to this
// component. A dongle without a serial is noted and skipped: every unit of its
// model would look the same.
#pragma once

#include "nodelock/dongle/dongle.h"
#include "nodelock/fingerprint/source.h"

namespace nodelock::dongle {

class DongleSource final : public fingerprint::Source {
 public:
  explicit DongleSource(DeviceOptions options = {});

  fingerprint::Kind kind() const override { return fingerprint::Kind::dongle; }
  // Reads the USB bus of this machine only: a mounted system tree has no
  // dongles to ask, so it gives no components.
  void collect(const fingerprint::Host& host, std::vector<fingerprint::Component>& components,
               std::vector<std::string>& notes) const override;

 private:
  DeviceOptions options_;
};

}  // namespace nodelock::dongle
