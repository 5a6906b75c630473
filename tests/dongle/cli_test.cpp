// `nodelock dongle list` as installers and support staff run it: the built
// binary, started as a child process on the emulated bus.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "dongle_fixture.h"
#include "nodelock/crypto/encoding.h"
#include "process.h"

namespace nodelock::dongle::testing {
namespace {

using nodelock::testing::ProcessResult;
using nodelock::testing::run_nodelock;
using nodelock::testing::RunAs;
using ::testing::HasSubstr;
using ::testing::Not;

nlohmann::json listed_json(const std::vector<std::string>& extra = {}) {
  std::vector<std::string> arguments = {"dongle", "list", "--json"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  const ProcessResult run = run_nodelock(arguments);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_FALSE(json.is_discarded()) << run.out;
  return json.is_discarded() ? nlohmann::json::object() : json;
}

using DongleListCommand = EmulatedDongleTest;

TEST_F(DongleListCommand, JsonDescribesEachDongleAndLeavesOtherDevicesOut) {
  const auto nldg = plug_nldg();
  plug_yubikey();
  plug_keyboard();
  const nlohmann::json out = listed_json();
  ASSERT_EQ(out["dongles"].size(), 2u) << out.dump();
  const nlohmann::json& first = out["dongles"][0];
  EXPECT_EQ(first["family"], "nldg");
  EXPECT_EQ(first["usb_id"], "1209:0001");
  EXPECT_EQ(first["bus"], 1);
  EXPECT_EQ(first["address"], 2);
  EXPECT_EQ(first["serial"], "NLDG-0001-A7");
  EXPECT_EQ(first["product"], "NLDG Test Dongle");
  EXPECT_EQ(first["answers"], true);
  EXPECT_EQ(first["public_key"], encoding::base64(nldg->public_key().bytes));
  EXPECT_EQ(first["key_id"], crypto::key_id(nldg->public_key()));
  const nlohmann::json& second = out["dongles"][1];
  EXPECT_EQ(second["family"], "yubikey");
  EXPECT_EQ(second["serial"], "9123456");
  EXPECT_EQ(second["firmware"], "5.4.3");
  EXPECT_EQ(second["answers"], true);
  EXPECT_FALSE(second.contains("problem"));
}

TEST_F(DongleListCommand, PeopleSeeATableWithWhetherEachDongleAnswers) {
  const auto nldg = plug_nldg();
  plug_impostor();
  const ProcessResult run = run_nodelock({"dongle", "list"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("NLDG-0001-A7"));
  EXPECT_THAT(run.out, HasSubstr("answers, key id " + crypto::key_id(nldg->public_key())));
  EXPECT_THAT(run.out, HasSubstr("GADGET-77"));
  EXPECT_THAT(run.out, HasSubstr("does not answer"));
  EXPECT_THAT(run.out, HasSubstr("address 5 refused GET_INFO (it stalled the request)"));
}

TEST_F(DongleListCommand, NoDongleIsNotAnError) {
  plug_keyboard();
  const ProcessResult run = run_nodelock({"dongle", "list"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("No dongle is plugged in. Looked for: nldg 1209:0001"));
  EXPECT_EQ(listed_json()["dongles"], nlohmann::json::array());
}

TEST_F(DongleListCommand, NoPermissionNamesTheUdevRuleThatGrantsIt) {
  const auto nldg = plug_nldg();
  plug_yubikey();
  bus().set_access({nldg.get()});
  nodelock::testing::ProcessOptions as_nobody;
  as_nobody.user = RunAs::unprivileged_user;
  const ProcessResult run = run_nodelock({"dongle", "list", "--json"}, as_nobody);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto out = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_EQ(out["dongles"].size(), 2u) << run.out;
  EXPECT_EQ(out["dongles"][0]["answers"], true) << "the udev rule opened the NLDG node";
  const nlohmann::json& denied = out["dongles"][1];
  EXPECT_EQ(denied["family"], "yubikey");
  EXPECT_EQ(denied["answers"], false);
  EXPECT_THAT(denied["problem"].get<std::string>(),
              HasSubstr("no permission to use the YubiKey 1050:0407 on bus 1, address 3 "
                        "(/dev/bus/usb/001/003): install the udev rule "
                        "70-nodelock-dongles.rules"));
}

TEST_F(DongleListCommand, ADongleUnpluggedBetweenRunsIsGone) {
  const auto nldg = plug_nldg();
  ASSERT_EQ(listed_json()["dongles"].size(), 1u);
  bus().unplug(*nldg);
  EXPECT_EQ(listed_json()["dongles"].size(), 0u);
}

TEST_F(DongleListCommand, AVendorsOwnIdsAreAccepted) {
  plug_nldg();
  EXPECT_EQ(listed_json({"--usb-id", "1209:a0b1,1209:a0b2"})["dongles"].size(), 1u);
}

TEST_F(DongleListCommand, AnUnexpectedArgumentIsAUsageError) {
  const ProcessResult run = run_nodelock({"dongle", "list", "all"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("unexpected argument 'all'"));
}

TEST_F(DongleListCommand, AMalformedUsbIdIsAUsageError) {
  for (const std::string ids :
       {"1209", "1209:1", "1209:00001", "12g9:0001", "1209:0001,", "1209:0001,1209:0001"}) {
    const ProcessResult run = run_nodelock({"dongle", "list", "--usb-id", ids});
    EXPECT_EQ(run.exit_code, 2) << ids;
    EXPECT_THAT(run.err, HasSubstr("nodelock: ")) << ids;
    EXPECT_THAT(run.out, Not(HasSubstr("dongles"))) << ids;
  }
}

}  // namespace
}  // namespace nodelock::dongle::testing
