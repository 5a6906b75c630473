// Collecting this machine's components and turning them into a Fingerprint.
//
//   auto collected = fingerprint::collect();                 // raw, stays local
//   auto print = fingerprint::hash_components(*collected, "acme-cad");
//   print.machine_id();                                      // "NL-7K2M-..."
//
// Component hash = HMAC-SHA256(product salt, kind || 0x00 || normalised value),
// product salt = HMAC-SHA256(key "nodelock fingerprint salt v1", product id).
// Keying by product means two vendors (or two products) see unrelated hashes
// for one machine and cannot correlate their customers, and a hash cannot be
// turned back into a serial number or MAC address by anyone who lacks the
// machine: raw values never leave it.
//
// The normalised value is the raw value with surrounding white space and NULs
// removed and inner runs of white space made one space; mac and machine_id
// values, and any value shaped as a UUID, are also lower-cased.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/fingerprint/fingerprint.h"
#include "nodelock/fingerprint/source.h"

namespace nodelock::fingerprint {

struct CollectOptions {
  // "/" for this machine; any other directory is read as a mounted system tree
  // (support reading an image, tests acting as another machine). Such a tree
  // carries its own proc/cpuinfo, and its network permanent addresses come from
  // sysfs (see docs/FINGERPRINT.md), not from this machine's kernel.
  std::filesystem::path root = "/";
  // Null: this processor's CPUID when root is "/", else root/proc/cpuinfo.
  const CpuidReader* cpuid = nullptr;
  // Sources beside the platform's own, e.g. the dongle module's.
  std::vector<const Source*> extra_sources;
};

struct Collected {
  std::vector<Component> components;
  Environment environment;
  // For people: evidence ignored and why, and a plain statement when what is
  // left is too weak to bind a license to under the standard policy.
  std::vector<std::string> warnings;
};

// The sources this platform ships: cpu, disk, mac, machine_id, board.
const std::vector<const Source*>& platform_sources();

// Reads every source. Fails only when root is not a directory
// (invalid_argument); missing evidence is a warning, not an error.
[[nodiscard]] Result<Collected> collect(const CollectOptions& options = {});

// The product-salted fingerprint of `collected` (see above).
Fingerprint hash_components(const Collected& collected, std::string_view product);

// collect() + hash_components(), done once per process for each (options,
// product) and kept: the Verifier asks on every check. Thread-safe; concurrent
// first calls collect once. Sources and CPUID readers are told apart by
// address, so they must outlive the process's use of the cache. Errors are not
// kept, so a later call tries again.
[[nodiscard]] Result<Fingerprint> cached_fingerprint(const CollectOptions& options,
                                                     std::string_view product);

}  // namespace nodelock::fingerprint
