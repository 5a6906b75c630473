#include <algorithm>
#include <cctype>
#include <cstring>
#include <system_error>

#include "host_files.h"
#include "sources.h"

namespace nodelock::fingerprint::linux_host {
namespace {

namespace fs = std::filesystem;

struct NamedSignature {
  std::string_view signature;
  std::string_view name;
};

// CPUID leaf 0x40000000 vendor signatures (EBX, ECX, EDX).
constexpr NamedSignature kHypervisorSignatures[] = {
    {std::string_view("KVMKVMKVM\0\0\0", 12), "kvm"},
    {"TCGTCGTCGTCG", "qemu"},
    {"VMwareVMware", "vmware"},
    {"Microsoft Hv", "hyperv"},
    {"XenVMMXenVMM", "xen"},
    {"VBoxVBoxVBox", "virtualbox"},
    {" lrpepyh  vr", "parallels"},
    {"bhyve bhyve ", "bhyve"},
    {"ACRNACRNACRN", "acrn"},
    {"QNXQVMBSQG", "qnx"},
};

// DMI sys_vendor values of hypervisors and clouds. Modern QEMU machines run
// under KVM; the CPUID signature tells them apart when it can be read.
constexpr NamedSignature kVirtualVendors[] = {
    {"QEMU", "kvm"},
    {"Amazon EC2", "amazon"},
    {"Google", "google"},
    {"VMware, Inc.", "vmware"},
    {"innotek GmbH", "virtualbox"},
    {"Xen", "xen"},
    {"Parallels Software International Inc.", "parallels"},
    {"OpenStack Foundation", "openstack"},
    {"DigitalOcean", "digitalocean"},
    {"Hetzner", "hetzner"},
    {"Alibaba Cloud", "alibaba"},
    {"Bochs", "bochs"},
};

bool path_exists(const fs::path& path) {
  std::error_code error;
  return fs::exists(path, error);
}

// Lower case, and only characters an environment name may hold.
std::string environment_name(std::string_view text) {
  std::string name;
  for (const char c : text) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '-' ||
        lower == '_' || lower == '.') {
      name.push_back(lower);
    }
    if (name.size() == 32) break;
  }
  return name.empty() ? "unknown" : name;
}

std::optional<std::string> container_runtime(const Host& host) {
  if (path_exists(host.path("run/.containerenv"))) return "podman";
  if (path_exists(host.path(".dockerenv"))) return "docker";
  if (auto name = host_files::read_attribute(host.path("run/systemd/container"))) {
    return environment_name(*name);
  }
  const std::string cgroup =
      host_files::read_file(host.path("proc/1/cgroup"), 16 * 1024).value_or("");
  constexpr NamedSignature kCgroupMarks[] = {
      {"/docker", "docker"}, {"docker-", "docker"}, {"/kubepods", "kubernetes"},
      {"/lxc", "lxc"},       {"libpod", "podman"},  {"containerd", "containerd"},
  };
  for (const auto& mark : kCgroupMarks) {
    if (cgroup.find(mark.signature) != std::string::npos) return std::string(mark.name);
  }
  if (const auto mount = root_mount(host); mount && mount->filesystem == "overlay") {
    return "overlay";
  }
  return std::nullopt;
}

std::optional<std::string> cpuid_hypervisor(const CpuidReader& cpuid) {
  if (cpuid.query(0, 0).eax < 1 || (cpuid.query(1, 0).ecx & (1u << 31)) == 0) {
    return std::nullopt;
  }
  const CpuidRegisters leaf = cpuid.query(0x40000000u, 0);
  char signature[12];
  std::memcpy(signature, &leaf.ebx, 4);
  std::memcpy(signature + 4, &leaf.ecx, 4);
  std::memcpy(signature + 8, &leaf.edx, 4);
  const std::string_view text(signature, sizeof signature);
  for (const auto& known : kHypervisorSignatures) {
    if (text.compare(0, known.signature.size(), known.signature) == 0) {
      return std::string(known.name);
    }
  }
  return "unknown";
}

std::optional<std::string> dmi_hypervisor(const Host& host) {
  const auto vendor = host_files::read_attribute(host.path("sys/class/dmi/id/sys_vendor"));
  if (!vendor) return std::nullopt;
  for (const auto& known : kVirtualVendors) {
    if (*vendor == known.signature) return std::string(known.name);
  }
  const auto product = host_files::read_attribute(host.path("sys/class/dmi/id/product_name"));
  if (*vendor == "Microsoft Corporation" && product == std::string("Virtual Machine")) {
    return "hyperv";
  }
  return std::nullopt;
}

bool cpuinfo_says_hypervisor(const Host& host) {
  const auto flags = cpuinfo_field(first_cpuinfo_block(host), "flags");
  if (!flags) return false;
  const std::string padded = " " + *flags + " ";
  return padded.find(" hypervisor ") != std::string::npos;
}

}  // namespace

Environment detect_environment(const Host& host) {
  if (auto runtime = container_runtime(host)) {
    return Environment{EnvironmentType::container, std::move(*runtime)};
  }
  // The DMI vendor names the cloud (an EC2 instance's CPUID only says "kvm"),
  // so it is asked first; the CPUID signature covers machines without DMI.
  auto dmi = dmi_hypervisor(host);
  const auto cpuid = host.cpuid != nullptr ? cpuid_hypervisor(*host.cpuid) : std::nullopt;
  if (dmi) return Environment{EnvironmentType::virtual_machine, std::move(*dmi)};
  if (cpuid) return Environment{EnvironmentType::virtual_machine, *cpuid};
  if (auto xen = host_files::read_attribute(host.path("sys/hypervisor/type"))) {
    return Environment{EnvironmentType::virtual_machine, environment_name(*xen)};
  }
  if (host.cpuid == nullptr && cpuinfo_says_hypervisor(host))
    return Environment{EnvironmentType::virtual_machine, "unknown"};
  return Environment{EnvironmentType::bare_metal, ""};
}

}  // namespace nodelock::fingerprint::linux_host
