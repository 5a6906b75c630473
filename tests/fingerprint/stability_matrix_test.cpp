// The promises of the default policy across real kinds of host: ordinary life
// (docker, a VPN, a USB NIC, Wi-Fi off, MAC randomisation, a kernel update, one
// replaced disk or NIC) keeps a machine's license, and no two different
// machines, not even two units of one model from one image, match each other.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "host_tree.h"
#include "nodelock/fingerprint/match.h"

namespace nodelock::fingerprint::testing {
namespace {

// Hosts that expose too little to bind to under the standard policy; every
// other fixture must be bindable.
bool weak_by_nature(const std::string& host) {
  return host == "docker-container" || host == "sandbox-kvm-guest";
}

struct MatrixCase {
  std::string host;
  BenignChange change;
};

void PrintTo(const MatrixCase& c, std::ostream* out) { *out << c.host << " + " << c.change.name; }

std::vector<MatrixCase> matrix() {
  std::vector<MatrixCase> cases;
  for (const std::string& host : host_names()) {
    for (const BenignChange& change : benign_changes()) cases.push_back({host, change});
  }
  return cases;
}

class StabilityMatrix : public ::testing::TestWithParam<MatrixCase> {};

TEST_P(StabilityMatrix, BenignChangeKeepsTheMachineValid) {
  const MatrixCase& c = GetParam();
  const Fingerprint enrolled = fingerprint_of(fixture_hosts() / c.host);
  HostTree tree(c.host);
  c.change.apply(tree);
  const Fingerprint current = fingerprint_of(tree.root());

  if (c.change.replaces_disk && enrolled.has(Kind::disk)) {
    EXPECT_EQ(match(enrolled, current, MatchPolicy::standard()).state(Kind::disk),
              KindState::changed)
        << "the change did not replace the disk";
  }
  if (c.change.replaces_nic && enrolled.has(Kind::mac)) {
    EXPECT_NE(enrolled, current) << "the change did not replace a NIC";
  }

  const MatchResult result = match(enrolled, current, MatchPolicy::standard());
  if (weak_by_nature(c.host)) {
    // Never bound in the first place (activation refuses), so nothing can match it.
    EXPECT_TRUE(binding_shortfall(enrolled, MatchPolicy::standard()).has_value());
    EXPECT_FALSE(result.ok()) << "a machine too weak to bind to matched: " << result.explanation();
  } else {
    EXPECT_FALSE(binding_shortfall(enrolled, MatchPolicy::standard()).has_value());
    EXPECT_TRUE(result.ok()) << result.explanation();
  }
}

TEST_P(StabilityMatrix, MachineIdSurvivesEverythingButADiskSwap) {
  const MatrixCase& c = GetParam();
  if (c.change.replaces_disk || c.change.renews_machine_id) {
    GTEST_SKIP() << "the disk and the machine-id name the machine";
  }
  const Fingerprint enrolled = fingerprint_of(fixture_hosts() / c.host);
  HostTree tree(c.host);
  c.change.apply(tree);
  EXPECT_EQ(fingerprint_of(tree.root()).machine_id(), enrolled.machine_id());
}

INSTANTIATE_TEST_SUITE_P(Hosts, StabilityMatrix, ::testing::ValuesIn(matrix()),
                         [](const ::testing::TestParamInfo<MatrixCase>& param) {
                           std::string name = param.param.host + "_" + param.param.change.name;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(Distinctness, NoTwoDifferentHostsMatchEitherWay) {
  const auto hosts = host_names();
  ASSERT_GE(hosts.size(), 7u);
  for (const std::string& a : hosts) {
    for (const std::string& b : hosts) {
      if (a == b) continue;
      const MatchResult result =
          match(fingerprint_of(fixture_hosts() / a), fingerprint_of(fixture_hosts() / b),
                MatchPolicy::standard());
      EXPECT_FALSE(result.ok()) << a << " enrolled matched " << b << ": " << result.explanation();
    }
  }
}

TEST(Distinctness, TwinOfTheSameModelAndImageSharesOnlyCpuAndMachineId) {
  const MatchResult result =
      match(fingerprint_of(fixture_hosts() / "laptop-wifi-docker"),
            fingerprint_of(fixture_hosts() / "laptop-wifi-docker-twin"), MatchPolicy::standard());
  EXPECT_EQ(result.state(Kind::cpu), KindState::matched);
  EXPECT_EQ(result.state(Kind::machine_id), KindState::matched);
  EXPECT_EQ(result.state(Kind::disk), KindState::changed);
  EXPECT_EQ(result.state(Kind::mac), KindState::changed);
  EXPECT_EQ(result.state(Kind::board), KindState::changed);
  EXPECT_FALSE(result.ok());
}

TEST(Distinctness, MachineIdsDifferAcrossHosts) {
  std::set<std::string> ids;
  for (const std::string& host : host_names()) {
    ids.insert(fingerprint_of(fixture_hosts() / host).machine_id());
  }
  EXPECT_EQ(ids.size(), host_names().size());
}

}  // namespace
}  // namespace nodelock::fingerprint::testing
