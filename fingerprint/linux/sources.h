// The Linux sources and environment detection. Internal: collect.h exposes them
// through platform_sources() and collect().
#pragma once

#include <optional>
#include <string>

#include "nodelock/fingerprint/fingerprint.h"
#include "nodelock/fingerprint/source.h"

namespace nodelock::fingerprint::linux_host {

// CPUID vendor, brand string and family/model/stepping, or the same fields of
// the first processor in proc/cpuinfo. Never the APIC ID, MHz or bogomips, which
// vary by core and over time.
class CpuSource final : public Source {
 public:
  Kind kind() const override { return Kind::cpu; }
  void collect(const Host& host, std::vector<Component>& components,
               std::vector<std::string>& notes) const override;
};

// The whole disk(s) under "/": serial, wwid, virtio or NVMe serial; else the
// root file system's UUID.
class DiskSource final : public Source {
 public:
  Kind kind() const override { return Kind::disk; }
  void collect(const Host& host, std::vector<Component>& components,
               std::vector<std::string>& notes) const override;
};

// Permanent addresses of physical network interfaces.
class MacSource final : public Source {
 public:
  Kind kind() const override { return Kind::mac; }
  void collect(const Host& host, std::vector<Component>& components,
               std::vector<std::string>& notes) const override;
};

// /etc/machine-id, else /var/lib/dbus/machine-id.
class MachineIdSource final : public Source {
 public:
  Kind kind() const override { return Kind::machine_id; }
  void collect(const Host& host, std::vector<Component>& components,
               std::vector<std::string>& notes) const override;
};

// Readable, non-placeholder DMI serials and the product UUID.
class BoardSource final : public Source {
 public:
  Kind kind() const override { return Kind::board; }
  void collect(const Host& host, std::vector<Component>& components,
               std::vector<std::string>& notes) const override;
};

// The mount of "/" as the process sees it, from proc/self/mountinfo (the mount
// namespace of the reader, which is the one whose "/" the application runs on).
struct RootMount {
  unsigned major = 0;
  unsigned minor = 0;
  std::string filesystem;  // "ext4", "btrfs", "overlay"
  std::string source;      // "/dev/nvme0n1p2", "overlay"
};
std::optional<RootMount> root_mount(const Host& host);

// The first processor's block of proc/cpuinfo ("" when unreadable).
std::string first_cpuinfo_block(const Host& host);
// The value of "key : value" in a cpuinfo block, or nothing.
std::optional<std::string> cpuinfo_field(const std::string& block, const char* key);

Environment detect_environment(const Host& host);

}  // namespace nodelock::fingerprint::linux_host
