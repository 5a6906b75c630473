#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

#include "../generic_values.h"
#include "host_files.h"
#include "sources.h"

namespace nodelock::fingerprint::linux_host {
namespace {

namespace fs = std::filesystem;
using Mac = std::array<std::uint8_t, 6>;

// Interfaces made by software. Their devices live under /sys/devices/virtual,
// which is checked first; the names catch drivers that register elsewhere.
constexpr std::string_view kVirtualInterfacePrefixes[] = {
    "lo",        "docker", "veth",  "br-",     "virbr", "vnet",    "tun",    "tap",     "wg",
    "tailscale", "zt",     "vmnet", "vboxnet", "lxcbr", "lxdbr",   "cni",    "flannel", "cali",
    "weave",     "dummy",  "ifb",   "bond",    "team",  "macvtap", "podman",
};

// The kernel's MAX_ADDR_LEN: the most address bytes ETHTOOL_GPERMADDR returns.
constexpr std::size_t kMaxAddressLength = 32;

// The sysfs addr_assign_type values (include/uapi/linux/netdevice.h).
constexpr int kAddressPermanent = 0;

std::optional<Mac> parse_mac(std::string_view text) {
  Mac mac{};
  if (text.size() != 17) return std::nullopt;
  for (std::size_t i = 0; i < mac.size(); ++i) {
    const std::string_view octet = text.substr(i * 3, 2);
    if (i > 0 && text[i * 3 - 1] != ':') return std::nullopt;
    unsigned value = 0;
    for (const char c : octet) {
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<unsigned>(c - 'A' + 10);
      else
        return std::nullopt;
    }
    mac[i] = static_cast<std::uint8_t>(value);
  }
  return mac;
}

std::string mac_text(const Mac& mac) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (const std::uint8_t octet : mac) {
    if (!text.empty()) text.push_back(':');
    text.push_back(kDigits[octet >> 4]);
    text.push_back(kDigits[octet & 0xf]);
  }
  return text;
}

bool all_zero(const Mac& mac) {
  return std::all_of(mac.begin(), mac.end(), [](std::uint8_t b) { return b == 0; });
}

// The address burnt into the card, asked of the driver (ETHTOOL_GPERMADDR):
// unlike the current address it survives MAC randomisation and bonding. Some
// drivers answer with zeros, meaning they do not know it.
class PermanentAddressQuery {
 public:
  PermanentAddressQuery() : socket_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}
  ~PermanentAddressQuery() {
    if (socket_ >= 0) ::close(socket_);
  }
  PermanentAddressQuery(const PermanentAddressQuery&) = delete;
  PermanentAddressQuery& operator=(const PermanentAddressQuery&) = delete;

  std::optional<Mac> ask(const std::string& interface) const {
    if (socket_ < 0 || interface.size() >= IFNAMSIZ) return std::nullopt;
    // struct ethtool_perm_addr ends in a flexible array: lay it out by hand.
    alignas(std::uint32_t) std::uint8_t request[sizeof(ethtool_perm_addr) + kMaxAddressLength] = {};
    const std::uint32_t command = ETHTOOL_GPERMADDR;
    const std::uint32_t capacity = kMaxAddressLength;
    std::memcpy(request + offsetof(ethtool_perm_addr, cmd), &command, sizeof command);
    std::memcpy(request + offsetof(ethtool_perm_addr, size), &capacity, sizeof capacity);
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, interface.c_str(), interface.size() + 1);
    ifr.ifr_data = reinterpret_cast<char*>(request);
    if (::ioctl(socket_, SIOCETHTOOL, &ifr) != 0) return std::nullopt;
    std::uint32_t length = 0;
    std::memcpy(&length, request + offsetof(ethtool_perm_addr, size), sizeof length);
    if (length != 6) return std::nullopt;
    Mac mac;
    std::memcpy(mac.data(), request + sizeof(ethtool_perm_addr), mac.size());
    if (all_zero(mac)) return std::nullopt;
    return mac;
  }

 private:
  int socket_;
};

