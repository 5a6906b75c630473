// A machine's fingerprint: what a license is bound to.
//
// A Fingerprint is a plain value: the salted hashes of the components collected
// on one machine for one product (collect.h), and the environment the machine
// runs in. It never holds a raw serial number or MAC address, so it may be sent
// to a license server and stored there. Components are kept sorted by kind and
// hash, so equal machines give equal fingerprints and equal documents.
//
// Like any standard library value it may be read from several threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"
#include "nodelock/fingerprint/kind.h"
#include "nodelock/fingerprint/policy.h"

namespace nodelock::fingerprint {

enum class EnvironmentType { bare_metal, virtual_machine, container };

// "bare_metal", "virtual_machine", "container".
std::string_view environment_type_name(EnvironmentType type);
std::optional<EnvironmentType> environment_type_from_name(std::string_view name);

// Where the machine runs. A license policy may treat them differently, e.g.
// "containers need a dongle".
struct Environment {
  EnvironmentType type = EnvironmentType::bare_metal;
  std::string name;  // the hypervisor or container runtime ("kvm", "docker"); empty on bare metal

  friend bool operator==(const Environment& a, const Environment& b) {
    return a.type == b.type && a.name == b.name;
  }
  friend bool operator!=(const Environment& a, const Environment& b) { return !(a == b); }
};

// HMAC-SHA256(product salt, kind || 0x00 || normalised value); see collect.h.
using ComponentHash = std::array<std::uint8_t, 32>;

struct HashedComponent {
  Kind kind = Kind::cpu;
  std::string label;  // for people ("eth0", "nvme0n1"); not part of the identity
  ComponentHash hash{};

  friend bool operator==(const HashedComponent& a, const HashedComponent& b) {
    return a.kind == b.kind && a.label == b.label && a.hash == b.hash;
  }
  friend bool operator!=(const HashedComponent& a, const HashedComponent& b) { return !(a == b); }
};

// Documents carry at most this many components; a real machine has about ten.
inline constexpr std::size_t max_components = 64;

class Fingerprint {
 public:
  Fingerprint() = default;
  // Sorts the components by kind and hash and keeps one of each repeated hash.
  Fingerprint(std::vector<HashedComponent> components, Environment environment);

  const std::vector<HashedComponent>& components() const { return components_; }
  const Environment& environment() const { return environment_; }
  bool has(Kind kind) const;

  // "NL-7K2M-Q9XD-4HRT-B1CW", the name support staff read over the phone: the
  // first 80 bits of SHA-256 over the sorted hashes of the disk and machine_id
  // components, in Crockford base32. Those two kinds are chosen because any user
  // can read them (board serials need root, so an ID built on them would differ
  // between the installer and the application) and because they survive NICs
  // and dongles coming and going. A machine with neither is named by its board,
  // else its mac, else its cpu components. Like the hashes, it differs per
  // product.
  std::string machine_id() const;

  friend bool operator==(const Fingerprint& a, const Fingerprint& b) {
    return a.components_ == b.components_ && a.environment_ == b.environment_;
  }
  friend bool operator!=(const Fingerprint& a, const Fingerprint& b) { return !(a == b); }

 private:
  std::vector<HashedComponent> components_;
  Environment environment_;
};

// {"components":[{"hash":"<64 hex>","kind":"disk","label":"vda"},...],
//  "environment":{"name":"kvm","type":"virtual_machine"}}
nlohmann::json to_json(const Fingerprint& fingerprint);

// Strict, for data from the network: unknown or missing fields, wrong types,
// unknown kinds or environment types, a hash that is not 64 lower-case hex
// digits, a label that is empty, longer than 64 or not printable ASCII, a
// repeated component, or more than max_components give ErrorCode::malformed.
[[nodiscard]] Result<Fingerprint> fingerprint_from_json(const nlohmann::json& json);

}  // namespace nodelock::fingerprint
