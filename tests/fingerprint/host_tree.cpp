#include "host_tree.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nodelock::fingerprint::testing {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_all(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// Digits stay digits and hex letters stay hex, so a changed MAC or UUID still
// parses: 9 -> 0, f -> a, z -> a.
char next_symbol(char c) {
  if (c == '9') return '0';
  if (c == 'f' || c == 'z') return 'a';
  if (c == 'F' || c == 'Z') return 'A';
  return static_cast<char>(c + 1);
}

const Component* first_of(const Collected& collected, Kind kind) {
  for (const Component& component : collected.components) {
    if (component.kind == kind) return &component;
  }
  return nullptr;
}

bool is_physical_ethernet(const fs::path& interface) {
  std::error_code error;
  const fs::path device = fs::canonical(interface, error);
  if (error || device.string().find("/devices/virtual/") != std::string::npos) return false;
  return read_all(interface / "type") == "1\n";
}

void add_docker_and_veth(const HostTree& tree) {
  for (const std::string name : {"docker0", "veth9f8e7d6", "br-0c1d2e3f4a5b"}) {
    if (fs::exists(tree.root() / "sys/class/net" / name)) continue;
    const std::string device = "sys/devices/virtual/net/" + name;
    tree.write(device + "/address", "02:42:5d:e1:07:9a\n");
    tree.write(device + "/addr_assign_type", "3\n");
    tree.write(device + "/type", "1\n");
    tree.link("sys/class/net/" + name, device);
  }
  std::ofstream mounts(tree.root() / "proc/self/mountinfo", std::ios::app);
  mounts << "700 26 0:61 / /var/lib/docker/overlay2/0e5c7a/merged rw,relatime shared:401 - "
            "overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/AB12,upperdir=/var/lib/"
            "docker/overlay2/0e5c7a/diff,workdir=/var/lib/docker/overlay2/0e5c7a/work\n";
}

// A tun and a WireGuard interface carry no MAC; the TAP one does, and has a
// neutral name, so only its place under /devices/virtual marks it as software.
void add_vpn(const HostTree& tree) {
  for (const std::string name : {"tun0", "wg0"}) {
    const std::string device = "sys/devices/virtual/net/" + name;
    tree.write(device + "/address", "\n");
    tree.write(device + "/type", "65534\n");
    tree.link("sys/class/net/" + name, device);
  }
  const std::string tap = "sys/devices/virtual/net/vpn0";
  tree.write(tap + "/address", "8e:2f:6b:10:c4:77\n");
  tree.write(tap + "/addr_assign_type", "1\n");
  tree.write(tap + "/type", "1\n");
  tree.link("sys/class/net/vpn0", tap);
}

void plug_usb_nic(const HostTree& tree) {
  const std::string usb = "sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0";
  const std::string device = usb + "/net/enx00e04c680a1b";
  tree.write(usb + "/modalias", "usb:v0BDAp8153d3100dc00dsc00dp00icFFiscFFip00in00\n");
  tree.write(device + "/address", "00:e0:4c:68:0a:1b\n");
  tree.write(device + "/addr_assign_type", "0\n");
  tree.write(device + "/type", "1\n");
  tree.link(device + "/device", usb);
  tree.link("sys/class/net/enx00e04c680a1b", device);
}

// Airplane mode with the driver unloaded: the interface is gone altogether.
void turn_wifi_off(const HostTree& tree) {
  for (const auto& entry : fs::directory_iterator(tree.root() / "sys/class/net")) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, 2, "wl") != 0) continue;
    std::error_code error;
    const fs::path device = fs::canonical(entry.path(), error);
    if (!error) fs::remove_all(device);
    fs::remove(entry.path());
  }
}

// NetworkManager's MAC randomisation: the current address becomes random and
// "set"; the driver still reports the burnt-in address, which a captured tree
// records in permaddr.
void randomise_macs(const HostTree& tree) {
  for (const auto& entry : fs::directory_iterator(tree.root() / "sys/class/net")) {
    const fs::path interface = entry.path();
    if (!is_physical_ethernet(interface)) continue;
    if (!fs::exists(interface / "permaddr") && read_all(interface / "addr_assign_type") == "0\n") {
      write_all(interface / "permaddr", read_all(interface / "address"));
    }
    write_all(interface / "address", "da:7f:31:0c:9e:42\n");
    write_all(interface / "addr_assign_type", "3\n");
  }
}

// New microcode, new mitigations, new mount ids; the hardware is the same.
void update_kernel(const HostTree& tree) {
  std::istringstream cpuinfo(read_all(tree.root() / "proc/cpuinfo"));
  std::string updated;
  for (std::string line; std::getline(cpuinfo, line);) {
    const std::string key = line.substr(0, line.find('\t'));
    if (key == "microcode") line += "1";
    if (key == "cpu MHz") line = "cpu MHz\t\t: 3312.775";
    if (key == "bogomips") line = "bogomips\t: 5990.41";
    if (key == "bugs") line += " bhi";
    updated += line + "\n";
  }
  tree.write("proc/cpuinfo", updated);
  tree.write("proc/version",
             "Linux version 6.1.0-31-amd64 (debian-kernel@lists.debian.org) #1 SMP "
             "PREEMPT_DYNAMIC Debian 6.1.128-1\n");
  std::istringstream mounts(read_all(tree.root() / "proc/self/mountinfo"));
  std::string renumbered;
  for (std::string line; std::getline(mounts, line);) {
    renumbered += "1" + line + "\n";
  }
  tree.write("proc/self/mountinfo", renumbered);
}

