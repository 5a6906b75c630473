// `nodelock admin` refuses the words a subcommand does not use instead of
// ignoring them: `license suspend A B` used to suspend A and say nothing of B.
#include <algorithm>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

using AdminOperandsTest = ServerTest;

TEST_F(AdminOperandsTest, AnExtraLicenseIdIsAUsageErrorAndSuspendsNeither) {
  const IssuedKey first = license("--max-activations 2");
  const IssuedKey second = license("--max-activations 2");
  const std::size_t entries_before = json_of(admin_cli("audit list --json"))["entries"].size();
  const ProcessResult run = admin_cli("license suspend " + first.id + " " + second.id);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("admin license suspend takes one license id; '" + second.id +
                         "' is one too many"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("Usage: nodelock admin license suspend LICENSE_ID"), std::string::npos)
      << run.err;
  EXPECT_EQ(license_details(first.id).body["license"]["status"], "active");
  EXPECT_EQ(license_details(second.id).body["license"]["status"], "active");
  EXPECT_EQ(json_of(admin_cli("audit list --json"))["entries"].size(), entries_before);
}

TEST_F(AdminOperandsTest, ASubcommandThatTakesNoWordRefusesOne) {
  const IssuedKey issued = license("--max-activations 2");
  const std::vector<std::string> refused = {
      "product list extra", "devices --license " + issued.id + " act_1",
      "reset --device act_1 act_2", "audit verify now", "token list all"};
  for (const std::string& words : refused) {
    const ProcessResult run = admin_cli(words);
    EXPECT_EQ(run.exit_code, 2) << words << ": " << run.err;
    EXPECT_NE(run.err.find("takes no word after its name"), std::string::npos)
        << words << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 2) << words << ": " << run.err;
  }
}

TEST_F(AdminOperandsTest, TheOneOperandASubcommandTakesStillWorks) {
  const IssuedKey issued = license("--max-activations 2");
  EXPECT_EQ(admin_cli("license show " + issued.id).exit_code, 0);
  EXPECT_EQ(admin_cli("license suspend " + issued.id).exit_code, 0);
  EXPECT_EQ(license_details(issued.id).body["license"]["status"], "suspended");
  const ProcessResult missing = admin_cli("license resume");
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
}

}  // namespace
}  // namespace nodelock::server::testing