bool virtual_by_name(const std::string& name) {
  return std::any_of(
      std::begin(kVirtualInterfacePrefixes), std::end(kVirtualInterfacePrefixes),
      [&name](std::string_view prefix) { return name.compare(0, prefix.size(), prefix) == 0; });
}

// The permanent address of a physical interface, without asking the kernel:
// a bonding slave's perm_hwaddr (its current address is the bond's), the
// "permaddr" file a captured system tree may carry in place of the ethtool
// answer (see docs/FINGERPRINT.md), or the current address when sysfs says it
// is the permanent one.
std::optional<Mac> permanent_from_sysfs(const fs::path& interface) {
  for (const char* file : {"bonding_slave/perm_hwaddr", "permaddr"}) {
    if (auto text = host_files::read_attribute(interface / file)) {
      if (auto mac = parse_mac(*text); mac && !all_zero(*mac)) return mac;
    }
  }
  const auto assign_type = host_files::read_attribute(interface / "addr_assign_type");
  if (assign_type && *assign_type != std::to_string(kAddressPermanent)) return std::nullopt;
  const auto text = host_files::read_attribute(interface / "address");
  return text ? parse_mac(*text) : std::nullopt;
}

// A bond's slaves and a card seen under two names give one value.
void add_once(const std::string& name, const Mac& mac, std::vector<Mac>& seen,
              std::vector<Component>& components) {
  if (std::find(seen.begin(), seen.end(), mac) != seen.end()) return;
  seen.push_back(mac);
  components.push_back(Component{Kind::mac, name, mac_text(mac)});
}

// Asked only when an address would otherwise be ignored, so a machine with
// physical cards never pays for the environment's detection here.
bool virtual_machine_guest(const Host& host, std::optional<bool>& known) {
  if (!known) known = detect_environment(host).type == EnvironmentType::virtual_machine;
  return *known;
}

}  // namespace

void MacSource::collect(const Host& host, std::vector<Component>& components,
                        std::vector<std::string>& notes) const {
  const fs::path net = host.path("sys/class/net");
  std::optional<PermanentAddressQuery> query;
  if (host.is_this_machine()) query.emplace();
  std::vector<Mac> seen;
  std::optional<bool> guest;
  for (const std::string& name : host_files::entry_names(net)) {
    if (virtual_by_name(name)) continue;
    const fs::path interface = net / name;
    const auto device = host_files::resolved(interface);
    if (!device || device->native().find("/devices/virtual/") != std::string::npos) continue;
    // Ethernet and Wi-Fi both report ARPHRD_ETHER (1); others carry no MAC.
    if (host_files::read_attribute(interface / "type") != std::string("1")) continue;
    std::optional<Mac> mac = query ? query->ask(name) : std::nullopt;
    if (!mac) mac = permanent_from_sysfs(interface);
    if (!mac) {
      notes.push_back("mac " + name + ": no permanent address (the current one is random or " +
                      "set by software); ignored");
      continue;
    }
    if (all_zero(*mac) || ((*mac)[0] & 0x01) != 0) continue;
    // In a virtual machine the hypervisor assigns the virtual card's address
    // (QEMU's locally administered 52:54:00, VMware's 00:50:56, a cloud's
    // per-interface address) and keeps it for the machine's life: with
    // product_uuid it is what survives a reinstall of the guest, which makes
    // a new machine-id and file system. A copy of the VM gets a new one.
    const bool hypervisor_assigned =
        ((*mac)[0] & 0x02) != 0 || !generic_values::virtual_mac_vendor(*mac).empty();
    if (hypervisor_assigned && virtual_machine_guest(host, guest)) {
      add_once(name, *mac, seen, components);
      continue;
    }
    if (((*mac)[0] & 0x02) != 0) {
      notes.push_back("mac " + name +
                      ": a locally administered address (set by software, not by the maker); "
                      "ignored");
      continue;
    }
    if (const auto vendor = generic_values::virtual_mac_vendor(*mac); !vendor.empty()) {
      notes.push_back("mac " + name + ": a " + std::string(vendor) +
                      " virtual network card's address, which its host may reassign; ignored");
      continue;
    }
    add_once(name, *mac, seen, components);
  }
}

}  // namespace nodelock::fingerprint::linux_host