// A root file system known only by its UUID (no disk serial) made anew: true
// when `disk` was such a one and now has a new UUID.
bool reformat_root(const HostTree& tree, const Component& disk) {
  const std::string filesystem_suffix = " filesystem";
  if (disk.label.size() <= filesystem_suffix.size() ||
      disk.label.compare(disk.label.size() - filesystem_suffix.size(), std::string::npos,
                         filesystem_suffix) != 0) {
    return false;
  }
  const fs::path links = tree.root() / "dev/disk/by-uuid";
  const fs::path old_link = links / disk.value;
  const fs::path target = fs::read_symlink(old_link);
  std::string uuid = disk.value;
  uuid.back() = next_symbol(uuid.back());
  fs::remove(old_link);
  fs::create_symlink(target, links / uuid);
  return true;
}

void replace_disk(const HostTree& tree) {
  const Collected collected = collect_tree(tree.root());
  const Component* disk = first_of(collected, Kind::disk);
  if (disk == nullptr) return;
  // A new disk imaged anew: its file system gets a new UUID.
  if (reformat_root(tree, *disk)) return;
  const fs::path device = tree.root() / "sys/class/block" / disk->label;
  for (const char* file : {"serial", "device/serial", "device/vpd_pg80", "wwid", "device/wwid"}) {
    if (fs::is_regular_file(device / file)) alter_serial(device / file);
  }
}

// The operating system installed again on the same hardware or in the same
// virtual machine: a new machine-id, and a root file system made anew.
void reinstall_in_place(const HostTree& tree) {
  const Collected collected = collect_tree(tree.root());
  if (const Component* disk = first_of(collected, Kind::disk)) reformat_root(tree, *disk);
  if (fs::is_regular_file(tree.root() / "etc/machine-id")) {
    tree.write("etc/machine-id", "3f5a7c9e1b2d4f6081a3c5e7f9b1d3e5\n");
  }
}

void replace_nic(const HostTree& tree) {
  const Collected collected = collect_tree(tree.root());
  const Component* mac = first_of(collected, Kind::mac);
  if (mac == nullptr) return;
  const fs::path interface = tree.root() / "sys/class/net" / mac->label;
  for (const char* file : {"address", "permaddr", "bonding_slave/perm_hwaddr"}) {
    if (fs::is_regular_file(interface / file)) alter_serial(interface / file);
  }
}

}  // namespace

fs::path fixture_hosts() { return fs::path(NODELOCK_TESTS_DIR) / "fixtures" / "hosts"; }

std::vector<std::string> host_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fixture_hosts())) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

HostTree::HostTree(const std::string& host) {
  // mkdtemp replaces the trailing six X characters.
  std::string pattern =
      (fs::temp_directory_path() / "nodelock-host-").string() + std::string(6, 'X');
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = pattern;
  fs::copy(fixture_hosts() / host, root_,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

HostTree::~HostTree() {
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

void HostTree::write(const std::string& relative, const std::string& text) const {
  write_all(root_ / relative, text);
}

void HostTree::link(const std::string& relative, const std::string& target) const {
  const fs::path at = root_ / relative;
  fs::create_directories(at.parent_path());
  std::error_code ignored;
  fs::remove(at, ignored);
  fs::create_symlink(fs::relative(root_ / target, at.parent_path()), at);
}

void HostTree::remove(const std::string& relative) const { fs::remove_all(root_ / relative); }

Collected collect_tree(const fs::path& root) {
  CollectOptions options;
  options.root = root;
  auto collected = collect(options);
  if (!collected.ok()) throw std::runtime_error(collected.message());
  return std::move(*collected);
}

Fingerprint fingerprint_of(const fs::path& root, const std::string& product) {
  return hash_components(collect_tree(root), product);
}

std::vector<std::string> described(const Collected& collected) {
  std::vector<std::string> lines;
  for (const Component& component : collected.components) {
    lines.push_back(std::string(kind_name(component.kind)) + " " + component.label + "=" +
                    component.value);
  }
  return lines;
}

void alter_serial(const fs::path& file) {
  std::string text = read_all(file);
  for (auto at = text.rbegin(); at != text.rend(); ++at) {
    if (std::isalnum(static_cast<unsigned char>(*at))) {
      *at = next_symbol(*at);
      write_all(file, text);
      return;
    }
  }
  throw std::runtime_error("no serial to alter in " + file.string());
}

const std::vector<BenignChange>& benign_changes() {
  static const std::vector<BenignChange> changes = {
      {"docker_and_veth_added", false, false, false, add_docker_and_veth},
      {"vpn_up", false, false, false, add_vpn},
      {"usb_nic_plugged", false, false, false, plug_usb_nic},
      {"wifi_off", false, false, false, turn_wifi_off},
      {"mac_randomised", false, false, false, randomise_macs},
      {"kernel_updated", false, false, false, update_kernel},
      {"disk_replaced", true, false, false, replace_disk},
      {"nic_replaced", false, true, false, replace_nic},
      {"reinstalled_in_place", false, false, true, reinstall_in_place},
  };
  return changes;
}

}  // namespace nodelock::fingerprint::testing
