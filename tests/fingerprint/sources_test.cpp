// What the Linux sources read from each kind of host, and how they treat odd,
// generic and broken input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host_tree.h"

namespace nodelock::fingerprint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Collected of_host(const std::string& host) { return collect_tree(fixture_hosts() / host); }

bool any_warning_has(const Collected& collected, const std::string& text) {
  for (const std::string& warning : collected.warnings) {
    if (warning.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(LinuxSources, LaptopGivesWifiPermanentAddressAndDiskUnderLuks) {
  EXPECT_THAT(
      described(of_host("laptop-wifi-docker")),
      UnorderedElementsAre("cpu GenuineIntel=GenuineIntel|12th Gen Intel(R) Core(TM) "
                           "i7-1260P|6|154|3",
                           "disk nvme0n1=S64KNX0T512345", "mac wlp0s20f3=f4:26:79:5a:b1:c2",
                           "machine_id /etc/machine-id=7c3e9a51d2b84f06a1e5c9d8b3f2a604",
                           "board product_uuid=b5e1c3d2-2a7f-11b2-a85c-f1d3c0e9a7b4",
                           "board board_serial=L1HF2AB01C7", "board product_serial=PF3KX9M2",
                           "board chassis_serial=PF3KX9M2"));
}

TEST(LinuxSources, DesktopCountsOnlyTheRootDiskAndBothNics) {
  const Collected desktop = of_host("desktop-two-nics");
  EXPECT_THAT(described(desktop),
              UnorderedElementsAre(
                  "cpu AuthenticAMD=AuthenticAMD|AMD Ryzen 7 5800X 8-Core Processor|25|33|0",
                  "disk nvme0n1=22115R801234", "mac enp4s0=04:42:1a:0b:5c:7d",
                  "mac enp5s0=00:e0:4c:68:12:34",
                  "machine_id /etc/machine-id=0f9b2e6c81d347a5b6c0e2f4a8d1c375",
                  "board product_uuid=e83a1c2f-4b7d-5e90-a1c3-04421a0b5c7d",
                  "board board_serial=210585753802345"));
  EXPECT_TRUE(any_warning_has(desktop, "product_serial, chassis_serial hold the maker's"));
}

// Inside a VM the virtual card's address is the one the hypervisor assigned to
// this VM (QEMU's locally administered 52:54:00): with product_uuid, it is what
// a reinstall of the guest leaves.
TEST(LinuxSources, KvmGuestWithoutDiskSerialFallsBackToFilesystemUuidAndCountsItsMac) {
  const Collected kvm = of_host("kvm-virtio");
  EXPECT_THAT(described(kvm),
              UnorderedElementsAre("cpu GenuineIntel=GenuineIntel|Intel Xeon Processor "
                                   "(Icelake)|6|134|0",
                                   "disk vda1 filesystem=f2c7a91e-5d3b-4e68-b0a4-c19e7d2f6a85",
                                   "mac enp1s0=52:54:00:8a:3c:11",
                                   "machine_id /etc/machine-id=c41d7e9f20a84b3c95e6f1a0d2b7c843",
                                   "board product_uuid=9a4f6e2b-31c8-4d57-8e0a-5b2c7d91f3e6"));
  EXPECT_TRUE(any_warning_has(kvm, "using the root file system's UUID"));
}

TEST(MacSource, HypervisorAssignedAddressesCountOnlyInsideAVirtualMachine) {
  HostTree bare("desktop-two-nics");
  bare.write("sys/class/net/enp5s0/address", "52:54:00:8a:3c:12\n");
  bare.write("sys/class/net/enp4s0/address", "00:50:56:8a:3c:13\n");
  const Collected collected = collect_tree(bare.root());
  for (const Component& component : collected.components) EXPECT_NE(component.kind, Kind::mac);
  EXPECT_TRUE(any_warning_has(collected, "a locally administered address"));
  EXPECT_TRUE(any_warning_has(collected, "VMware virtual network card"));

  HostTree guest("kvm-virtio");
  guest.write("sys/class/net/enp1s0/address", "00:50:56:8a:3c:13\n");
  EXPECT_THAT(described(collect_tree(guest.root())),
              ::testing::Contains("mac enp1s0=00:50:56:8a:3c:13"));
  guest.write("sys/class/net/enp1s0/addr_assign_type", "1\n");
  for (const Component& component : collect_tree(guest.root()).components) {
    EXPECT_NE(component.kind, Kind::mac) << "a random address is never identity";
  }
}

// The ENA interface's address is locally administered but assigned to the
// interface by the cloud for its life: inside a VM it counts.
TEST(LinuxSources, CloudInstanceGivesEbsSerialAndItsInterfacesAddress) {
  EXPECT_THAT(
      described(of_host("cloud-nvme")),
      UnorderedElementsAre("cpu GenuineIntel=GenuineIntel|Intel(R) Xeon(R) Platinum "
                           "8375C CPU @ 2.90GHz|6|106|6",
                           "disk nvme0n1=vol0a1b2c3d4e5f67890", "mac ens5=0a:3f:5c:12:9b:e1",
                           "machine_id /etc/machine-id=5e8a1f3c9b2d4e7a8c6f0b1d3e5a7c92",
                           "board product_uuid=ec2f3a1b-8c4d-9e2f-1a3b-5c7d9e0f1a2b",
                           "board product_serial=ec2f3a1b-8c4d-9e2f-1a3b-5c7d9e0f1a2b"));
}

TEST(LinuxSources, ContainerHasNoDiskNoMacNoMachineIdAndIsCalledWeak) {
  const Collected container = of_host("docker-container");
  EXPECT_THAT(described(container),
              UnorderedElementsAre("cpu GenuineIntel=GenuineIntel|12th Gen Intel(R) Core(TM) "
                                   "i7-1260P|6|154|3",
                                   "board product_uuid=b5e1c3d2-2a7f-11b2-a85c-f1d3c0e9a7b4",
                                   "board board_serial=L1HF2AB01C7"));
  EXPECT_TRUE(any_warning_has(container, "not on a block device of this machine"));
  EXPECT_TRUE(any_warning_has(container, "weak identity: "));
  EXPECT_TRUE(any_warning_has(container, "cpu, board weigh 4 of the 6"));
}

TEST(LinuxSources, PlaceholderFirmwareValuesAreAbsent) {
  const Collected host = of_host("placeholder-dmi");
  EXPECT_THAT(described(host),
              UnorderedElementsAre("cpu GenuineIntel=GenuineIntel|Intel(R) Core(TM) i5-10400 CPU "
                                   "@ 2.90GHz|6|165|3",
                                   "disk sda=50026B778412ABCD", "mac enp3s0=e0:d5:5e:3a:7c:91",
                                   "machine_id /etc/machine-id=a7f3c1e9d05b4e28b6c4d2f1e8a9b073"));
  EXPECT_TRUE(any_warning_has(host, "product_uuid, board_serial, product_serial, chassis_serial"));
}

// Firmware fields seen left at their maker's default on real boards. Two units
// of one model installed from one image differ in little else, so any of these
// counted as identity would let them share a seat.
TEST(BoardSource, PlaceholdersAreRecognisedByPatternAndNamedInANote) {
  const char* const placeholders[] = {"To Be Filled By O.E.M",
                                      "Not Settable",
                                      "Not Present",
                                      "System Serial #",
                                      "Board Serial Number",
                                      "12345678",
                                      "0123456789ABCDEF",
                                      "MB-1234567890",
                                      "987654321",
                                      "ABCDABCDABCD",
                                      "To be filled by O.E.M.",
                                      "00020003-0004-0005-0006-000700080009",
                                      "03000200-0400-0500-0006-000700080009"};
  for (const char* value : placeholders) {
    HostTree tree("desktop-two-nics");
    tree.write("sys/class/dmi/id/board_serial", std::string(value) + "\n");
    tree.write("sys/class/dmi/id/product_uuid", std::string(value) + "\n");
    const Collected collected = collect_tree(tree.root());
    for (const Component& component : collected.components) {
      EXPECT_NE(component.kind, Kind::board) << value << " counted as " << component.label;
    }
    EXPECT_TRUE(any_warning_has(collected,
                                "board: product_uuid, board_serial, product_serial, "
                                "chassis_serial hold the maker's placeholder"))
        << value;
  }
}

TEST(BoardSource, RealSerialsThatMerelyContainDigitRunsStay) {
  for (const char* value : {"210585753802345", "PF3KX9M2", "C02XK1234567", "MB123456A7Q"}) {
    HostTree tree("desktop-two-nics");
    tree.write("sys/class/dmi/id/board_serial", std::string(value) + "\n");
    EXPECT_THAT(described(collect_tree(tree.root())),
                ::testing::Contains(std::string("board board_serial=") + value));
  }
}

TEST(LinuxSources, SandboxGuestIsWeakAndSaysWhy) {
  const Collected guest = of_host("sandbox-kvm-guest");
  EXPECT_THAT(described(guest),
              UnorderedElementsAre("cpu AuthenticAMD=AuthenticAMD|AMD EPYC|25|17|1",
                                   "machine_id /etc/machine-id=5b1e0c7a9d3f42e6a8c1b4d7e2f90a36"));
  EXPECT_TRUE(any_warning_has(guest, "disk vda: its serial is a generic value"));
  EXPECT_TRUE(any_warning_has(guest, "mac eth0: a locally administered address"));
  EXPECT_TRUE(any_warning_has(guest, "board: no firmware (DMI) identity"));
  EXPECT_TRUE(any_warning_has(guest, "cpu, machine_id weigh 3 of the 6"));
}

TEST(LinuxSources, NotesNeverQuoteRawValues) {
  for (const std::string& host : host_names()) {
    const Collected collected = of_host(host);
    for (const Component& component : collected.components) {
      for (const std::string& warning : collected.warnings) {
        EXPECT_EQ(warning.find(component.value), std::string::npos) << host << ": " << warning;
      }
    }
  }
}

struct EnvironmentCase {
  std::string host;
  EnvironmentType type;
  std::string name;
};

TEST(Environment, EachHostIsRecognised) {
  const EnvironmentCase cases[] = {
      {"laptop-wifi-docker", EnvironmentType::bare_metal, ""},
      {"desktop-two-nics", EnvironmentType::bare_metal, ""},
      {"placeholder-dmi", EnvironmentType::bare_metal, ""},
      {"kvm-virtio", EnvironmentType::virtual_machine, "kvm"},
      {"cloud-nvme", EnvironmentType::virtual_machine, "amazon"},
      {"docker-container", EnvironmentType::container, "docker"},
      {"sandbox-kvm-guest", EnvironmentType::container, "docker"},
  };
  for (const auto& c : cases) {
    const Environment environment = of_host(c.host).environment;
    EXPECT_EQ(environment.type, c.type) << c.host;
    EXPECT_EQ(environment.name, c.name) << c.host;
  }
}

TEST(Environment, ContainerRuntimesAreNamed) {
  {
    HostTree tree("laptop-wifi-docker");
    tree.write("run/.containerenv", "engine=\"podman-4.3.1\"\n");
    EXPECT_EQ(collect_tree(tree.root()).environment.name, "podman");
  }
  {
    HostTree tree("laptop-wifi-docker");
    tree.write("proc/1/cgroup",
               "0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-3f1a.scope\n");
    EXPECT_EQ(collect_tree(tree.root()).environment.name, "kubernetes");
  }
  {
    HostTree tree("desktop-two-nics");
    tree.write("run/systemd/container", "LXC\n");
    const Environment environment = collect_tree(tree.root()).environment;
    EXPECT_EQ(environment.type, EnvironmentType::container);
    EXPECT_EQ(environment.name, "lxc");
  }
}

TEST(Environment, HypervisorFlagWithoutKnownVendorIsAnUnknownVirtualMachine) {
  HostTree tree("sandbox-kvm-guest");
  tree.remove(".dockerenv");
  const Environment environment = collect_tree(tree.root()).environment;
  EXPECT_EQ(environment.type, EnvironmentType::virtual_machine);
  EXPECT_EQ(environment.name, "unknown");
}

TEST(DiskSource, BtrfsRootIsFoundByItsDeviceName) {
  HostTree tree("desktop-two-nics");
  tree.write("proc/self/mountinfo",
             "26 1 0:31 /@ / rw,relatime shared:1 - btrfs /dev/nvme0n1p2 rw,ssd,subvol=/@\n");
  EXPECT_THAT(described(collect_tree(tree.root())),
              ::testing::Contains("disk nvme0n1=22115R801234"));
}

TEST(DiskSource, BtrfsOnLuksIsFoundThroughTheMapperName) {
  HostTree tree("laptop-wifi-docker");
  tree.write("proc/self/mountinfo",
             "26 1 0:33 /@ / rw,relatime shared:1 - btrfs "
             "/dev/mapper/luks-5b0e7c1a-2f4d-4c8e-9a61-3d7b2e8f1c40 rw,subvol=/@\n");
  EXPECT_THAT(described(collect_tree(tree.root())),
              ::testing::Contains("disk nvme0n1=S64KNX0T512345"));
}

TEST(DiskSource, LastMountOnRootWins) {
  HostTree tree("desktop-two-nics");
  std::string mounts =
      "26 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw\n"
      "90 26 8:1 / / rw - ext4 /dev/sda1 rw\n";
  tree.write("proc/self/mountinfo", mounts);
  EXPECT_THAT(described(collect_tree(tree.root())),
              ::testing::Contains("disk sda=S6PNNS0T812345K"));
}

TEST(DiskSource, GarbledMountinfoGivesNoDiskAndANote) {
  for (const std::string& text :
       {std::string(""), std::string("not mountinfo at all\n"),
        std::string("26 1 x:y / / rw - ext4 /dev/sda rw\n"),
        std::string("26 1 259:2 / / rw ext4 /dev/nvme0n1p2\n"), std::string(5000, '\xff')}) {
    HostTree tree("desktop-two-nics");
    tree.write("proc/self/mountinfo", text);
    const Collected collected = collect_tree(tree.root());
    for (const Component& component : collected.components) EXPECT_NE(component.kind, Kind::disk);
    EXPECT_TRUE(any_warning_has(collected, "disk: "));
  }
}

TEST(DiskSource, TruncatedOrForeignVpdPageFallsBackToWwid) {
  HostTree tree("placeholder-dmi");
  const auto scsi =
      std::string("sys/devices/pci0000:00/0000:00:17.0/ata3/host2/target2:0:0/2:0:0:0");
  tree.write(scsi + "/vpd_pg80", std::string("\x00\x83\x00", 3));
  EXPECT_THAT(described(collect_tree(tree.root())),
              ::testing::Contains("disk sda=t10.ATA     KINGSTON SA400S37240G"
                                  "                   50026B778412ABCD"));
}

TEST(DiskSource, GenericQemuSerialInsideAWwidIsIgnored) {
  HostTree tree("placeholder-dmi");
  const auto scsi =
      std::string("sys/devices/pci0000:00/0000:00:17.0/ata3/host2/target2:0:0/2:0:0:0");
  tree.remove(scsi + "/vpd_pg80");
  tree.write(scsi + "/wwid", "t10.ATA     QEMU HARDDISK                           QM00001\n");
  const Collected collected = collect_tree(tree.root());
  for (const Component& component : collected.components) EXPECT_NE(component.kind, Kind::disk);
  EXPECT_TRUE(any_warning_has(collected, "disk sda: its serial is a generic value"));
}

TEST(MacSource, BondingSlavesGiveTheirOwnPermanentAddresses) {
  HostTree tree("desktop-two-nics");
  const std::string bond = "sys/devices/virtual/net/bond0";
  tree.write(bond + "/address", "04:42:1a:0b:5c:7d\n");
  tree.write(bond + "/type", "1\n");
  tree.link("sys/class/net/bond0", bond);
  for (const auto& [name, permanent] :
       {std::pair<std::string, std::string>{"enp4s0", "04:42:1a:0b:5c:7d"},
        {"enp5s0", "00:e0:4c:68:12:34"}}) {
    tree.write("sys/class/net/" + name + "/address", "04:42:1a:0b:5c:7d\n");
    tree.write("sys/class/net/" + name + "/addr_assign_type", "3\n");
    tree.write("sys/class/net/" + name + "/bonding_slave/perm_hwaddr", permanent + "\n");
  }
  EXPECT_THAT(
      described(collect_tree(tree.root())),
      ::testing::IsSupersetOf({"mac enp4s0=04:42:1a:0b:5c:7d", "mac enp5s0=00:e0:4c:68:12:34"}));
}

TEST(MacSource, SameAddressUnderTwoNamesCountsOnce) {
  HostTree tree("desktop-two-nics");
  tree.write("sys/class/net/enp5s0/address", "04:42:1a:0b:5c:7d\n");
  const Collected collected = collect_tree(tree.root());
  int macs = 0;
  for (const Component& component : collected.components) macs += component.kind == Kind::mac;
  EXPECT_EQ(macs, 1);
}

TEST(MacSource, RandomOrMalformedAddressesAreNotIdentity) {
  for (const std::string& address :
       {std::string("04:42:1a:0b:5c"), std::string("zz:42:1a:0b:5c:7d"),
        std::string("00:00:00:00:00:00"), std::string("01:00:5e:00:00:01"),
        std::string("00:50:56:a1:22:33"), std::string("04-42-1a-0b-5c-7d")}) {
    HostTree tree("placeholder-dmi");
    tree.write("sys/class/net/enp3s0/address", address + "\n");
    const Collected collected = collect_tree(tree.root());
    for (const Component& component : collected.components) {
      EXPECT_NE(component.kind, Kind::mac) << address;
    }
  }
  HostTree tree("placeholder-dmi");
  tree.write("sys/class/net/enp3s0/addr_assign_type", "1\n");
  EXPECT_TRUE(any_warning_has(collect_tree(tree.root()), "mac enp3s0: no permanent address"));
}

TEST(MachineIdSource, UninitializedIdFallsBackToDbus) {
  HostTree tree("kvm-virtio");
  tree.write("etc/machine-id", "uninitialized\n");
  tree.write("var/lib/dbus/machine-id", "0123456789abcdef0123456789abcdef\n");
  const Collected collected = collect_tree(tree.root());
  EXPECT_THAT(
      described(collected),
      ::testing::Contains("machine_id /var/lib/dbus/machine-id=0123456789abcdef0123456789abcdef"));
  EXPECT_TRUE(any_warning_has(collected, "/etc/machine-id is not a valid machine id"));
}

TEST(MachineIdSource, MalformedIdsAreIgnored) {
  for (const std::string& id : {std::string("00000000000000000000000000000000"),
                                std::string("0123456789ABCDEF0123456789ABCDEF"),
                                std::string("0123456789abcdef"), std::string("")}) {
    HostTree tree("kvm-virtio");
    tree.write("etc/machine-id", id + "\n");
    for (const Component& component : collect_tree(tree.root()).components) {
      EXPECT_NE(component.kind, Kind::machine_id) << id;
    }
  }
}

TEST(CpuSource, GarbledCpuinfoGivesNoCpuAndANote) {
  for (const std::string& text :
       {std::string(""),
        std::string("vendor_id : GenuineIntel\ncpu family : six\nmodel : 1\n"
                    "stepping : 1\n"),
        std::string("vendor_id : GenuineIntel\ncpu family : 99999999999999999999\nmodel : 1\n"
                    "stepping : 1\n"),
        std::string("processor : 0\nisa : rv64imafdc\n")}) {
    HostTree tree("desktop-two-nics");
    tree.write("proc/cpuinfo", text);
    const Collected collected = collect_tree(tree.root());
    for (const Component& component : collected.components) EXPECT_NE(component.kind, Kind::cpu);
    EXPECT_TRUE(any_warning_has(collected, "cpu: the processor could not be identified"));
  }
}

TEST(CpuSource, ArmProcessorIsReadFromCpuinfo) {
  HostTree tree("desktop-two-nics");
  tree.write("proc/cpuinfo",
             "processor\t: 0\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 "
             "sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\n"
             "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\n"
             "CPU part\t: 0xd0c\nCPU revision\t: 1\n\nprocessor\t: 1\n");
  EXPECT_THAT(described(collect_tree(tree.root())),
              ::testing::Contains("cpu arm=arm|0x41|8|0x3|0xd0c|1"));
}

TEST(Collect, EmptyTreeCollectsNothingAndSaysSo) {
  HostTree tree("docker-container");
  for (const char* top : {"proc", "sys", "etc", ".dockerenv"}) tree.remove(top);
  const Collected collected = collect_tree(tree.root());
  EXPECT_THAT(collected.components, IsEmpty());
  EXPECT_TRUE(any_warning_has(collected, "offers too little to bind a license to: nothing"));
}

TEST(Collect, RootThatIsNotADirectoryIsAnInvalidArgument) {
  CollectOptions options;
  options.root = fixture_hosts() / "no-such-host";
  const auto collected = collect(options);
  ASSERT_FALSE(collected.ok());
  EXPECT_EQ(collected.code(), ErrorCode::invalid_argument);
  EXPECT_THAT(collected.message(), HasSubstr("no-such-host"));
  options.root = fixture_hosts() / "README.md";
  EXPECT_FALSE(collect(options).ok());
}

// A source from another module (the dongle's) adds its components beside the
// platform's, and counts toward binding.
class FixedDongleSource final : public Source {
 public:
  Kind kind() const override { return Kind::dongle; }
  void collect(const Host&, std::vector<Component>& components,
               std::vector<std::string>&) const override {
    components.push_back(Component{Kind::dongle, "nldg-1209:2fa0", "NLDG-0042-7731"});
  }
};

TEST(Collect, ExtraSourcesAddTheirComponents) {
  const FixedDongleSource dongle;
  CollectOptions options;
  options.root = fixture_hosts() / "docker-container";
  options.extra_sources = {&dongle};
  const auto collected = collect(options);
  ASSERT_TRUE(collected.ok());
  EXPECT_THAT(described(*collected), ::testing::Contains("dongle nldg-1209:2fa0=NLDG-0042-7731"));
}

// A plug-in source claiming another kind's evidence is not believed.
class ImpostorSource final : public Source {
 public:
  Kind kind() const override { return Kind::dongle; }
  void collect(const Host&, std::vector<Component>& components,
               std::vector<std::string>&) const override {
    components.push_back(Component{Kind::board, "product_uuid", "forged"});
  }
};

TEST(Collect, SourcesOnlyAddTheirOwnKind) {
  const ImpostorSource impostor;
  CollectOptions options;
  options.root = fixture_hosts() / "docker-container";
  options.extra_sources = {&impostor};
  const auto collected = collect(options);
  ASSERT_TRUE(collected.ok());
  EXPECT_THAT(described(*collected),
              ::testing::Not(::testing::Contains("board product_uuid=forged")));
}

}  // namespace
}  // namespace nodelock::fingerprint::testing
