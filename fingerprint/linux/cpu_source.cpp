#include <climits>
#include <cstring>

#include "host_files.h"
#include "nodelock/crypto/numbers.h"
#include "sources.h"

namespace nodelock::fingerprint::linux_host {
namespace {

// The first processor's block fits well within this, and proc/cpuinfo is made
// on demand per read: reading only the start spares a many-core machine the
// cost of describing every core.
constexpr std::size_t kCpuinfoLimit = 16 * 1024;

// Inner runs of white space become one space: older brand strings pad with
// spaces, and the kernel trims only the ends.
std::string collapsed(std::string_view text) {
  text = host_files::trimmed(text);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const bool blank = c == ' ' || c == '\t' || c == '\0';
    if (blank && (out.empty() || out.back() == ' ')) continue;
    out.push_back(blank ? ' ' : c);
  }
  return out;
}

std::string register_text(std::initializer_list<std::uint32_t> registers) {
  std::string text;
  for (const std::uint32_t value : registers) {
    char bytes[4];
    std::memcpy(bytes, &value, sizeof bytes);
    text.append(bytes, sizeof bytes);
  }
  return text;
}

// "vendor|brand|family|model|stepping" with family and model computed as the
// kernel does for /proc/cpuinfo, so both paths give one value on one processor.
std::string x86_value(std::string_view vendor, std::string_view brand, unsigned family,
                      unsigned model, unsigned stepping) {
  return std::string(vendor) + "|" + collapsed(brand) + "|" + std::to_string(family) + "|" +
         std::to_string(model) + "|" + std::to_string(stepping);
}

std::optional<Component> from_cpuid(const CpuidReader& cpuid) {
  const CpuidRegisters leaf0 = cpuid.query(0, 0);
  if (leaf0.eax < 1) return std::nullopt;
  const std::string vendor = register_text({leaf0.ebx, leaf0.edx, leaf0.ecx});
  const std::uint32_t signature = cpuid.query(1, 0).eax;
  unsigned family = (signature >> 8) & 0xf;
  unsigned model = (signature >> 4) & 0xf;
  if (family == 0xf) family += (signature >> 20) & 0xff;
  if (family >= 6) model += ((signature >> 16) & 0xf) << 4;
  std::string brand;
  if (cpuid.query(0x80000000u, 0).eax >= 0x80000004u) {
    for (std::uint32_t leaf = 0x80000002u; leaf <= 0x80000004u; ++leaf) {
      const CpuidRegisters r = cpuid.query(leaf, 0);
      brand += register_text({r.eax, r.ebx, r.ecx, r.edx});
    }
    brand = brand.c_str();  // the brand string ends at its first NUL
  }
  return Component{Kind::cpu, collapsed(vendor),
                   x86_value(collapsed(vendor), brand, family, model, signature & 0xf)};
}

// The kernel writes these with %u, and cpuinfo_field() has trimmed the
// padding around the colon, so the strict reader applies: anything else is
// not a processor this source can name, rather than a guess at one.
std::optional<unsigned> small_number(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  const auto number = parse_whole_number(*text, "cpuinfo", 0, UINT_MAX);
  if (!number.ok()) return std::nullopt;
  return static_cast<unsigned>(*number);
}

std::optional<Component> from_cpuinfo(const std::string& block) {
  if (auto vendor = cpuinfo_field(block, "vendor_id")) {
    const auto family = small_number(cpuinfo_field(block, "cpu family"));
    const auto model = small_number(cpuinfo_field(block, "model"));
    const auto stepping = small_number(cpuinfo_field(block, "stepping"));
    if (!family || !model || !stepping) return std::nullopt;
    const std::string brand = cpuinfo_field(block, "model name").value_or("");
    return Component{Kind::cpu, *vendor, x86_value(*vendor, brand, *family, *model, *stepping)};
  }
  if (auto implementer = cpuinfo_field(block, "CPU implementer")) {
    std::string value = "arm|" + *implementer;
    for (const char* key : {"CPU architecture", "CPU variant", "CPU part", "CPU revision"}) {
      value += "|" + cpuinfo_field(block, key).value_or("");
    }
    return Component{Kind::cpu, "arm", value};
  }
  return std::nullopt;
}

}  // namespace

std::string first_cpuinfo_block(const Host& host) {
  std::string text = host_files::read_file(host.path("proc/cpuinfo"), kCpuinfoLimit).value_or("");
  const auto end = text.find("\n\n");
  if (end != std::string::npos) text.resize(end + 1);
  return text;
}

std::optional<std::string> cpuinfo_field(const std::string& block, const char* key) {
  const std::size_t key_size = std::strlen(key);
  std::size_t line = 0;
  while (line < block.size()) {
    std::size_t end = block.find('\n', line);
    if (end == std::string::npos) end = block.size();
    const std::string_view text(block.data() + line, end - line);
    const auto colon = text.find(':');
    if (colon != std::string_view::npos &&
        host_files::trimmed(text.substr(0, colon)) == std::string_view(key, key_size)) {
      return std::string(host_files::trimmed(text.substr(colon + 1)));
    }
    line = end + 1;
  }
  return std::nullopt;
}

void CpuSource::collect(const Host& host, std::vector<Component>& components,
                        std::vector<std::string>& notes) const {
  std::optional<Component> cpu;
  if (host.cpuid != nullptr) {
    cpu = from_cpuid(*host.cpuid);
  } else {
    cpu = from_cpuinfo(first_cpuinfo_block(host));
  }
  if (cpu) {
    components.push_back(std::move(*cpu));
  } else {
    notes.push_back(
        "cpu: the processor could not be identified (no CPUID, no readable "
        "proc/cpuinfo of a known layout)");
  }
}

}  // namespace nodelock::fingerprint::linux_host
