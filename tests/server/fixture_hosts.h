// The fixture system trees (tests/fixtures/hosts/) that the CLI suites run
// `nodelock --sysroot` on to act as different machines.
#pragma once

#include <string>

namespace nodelock::server::testing {

inline const std::string kLaptop =
    std::string(NODELOCK_TESTS_DIR) + "/fixtures/hosts/laptop-wifi-docker";
inline const std::string kDesktop =
    std::string(NODELOCK_TESTS_DIR) + "/fixtures/hosts/desktop-two-nics";
inline const std::string kVirtualMachine =
    std::string(NODELOCK_TESTS_DIR) + "/fixtures/hosts/kvm-virtio";

}  // namespace nodelock::server::testing
