// The fixture system trees (tests/fixtures/hosts/, described in its README)
// that tests pass as --sysroot to act as different machines.
#pragma once

#include <filesystem>
#include <string>

namespace nodelock::testing {

// The tree tests/fixtures/hosts/<name>.
std::filesystem::path fixture_host(const std::string& name);

inline const std::string kLaptop = fixture_host("laptop-wifi-docker").string();
inline const std::string kDesktop = fixture_host("desktop-two-nics").string();
inline const std::string kVirtualMachine = fixture_host("kvm-virtio").string();
inline const std::string kCloud = fixture_host("cloud-nvme").string();

}  // namespace nodelock::testing
