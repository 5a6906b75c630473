// Component hashes, product salts and the machine ID.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "host_tree.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/fingerprint/match.h"

namespace nodelock::fingerprint::testing {
namespace {

Collected laptop_parts() {
  Collected collected;
  collected.components = {
      {Kind::cpu, "GenuineIntel", "GenuineIntel|12th Gen Intel(R) Core(TM) i7-1260P|6|154|3"},
      {Kind::disk, "nvme0n1", "S64KNX0T512345"},
      {Kind::mac, "wlp0s20f3", "f4:26:79:5a:b1:c2"},
      {Kind::machine_id, "/etc/machine-id", "7c3e9a51d2b84f06a1e5c9d8b3f2a604"},
  };
  return collected;
}

std::string hash_hex(const Fingerprint& print, Kind kind) {
  for (const HashedComponent& component : print.components()) {
    if (component.kind == kind) return encoding::hex(component.hash);
  }
  return "";
}

// Values computed independently: salt = HMAC-SHA256("nodelock fingerprint salt
// v1", "acme-cad"); hash = HMAC-SHA256(salt, kind || 0x00 || value).
TEST(ComponentHash, IsHmacOfKindAndValueUnderTheProductSalt) {
  const Fingerprint print = hash_components(laptop_parts(), "acme-cad");
  EXPECT_EQ(hash_hex(print, Kind::disk),
            "962f5fc9d9ec24b0d3f26fbb82c11097e8b1acd24c886a86faa9fd17a6767949");
  EXPECT_EQ(hash_hex(print, Kind::mac),
            "1225f69f1f81f115266f400954883871865fca22f7b4ab4ccbed3d2156756b97");
}

TEST(MachineId, IsSha256OfSortedDiskAndMachineIdHashesInCrockfordGroups) {
  EXPECT_EQ(hash_components(laptop_parts(), "acme-cad").machine_id(), "NL-NKAB-X4RJ-PHC3-N3KM");
}

TEST(ComponentHash, TwoProductsSeeUnrelatedHashesOfOneMachine) {
  const Fingerprint a = hash_components(laptop_parts(), "acme-cad");
  const Fingerprint b = hash_components(laptop_parts(), "globex-erp");
  for (const HashedComponent& x : a.components()) {
    for (const HashedComponent& y : b.components()) EXPECT_NE(x.hash, y.hash);
  }
  EXPECT_NE(a.machine_id(), b.machine_id());
  EXPECT_FALSE(match(a, b, MatchPolicy::standard()).ok());
}

TEST(ComponentHash, KindIsPartOfTheHash) {
  Collected collected;
  collected.components = {{Kind::disk, "sda", "SAME"}, {Kind::board, "board_serial", "SAME"}};
  const Fingerprint print = hash_components(collected, "acme-cad");
  ASSERT_EQ(print.components().size(), 2u);
  EXPECT_NE(print.components()[0].hash, print.components()[1].hash);
}

TEST(ComponentHash, NormalisationIgnoresPaddingAndCaseWhereItCarriesNoMeaning) {
  Collected padded;
  padded.components = {{Kind::disk, "sda", "  S6PN NS0T\t\t812345K \n"},
                       {Kind::mac, "eth0", "F4:26:79:5A:B1:C2"},
                       {Kind::machine_id, "/etc/machine-id", "7C3E9A51D2B84F06A1E5C9D8B3F2A604"}};
  Collected clean;
  clean.components = {{Kind::disk, "sda", "S6PN NS0T 812345K"},
                      {Kind::mac, "eth0", "f4:26:79:5a:b1:c2"},
                      {Kind::machine_id, "/etc/machine-id", "7c3e9a51d2b84f06a1e5c9d8b3f2a604"}};
  EXPECT_EQ(hash_components(padded, "p"), hash_components(clean, "p"));
  Collected serial_case;
  serial_case.components = {{Kind::disk, "sda", "s6pn ns0t 812345k"}};
  Collected serial_upper;
  serial_upper.components = {{Kind::disk, "sda", "S6PN NS0T 812345K"}};
  EXPECT_NE(hash_components(serial_case, "p"), hash_components(serial_upper, "p"));
}

// Firmware updates have been seen to switch product_uuid to upper case; a UUID
// is a number, so its case must not make the machine look new.
TEST(ComponentHash, ProductUuidInUpperCaseHashesAsInLowerCase) {
  HostTree tree("laptop-wifi-docker");
  const Fingerprint before = fingerprint_of(tree.root());
  tree.write("sys/class/dmi/id/product_uuid", "B5E1C3D2-2A7F-11B2-A85C-F1D3C0E9A7B4\n");
  EXPECT_EQ(fingerprint_of(tree.root()), before);
}

TEST(Fingerprint, OrderOfComponentsDoesNotMatterAndRepeatsCollapse) {
  Collected forward = laptop_parts();
  Collected backward = laptop_parts();
  std::reverse(backward.components.begin(), backward.components.end());
  backward.components.push_back(backward.components.front());
  EXPECT_EQ(hash_components(forward, "p"), hash_components(backward, "p"));
  EXPECT_EQ(hash_components(backward, "p").components().size(), 4u);
}

TEST(Fingerprint, LabelsAreMadeSafeForDocuments) {
  Collected collected;
  collected.components = {{Kind::mac, std::string("et\x01h0", 5), "f4:26:79:5a:b1:c2"},
                          {Kind::disk, std::string(100, 'd'), "S1"},
                          {Kind::board, "", "B1"}};
  const Fingerprint print = hash_components(collected, "p");
  for (const HashedComponent& component : print.components()) {
    EXPECT_FALSE(component.label.empty());
    EXPECT_LE(component.label.size(), 64u);
  }
  const auto parsed = fingerprint_from_json(to_json(print));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(*parsed, print);
}

TEST(MachineId, HasTheFormSupportReadsOverThePhone) {
  const std::regex form(
      "NL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
      "[0-9A-HJKMNP-TV-Z]{4}");
  for (const std::string& host : host_names()) {
    const std::string id = fingerprint_of(fixture_hosts() / host).machine_id();
    EXPECT_TRUE(std::regex_match(id, form)) << host << ": " << id;
  }
}

TEST(MachineId, IgnoresBoardMacAndCpuWhenDiskOrMachineIdExist) {
  Collected base = laptop_parts();
  Collected more = base;
  more.components.push_back({Kind::board, "product_uuid", "b5e1c3d2-2a7f-11b2-a85c-f1d3c0e9a7b4"});
  more.components.push_back({Kind::mac, "enx00e04c680a1b", "00:e0:4c:68:0a:1b"});
  more.components[0].value = "GenuineIntel|another cpu|6|154|4";
  EXPECT_EQ(hash_components(base, "p").machine_id(), hash_components(more, "p").machine_id());
  Collected new_disk = base;
  new_disk.components[1].value = "S64KNX0T512346";
  EXPECT_NE(hash_components(base, "p").machine_id(), hash_components(new_disk, "p").machine_id());
}

TEST(MachineId, FallsBackToBoardThenMacThenCpu) {
  Collected collected;
  collected.components = {
      {Kind::cpu, "c", "cpu"}, {Kind::mac, "m", "00:e0:4c:68:0a:1b"}, {Kind::board, "b", "board"}};
  const std::string with_board = hash_components(collected, "p").machine_id();
  collected.components[1].value = "00:e0:4c:68:0a:1c";
  EXPECT_EQ(hash_components(collected, "p").machine_id(), with_board);
  collected.components.pop_back();
  const std::string with_mac = hash_components(collected, "p").machine_id();
  EXPECT_NE(with_mac, with_board);
  collected.components[0].value = "another cpu";
  EXPECT_EQ(hash_components(collected, "p").machine_id(), with_mac);
}

}  // namespace
}  // namespace nodelock::fingerprint::testing
