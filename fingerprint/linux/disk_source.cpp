#include <climits>
#include <set>
#include <system_error>

#include "../generic_values.h"
#include "host_files.h"
#include "nodelock/crypto/numbers.h"
#include "sources.h"

namespace nodelock::fingerprint::linux_host {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMountinfoLimit = 256 * 1024;
// Device-mapper and md stack a few levels deep at most (LVM on LUKS on md).
constexpr int kMaxStackDepth = 8;

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < line.size()) {
    const std::size_t end = std::min(line.find(' ', at), line.size());
    if (end > at) out.push_back(line.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

// A device number of mountinfo's "major:minor", as the kernel writes it.
std::optional<unsigned> number(std::string_view text) {
  const auto number = parse_whole_number(text, "device number", 0, UINT_MAX);
  if (!number.ok()) return std::nullopt;
  return static_cast<unsigned>(*number);
}

// The device directory a mounted device name ("/dev/mapper/root", "/dev/sda2")
// stands for, when mountinfo gives no usable device number (btrfs reports an
// anonymous 0:N).
std::optional<fs::path> device_named(const Host& host, std::string_view source) {
  constexpr std::string_view kDev = "/dev/";
  constexpr std::string_view kMapper = "/dev/mapper/";
  if (source.compare(0, kMapper.size(), kMapper) == 0) {
    const std::string_view mapped = source.substr(kMapper.size());
    for (const std::string& name : host_files::entry_names(host.path("sys/class/block"))) {
      if (name.compare(0, 3, "dm-") != 0) continue;
      const fs::path device = host.path("sys/class/block") / name;
      if (host_files::read_attribute(device / "dm" / "name") == std::string(mapped)) {
        return host_files::resolved(device);
      }
    }
    return std::nullopt;
  }
  if (source.compare(0, kDev.size(), kDev) != 0) return std::nullopt;
  return host_files::resolved(host.path("sys/class/block") /
                              std::string(source.substr(kDev.size())));
}

// The whole disks under a block device: itself, the disk a partition is on, or
// the disks below a device-mapper or md device (LUKS, LVM, RAID).
void collect_whole_disks(const fs::path& device, int depth, std::set<fs::path>& disks) {
  if (depth > kMaxStackDepth) return;
  const auto below = host_files::entry_names(device / "slaves");
  if (!below.empty()) {
    for (const std::string& name : below) {
      if (auto slave = host_files::resolved(device / "slaves" / name)) {
        collect_whole_disks(*slave, depth + 1, disks);
      }
    }
    return;
  }
  std::error_code error;
  disks.insert(fs::exists(device / "partition", error) ? device.parent_path() : device);
}

// The serial of a SCSI VPD page 0x80 (unit serial number) as sysfs exposes it:
// a 4-byte header whose last two bytes are the length, then ASCII.
std::optional<std::string> vpd_serial(const fs::path& path) {
  const auto page = host_files::read_file(path, 256);
  if (!page || page->size() < 4 || static_cast<unsigned char>((*page)[1]) != 0x80) {
    return std::nullopt;
  }
  const std::size_t length =
      static_cast<unsigned char>((*page)[2]) << 8 | static_cast<unsigned char>((*page)[3]);
  const std::string_view serial =
      host_files::trimmed(std::string_view(*page).substr(4, std::min(length, page->size() - 4)));
  if (serial.empty()) return std::nullopt;
  return std::string(serial);
}

// The disk's own identity, best first: virtio serial, NVMe or MMC controller
// serial, SCSI/ATA unit serial, then the world-wide ids.
std::optional<std::string> disk_identity(const fs::path& disk, bool& generic_seen) {
  const std::optional<std::string> candidates[] = {
      host_files::read_attribute(disk / "serial"),
      host_files::read_attribute(disk / "device" / "serial"),
      vpd_serial(disk / "device" / "vpd_pg80"),
      host_files::read_attribute(disk / "wwid"),
      host_files::read_attribute(disk / "device" / "wwid"),
  };
  for (const auto& candidate : candidates) {
    if (!candidate) continue;
    if (!generic_values::is_generic_disk_serial(*candidate)) return candidate;
    generic_seen = true;
  }
  return std::nullopt;
}

// The UUID of the file system on `device` ("vda1", "dm-0"), from udev's
// /dev/disk/by-uuid links: no need to open the device, which only root may.
std::optional<std::string> filesystem_uuid(const Host& host, const std::string& device) {
  const fs::path links = host.path("dev/disk/by-uuid");
  for (const std::string& uuid : host_files::entry_names(links)) {
    std::error_code error;
    if (fs::read_symlink(links / uuid, error).filename() == device && !error) return uuid;
  }
  return std::nullopt;
}

}  // namespace

std::optional<RootMount> root_mount(const Host& host) {
  const auto text = host_files::read_file(host.path("proc/self/mountinfo"), kMountinfoLimit);
  if (!text) return std::nullopt;
  std::optional<RootMount> root;
  std::size_t at = 0;
  while (at < text->size()) {
    const std::size_t end = std::min(text->find('\n', at), text->size());
    const auto fields = words(std::string_view(*text).substr(at, end - at));
    at = end + 1;
    if (fields.size() < 8 || fields[4] != "/") continue;
    std::size_t separator = 6;
    while (separator < fields.size() && fields[separator] != "-") ++separator;
    const auto colon = fields[2].find(':');
    if (separator + 2 >= fields.size() || colon == std::string_view::npos) continue;
    const auto major = number(fields[2].substr(0, colon));
    const auto minor = number(fields[2].substr(colon + 1));
    if (!major || !minor) continue;
    // A later mount on "/" hides the earlier ones, so the last line wins.
    root = RootMount{*major, *minor, std::string(fields[separator + 1]),
                     std::string(fields[separator + 2])};
  }
  return root;
}

void DiskSource::collect(const Host& host, std::vector<Component>& components,
                         std::vector<std::string>& notes) const {
  const auto mount = root_mount(host);
  if (!mount) {
    notes.push_back("disk: the root file system is not listed in proc/self/mountinfo");
    return;
  }
  std::optional<fs::path> device;
  if (mount->major != 0) {
    device = host_files::resolved(host.path("sys/dev/block") / (std::to_string(mount->major) + ":" +
                                                                std::to_string(mount->minor)));
  } else {
    device = device_named(host, mount->source);
  }
  if (!device) {
    notes.push_back("disk: the root file system (" + mount->filesystem +
                    ") is not on a block device of this machine, as in a container");
    return;
  }
  std::set<fs::path> disks;
  collect_whole_disks(*device, 0, disks);
  bool found = false;
  for (const fs::path& disk : disks) {
    bool generic_seen = false;
    if (auto identity = disk_identity(disk, generic_seen)) {
      components.push_back(Component{Kind::disk, disk.filename().string(), std::move(*identity)});
      found = true;
    } else if (generic_seen) {
      notes.push_back("disk " + disk.filename().string() +
                      ": its serial is a generic value that many machines share; ignored");
    }
  }
  if (found) return;
  const std::string name = device->filename().string();
  if (auto uuid = filesystem_uuid(host, name)) {
    notes.push_back(
        "disk: no serial; using the root file system's UUID, which every copy of "
        "one disk image shares");
    components.push_back(Component{Kind::disk, name + " filesystem", std::move(*uuid)});
  } else {
    notes.push_back(
        "disk: no usable disk serial, and no file system UUID (/dev/disk/by-uuid) to fall "
        "back on");
  }
}

}  // namespace nodelock::fingerprint::linux_host
