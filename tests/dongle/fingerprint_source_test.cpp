// The `dongle` fingerprint source, and a dongle-required policy, against
// emulated devices.
#include <gmock/gmock.h>

#include <filesystem>
#include <random>

#include "dongle_fixture.h"
#include "nodelock/dongle/source.h"
#include "nodelock/fingerprint/collect.h"
#include "nodelock/fingerprint/match.h"

namespace nodelock::dongle::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<fingerprint::Component> dongle_components(std::vector<std::string>* notes = nullptr) {
  const DongleSource source;
  std::vector<fingerprint::Component> components;
  std::vector<std::string> ignored;
  source.collect(fingerprint::Host{"/"}, components, notes ? *notes : ignored);
  return components;
}

fingerprint::Fingerprint this_machine(const DongleSource& dongles) {
  fingerprint::CollectOptions options;
  options.extra_sources = {&dongles};
  auto collected = fingerprint::collect(options);
  EXPECT_TRUE(collected.ok()) << collected.message();
  return fingerprint::hash_components(*collected, "acme.cad");
}

using DongleFingerprint = EmulatedDongleTest;

TEST_F(DongleFingerprint, EachAnsweringDongleIsAComponent) {
  plug_nldg();
  plug_yubikey();
  plug_keyboard();
  const auto components = dongle_components();
  ASSERT_EQ(components.size(), 2u);
  EXPECT_EQ(components[0].kind, fingerprint::Kind::dongle);
  EXPECT_EQ(components[0].label, "nldg-1209:0001");
  EXPECT_EQ(components[0].value, "1209:0001|Nodelock Test Vendor|NLDG Test Dongle|NLDG-0001-A7");
  EXPECT_EQ(components[1].label, "yubikey-1050:0407");
  EXPECT_EQ(components[1].value, "1050:0407|Yubico|YubiKey OTP+FIDO+CCID|9123456");
}

TEST_F(DongleFingerprint, DevicesThatDoNotAnswerAreNotedWithoutTheirSerial) {
  plug_impostor();
  std::vector<std::string> notes;
  EXPECT_TRUE(dongle_components(&notes).empty());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("ignored the NLDG dongle 1209:0001 on bus 1, address 5"));
  EXPECT_THAT(notes[0], Not(HasSubstr("GADGET-77")));
}

TEST_F(DongleFingerprint, AMountedSystemTreeHasNoDongles) {
  plug_nldg();
  const DongleSource source;
  std::vector<fingerprint::Component> components;
  std::vector<std::string> notes;
  const auto tree = std::filesystem::temp_directory_path() /
                    ("nodelock-tree-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(tree);
  source.collect(fingerprint::Host{tree}, components, notes);
  std::filesystem::remove_all(tree);
  EXPECT_TRUE(components.empty());
}

TEST_F(DongleFingerprint, TheFingerprintHasTheDongleOnlyWhilePluggedIn) {
  const auto nldg = plug_nldg();
  const DongleSource dongles;
  const fingerprint::Fingerprint with = this_machine(dongles);
  EXPECT_TRUE(with.has(fingerprint::Kind::dongle));
  bus().unplug(*nldg);
  const fingerprint::Fingerprint without = this_machine(dongles);
  EXPECT_FALSE(without.has(fingerprint::Kind::dongle));
  EXPECT_EQ(with.machine_id(), without.machine_id()) << "the machine ID ignores dongles";
}

TEST_F(DongleFingerprint, ALicenseRequiringTheDongleIsRefusedWithoutIt) {
  const auto nldg = plug_nldg();
  const DongleSource dongles;
  const fingerprint::Fingerprint enrolled = this_machine(dongles);
  const auto policy = fingerprint::MatchPolicy::dongle_required();
  EXPECT_TRUE(fingerprint::match(enrolled, this_machine(dongles), policy).ok());

  bus().unplug(*nldg);
  const auto unplugged = fingerprint::match(enrolled, this_machine(dongles), policy);
  EXPECT_FALSE(unplugged.ok());
  EXPECT_EQ(unplugged.state(fingerprint::Kind::dongle), fingerprint::KindState::missing);
  EXPECT_THAT(unplugged.explanation(), HasSubstr("dongle missing (required)"));

  plug_second_nldg();
  const auto another = fingerprint::match(enrolled, this_machine(dongles), policy);
  EXPECT_FALSE(another.ok());
  EXPECT_EQ(another.state(fingerprint::Kind::dongle), fingerprint::KindState::changed);
}

}  // namespace
}  // namespace nodelock::dongle::testing
