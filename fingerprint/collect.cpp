#include "nodelock/fingerprint/collect.h"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <mutex>
#include <system_error>
#include <utility>

#include "generic_values.h"
#include "linux/sources.h"
#include "nodelock/crypto/crypto.h"
#include "shortfall.h"

namespace nodelock::fingerprint {
namespace {

constexpr std::string_view kSaltKey = "nodelock fingerprint salt v1";
constexpr std::size_t kMaxLabelSize = 64;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0'; }

std::string normalized_value(Kind kind, std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (is_blank(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    const bool lower = kind == Kind::mac || kind == Kind::machine_id;
    out.push_back(lower && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  // A UUID is a number written in hex: firmware updates have switched
  // product_uuid to upper case, which must not make the machine look new.
  if (generic_values::is_uuid(out)) {
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
  }
  return out;
}

// Labels travel in documents whose parser accepts 1 to 64 printable ASCII
// characters; a device name outside that is shown with '?' in its place.
std::string document_label(std::string_view label) {
  std::string out(label.substr(0, kMaxLabelSize));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out.empty() ? "?" : out;
}

std::string environment_warning(const Environment& environment) {
  return "running in a container (" + environment.name +
         "): its machine id, disk and network belong to the image or the container, not to "
         "a machine; bind licenses for containers to a dongle or a floating seat";
}

struct CacheEntry {
  std::filesystem::path root;
  const CpuidReader* cpuid;
  std::vector<const Source*> extra_sources;
  std::string product;
  Fingerprint fingerprint;
};

}  // namespace

const std::vector<const Source*>& platform_sources() {
  static const linux_host::CpuSource cpu;
  static const linux_host::DiskSource disk;
  static const linux_host::MacSource mac;
  static const linux_host::MachineIdSource machine_id;
  static const linux_host::BoardSource board;
  static const std::vector<const Source*> sources = {&cpu, &disk, &mac, &machine_id, &board};
  return sources;
}

Result<Collected> collect(const CollectOptions& options) {
  std::error_code error;
  if (options.root.empty() || !std::filesystem::is_directory(options.root, error)) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + options.root.string() +
                          "' is not a directory; give the root of a system tree (with proc/, "
                          "sys/ and etc/)");
  }
  Host host;
  host.root = options.root;
  host.cpuid = options.cpuid;
  if (host.cpuid == nullptr && host.is_this_machine()) host.cpuid = processor_cpuid();

  Collected collected;
  for (const auto* sources : {&platform_sources(), &options.extra_sources}) {
    for (const Source* source : *sources) {
      const std::size_t first = collected.components.size();
      source->collect(host, collected.components, collected.warnings);
      // A source speaks for its own kind only: a plug-in cannot pose as a board.
      collected.components.erase(
          std::remove_if(collected.components.begin() + static_cast<std::ptrdiff_t>(first),
                         collected.components.end(),
                         [source](const Component& c) { return c.kind != source->kind(); }),
          collected.components.end());
    }
  }
  collected.environment = linux_host::detect_environment(host);
  if (collected.environment.type == EnvironmentType::container) {
    collected.warnings.push_back(environment_warning(collected.environment));
  }
  KindSet present{};
  for (const Component& component : collected.components) {
    present[kind_index(component.kind)] = true;
  }
  if (auto shortfall = shortfall_of(present, MatchPolicy::standard())) {
    collected.warnings.push_back("weak identity: " + *shortfall);
  }
  return collected;
}

Fingerprint hash_components(const Collected& collected, std::string_view product) {
  const crypto::Digest salt = crypto::hmac_sha256(kSaltKey, product);
  std::vector<HashedComponent> hashed;
  hashed.reserve(collected.components.size());
  std::string message;
  for (const Component& component : collected.components) {
    message.assign(kind_name(component.kind));
    message.push_back('\0');
    message += normalized_value(component.kind, component.value);
    hashed.push_back(HashedComponent{component.kind, document_label(component.label),
                                     crypto::hmac_sha256(salt.bytes, message).bytes});
  }
  return Fingerprint(std::move(hashed), collected.environment);
}

Result<Fingerprint> cached_fingerprint(const CollectOptions& options, std::string_view product) {
  static std::mutex mutex;
  static std::deque<CacheEntry> entries;
  std::lock_guard<std::mutex> lock(mutex);
  for (const CacheEntry& entry : entries) {
    if (entry.root == options.root && entry.cpuid == options.cpuid &&
        entry.extra_sources == options.extra_sources && entry.product == product) {
      return entry.fingerprint;
    }
  }
  auto collected = collect(options);
  if (!collected.ok()) return collected.error();
  entries.push_back(CacheEntry{options.root, options.cpuid, options.extra_sources,
                               std::string(product), hash_components(*collected, product)});
  return entries.back().fingerprint;
}

}  // namespace nodelock::fingerprint
