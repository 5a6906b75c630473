// `nodelock fingerprint` as support staff and installers run it: the built
// binary, on this machine and on each host fixture through --sysroot.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "host_tree.h"
#include "process.h"

namespace nodelock::fingerprint::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using nodelock::testing::ProcessResult;

ProcessResult nodelock(const std::vector<std::string>& words) {
  return nodelock::testing::run_nodelock(words);
}

nlohmann::json json_of(const std::vector<std::string>& words) {
  std::vector<std::string> with_json = words;
  with_json.push_back("--json");
  const ProcessResult run = nodelock(with_json);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  return nlohmann::json::parse(run.out);
}

TEST(FingerprintCommand, SameIdOnRepeatedRunsOnThisMachine) {
  const std::string first = json_of({"fingerprint"})["machine_id"];
  EXPECT_EQ(json_of({"fingerprint"})["machine_id"], first);
  EXPECT_EQ(json_of({"fingerprint"})["machine_id"], first);
}

TEST(FingerprintCommand, SameIdOnRepeatedRunsOnEachHostAndDifferentAcrossHosts) {
  std::set<std::string> ids;
  for (const std::string& host : host_names()) {
    const std::string sysroot = (fixture_hosts() / host).string();
    const std::string id = json_of({"fingerprint", "--sysroot", sysroot})["machine_id"];
    EXPECT_EQ(json_of({"fingerprint", "--sysroot", sysroot})["machine_id"], id) << host;
    EXPECT_EQ(id, fingerprint_of(fixture_hosts() / host, "default").machine_id()) << host;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), host_names().size());
}

TEST(FingerprintCommand, JsonCarriesAFingerprintTheStrictParserAccepts) {
  const nlohmann::json out = json_of(
      {"fingerprint", "--sysroot", (fixture_hosts() / "cloud-nvme").string(), "--product", "acme"});
  const auto print = fingerprint_from_json(out["fingerprint"]);
  ASSERT_TRUE(print.ok()) << print.message();
  EXPECT_EQ(*print, fingerprint_of(fixture_hosts() / "cloud-nvme", "acme"));
  EXPECT_EQ(out["product"], "acme");
  EXPECT_EQ(out["bindable"], true);
  EXPECT_FALSE(out.contains("raw"));
}

TEST(FingerprintCommand, RawValuesAppearOnlyWithRaw) {
  const std::string sysroot = (fixture_hosts() / "laptop-wifi-docker").string();
  const ProcessResult plain = nodelock({"fingerprint", "--sysroot", sysroot});
  ASSERT_EQ(plain.exit_code, 0);
  EXPECT_THAT(plain.out, HasSubstr("wlp0s20f3"));
  EXPECT_THAT(plain.out, HasSubstr("nvme0n1"));
  for (const char* secret :
       {"S64KNX0T512345", "f4:26:79:5a:b1:c2", "L1HF2AB01C7", "7c3e9a51d2b84f06a1e5c9d8b3f2a604"}) {
    EXPECT_THAT(plain.out, Not(HasSubstr(secret)));
    EXPECT_THAT(nodelock({"fingerprint", "--sysroot", sysroot, "--json"}).out,
                Not(HasSubstr(secret)));
    EXPECT_THAT(nodelock({"fingerprint", "--sysroot", sysroot, "--raw"}).out, HasSubstr(secret));
  }
}

TEST(FingerprintCommand, DefaultProductIsAnnouncedAndIdsDifferPerProduct) {
  const std::string sysroot = (fixture_hosts() / "desktop-two-nics").string();
  const ProcessResult plain = nodelock({"fingerprint", "--sysroot", sysroot});
  EXPECT_THAT(plain.out, HasSubstr("product-independent view; IDs differ per product"));
  const ProcessResult acme = nodelock({"fingerprint", "--sysroot", sysroot, "--product", "acme"});
  EXPECT_THAT(acme.out, Not(HasSubstr("product-independent")));
  EXPECT_NE(json_of({"fingerprint", "--sysroot", sysroot})["machine_id"],
            json_of({"fingerprint", "--sysroot", sysroot, "--product", "acme"})["machine_id"]);
}

TEST(FingerprintCommand, WeakHostGetsAPlainWarning) {
  const ProcessResult run =
      nodelock({"fingerprint", "--sysroot", (fixture_hosts() / "sandbox-kvm-guest").string()});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("container (docker)"));
  EXPECT_THAT(run.out, HasSubstr("warning: weak identity: this machine offers too little"));
}

TEST(FingerprintCommand, ShowsEnvironmentAndShortHashes) {
  const std::string sysroot = (fixture_hosts() / "kvm-virtio").string();
  const ProcessResult run = nodelock({"fingerprint", "--sysroot", sysroot, "--product", "acme"});
  EXPECT_THAT(run.out, HasSubstr("Environment:  virtual machine (kvm)"));
  const nlohmann::json out = json_of({"fingerprint", "--sysroot", sysroot, "--product", "acme"});
  for (const auto& component : out["fingerprint"]["components"]) {
    const std::string hash = component["hash"];
    EXPECT_THAT(run.out, HasSubstr(hash.substr(0, 8)));
    EXPECT_THAT(run.out, Not(HasSubstr(hash.substr(0, 9))));
  }
}

TEST(FingerprintCommand, BadSysrootOrFlagIsAUsageError) {
  EXPECT_EQ(
      nodelock({"fingerprint", "--sysroot", (fixture_hosts() / "no-such-host").string()}).exit_code,
      2);
  EXPECT_EQ(nodelock({"fingerprint", "--product"}).exit_code, 2);
  EXPECT_EQ(nodelock({"fingerprint", "--product", ""}).exit_code, 2);
  EXPECT_EQ(nodelock({"fingerprint", "--serials"}).exit_code, 2);
}

}  // namespace
}  // namespace nodelock::fingerprint::testing
