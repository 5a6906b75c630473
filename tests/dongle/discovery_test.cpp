// Discovery through real libusb: which devices are dongles, what they report.
#include <gmock/gmock.h>

#include "dongle_fixture.h"

namespace nodelock::dongle::testing {
namespace {

using ::testing::HasSubstr;

std::vector<PluggedDongle> listed(const DeviceOptions& options = {}) {
  auto dongles = list_dongles(options);
  EXPECT_TRUE(dongles.ok()) << dongles.message();
  return dongles.ok() ? *dongles : std::vector<PluggedDongle>{};
}

using Discovery = EmulatedDongleTest;

TEST_F(Discovery, ListsOnlyAllowListedDevicesInBusOrder) {
  plug_second_nldg();
  plug_keyboard();
  plug_yubikey();
  plug_nldg();

  const auto dongles = listed();
  ASSERT_EQ(dongles.size(), 3u);
  EXPECT_EQ(dongles[0].family, Family::nldg);
  EXPECT_EQ(dongles[0].address, 2);
  EXPECT_EQ(dongles[1].family, Family::yubikey);
  EXPECT_EQ(dongles[1].address, 3);
  EXPECT_EQ(dongles[2].family, Family::nldg);
  EXPECT_EQ(dongles[2].address, 6);
  for (const auto& dongle : dongles) {
    EXPECT_EQ(dongle.bus, 1);
    EXPECT_NE(dongle.vendor_id, 0x046d) << "the keyboard is not on the allow-list";
  }
}

TEST_F(Discovery, ReadsTheStringDescriptorsAndTheNldgKey) {
  const auto nldg = plug_nldg();
  const auto dongles = listed();
  ASSERT_EQ(dongles.size(), 1u);
  const PluggedDongle& dongle = dongles[0];
  EXPECT_EQ(dongle.vendor_id, 0x1209);
  EXPECT_EQ(dongle.product_id, 0x0001);
  EXPECT_EQ(dongle.manufacturer, "Nodelock Test Vendor");
  EXPECT_EQ(dongle.product, "NLDG Test Dongle");
  EXPECT_EQ(dongle.serial, "NLDG-0001-A7");
  EXPECT_TRUE(dongle.answers) << dongle.problem;
  ASSERT_TRUE(dongle.public_key.has_value());
  EXPECT_EQ(*dongle.public_key, nldg->public_key());
  EXPECT_EQ(nldg->signatures_made(), 0) << "listing must not use up signatures";
}

TEST_F(Discovery, ReadsAYubiKeysSerialAndFirmwareOverItsOtpInterface) {
  plug_yubikey();
  const auto dongles = listed();
  ASSERT_EQ(dongles.size(), 1u);
  EXPECT_TRUE(dongles[0].answers) << dongles[0].problem;
  EXPECT_EQ(dongles[0].manufacturer, "Yubico");
  EXPECT_EQ(dongles[0].serial, std::to_string(EmulatedYubiKey::serial));
  EXPECT_EQ(dongles[0].firmware, "5.4.3");
  EXPECT_FALSE(dongles[0].public_key.has_value());
}

TEST_F(Discovery, AnotherVendorsDeviceOnAnAllowListedIdDoesNotAnswer) {
  plug_impostor();
  const auto dongles = listed();
  ASSERT_EQ(dongles.size(), 1u);
  EXPECT_FALSE(dongles[0].answers);
  EXPECT_EQ(dongles[0].serial, "GADGET-77");
  EXPECT_THAT(dongles[0].problem, HasSubstr("refused GET_INFO (it stalled the request)"));
}

TEST_F(Discovery, ShortOrNewerGetInfoAnswersAreExplained) {
  const auto nldg = plug_nldg();
  nldg->set_fault(EmulatedNldg::Fault::short_info);
  auto dongles = listed();
  ASSERT_EQ(dongles.size(), 1u);
  EXPECT_FALSE(dongles[0].answers);
  EXPECT_THAT(dongles[0].problem, HasSubstr("answered GET_INFO with 5 bytes where 8"));

  nldg->set_fault(EmulatedNldg::Fault::protocol_version_2);
  dongles = listed();
  ASSERT_EQ(dongles.size(), 1u);
  EXPECT_FALSE(dongles[0].answers);
  EXPECT_THAT(dongles[0].problem, HasSubstr("speaks NLDG version 2"));
}

TEST_F(Discovery, AnEmptyBusHasNoDongles) { EXPECT_TRUE(listed().empty()); }

TEST_F(Discovery, ADongleUnpluggedBetweenCallsIsGoneAtTheNextCall) {
  const auto nldg = plug_nldg();
  plug_yubikey();
  ASSERT_EQ(listed().size(), 2u);
  bus().unplug(*nldg);
  const auto dongles = listed();
  ASSERT_EQ(dongles.size(), 1u);
  EXPECT_EQ(dongles[0].family, Family::yubikey);
}

TEST_F(Discovery, OnlyTheIdsOfTheGivenAllowListAreLookedAt) {
  plug_nldg();
  plug_yubikey();
  DeviceOptions options;
  options.allow_list = {{0x1050, 0x0407, Family::yubikey}};
  const auto dongles = listed(options);
  ASSERT_EQ(dongles.size(), 1u);
  EXPECT_EQ(dongles[0].family, Family::yubikey);
  options.allow_list.clear();
  EXPECT_TRUE(listed(options).empty());
}

}  // namespace
}  // namespace nodelock::dongle::testing
