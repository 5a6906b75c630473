// Where fingerprint components come from.
//
// A Source reads one kind of evidence from a Host: a root directory ("/" for
// this machine, or a mounted system tree) and a CPUID. The Linux sources ship
// with this module (collect.h lists them); the dongle module adds its own, and
// sources for other operating systems sit beside the Linux ones behind this same
// interface.
//
// Sources spawn no processes and keep to small reads of procfs, sysfs and /etc,
// so a whole collection costs well under a millisecond.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/fingerprint/kind.h"

namespace nodelock::fingerprint {

// One piece of evidence as this machine holds it. The raw value stays on the
// machine: only its salted hash goes into a Fingerprint.
struct Component {
  Kind kind = Kind::cpu;
  std::string label;  // for people: "eth0", "nvme0n1", "product_uuid"
  std::string value;  // the serial, address or id itself
};

struct CpuidRegisters {
  std::uint32_t eax = 0;
  std::uint32_t ebx = 0;
  std::uint32_t ecx = 0;
  std::uint32_t edx = 0;
};

// The x86 CPUID instruction, behind an interface so tests can act as other
// processors.
class CpuidReader {
 public:
  virtual ~CpuidReader() = default;
  // The registers CPUID gives for `leaf` and `subleaf`. Callers check the
  // highest supported leaf (leaf 0, leaf 0x80000000) before asking for others.
  virtual CpuidRegisters query(std::uint32_t leaf, std::uint32_t subleaf) const = 0;
};

// This processor's CPUID; null on processors that have none.
const CpuidReader* processor_cpuid();

// The machine a source reads.
struct Host {
  std::filesystem::path root;          // "/" or the root of a mounted system tree
  const CpuidReader* cpuid = nullptr;  // null: the processor is read from root/proc/cpuinfo

  // True when root is "/": sources may then ask the kernel directly (ioctls),
  // which a mounted system tree cannot answer.
  bool is_this_machine() const;
  // `relative` ("sys/class/net") under root.
  std::filesystem::path path(std::string_view relative) const { return root / relative; }
};

class Source {
 public:
  virtual ~Source() = default;
  virtual Kind kind() const = 0;
  // Appends the components of kind() found on `host` (none is a valid answer;
  // collect() drops components of any other kind) and, to `notes`, one line for
  // people per piece of evidence it saw and ignored, with the reason (a
  // placeholder serial, a virtual MAC). Notes never quote raw values. Must not
  // throw.
  virtual void collect(const Host& host, std::vector<Component>& components,
                       std::vector<std::string>& notes) const = 0;
};

}  // namespace nodelock::fingerprint
