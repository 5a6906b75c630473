// What people read on the air-gapped path: help for the offline commands, a
// license without a licensee named as such, and support's advice when a
// license is full pointing at the receipt path rather than at support itself.
#include "offline_fixture.h"

namespace nodelock::offline::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class OfflineWording : public OfflineTest {};

TEST_F(OfflineWording, OfflineHelpListsTheOfflineCommands) {
  const ProcessResult help = connected({"offline", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const char* command : {"offline request", "offline respond", "offline install",
                              "offline deactivate", "offline inspect"}) {
    EXPECT_TRUE(contains(help.out, command)) << help.out;
  }
  EXPECT_FALSE(contains(help.out, "lease checkout")) << help.out;
  EXPECT_TRUE(contains(help.out, "nodelock offline <command> --help")) << help.out;

  const ProcessResult bare = connected({"offline"});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_TRUE(contains(bare.err, "nodelock offline: give a command; the offline commands are:"))
      << bare.err;
  const ProcessResult unknown = connected({"offline", "answer"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "unknown command 'offline answer'")) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "offline respond")) << unknown.err;
}

TEST_F(OfflineWording, ASiteLicenseWithoutALicenseeIsNotCalledOfDash) {
  write_text(file("no-licensee.nlsite"), site_license_file(nlohmann::json::object()));
  const SiteMachine laptop = machine("laptop-wifi-docker");

  const ProcessResult other_site = air_gapped(on(
      laptop, {"offline", "install", file("no-licensee.nlsite").string(), "--site-id", "lab-2"}));
  EXPECT_EQ(other_site.exit_code, 1);
  EXPECT_TRUE(contains(other_site.err, "This site license is for site 'acme-hq'"))
      << other_site.err;
  EXPECT_FALSE(contains(other_site.err, "of -")) << other_site.err;
  EXPECT_FALSE(contains(other_site.err, "  ")) << other_site.err;

  const ProcessResult installed = air_gapped(on(
      laptop, {"offline", "install", file("no-licensee.nlsite").string(), "--site-id", "acme-hq"}));
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_TRUE(contains(installed.out, "Installed the site license for site acme-hq."))
      << installed.out;
  EXPECT_FALSE(contains(installed.out, "of -")) << installed.out;
  EXPECT_FALSE(contains(installed.out, "  ")) << installed.out;
}

TEST_F(OfflineWording, AFullLicenseTellsSupportHowToFreeASeatByReceipt) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  request(machine("laptop-wifi-docker"), license.key, file("first.nlreq"));
  respond(file("first.nlreq"), file("first.nlres"));
  request(machine("desktop-two-nics"), license.key, file("second.nlreq"));

  const ProcessResult full = respond_run(file("second.nlreq"), file("second.nlres"));
  EXPECT_EQ(full.exit_code, 1);
  EXPECT_TRUE(contains(full.err, "No activations left: 1 of 1")) << full.err;
  EXPECT_TRUE(contains(full.err,
                       "`nodelock offline deactivate` on it, then `nodelock admin "
                       "deactivate --receipt FILE.nldeact`"))
      << full.err;
  EXPECT_TRUE(contains(full.err, "`nodelock admin devices --license " + license.id + "`"))
      << full.err;
  EXPECT_FALSE(contains(full.err, "ask support")) << full.err;
  EXPECT_FALSE(contains(full.err, "with `nodelock deactivate`")) << full.err;
}

}  // namespace
}  // namespace nodelock::offline::testing
