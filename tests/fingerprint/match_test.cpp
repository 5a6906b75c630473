// Matching a current fingerprint against the enrolled one under a policy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host_tree.h"
#include "nodelock/fingerprint/match.h"

namespace nodelock::fingerprint::testing {
namespace {

using ::testing::HasSubstr;

Fingerprint print_of(std::vector<Component> components) {
  Collected collected;
  collected.components = std::move(components);
  return hash_components(collected, "acme");
}

const std::vector<Component> kLaptop = {
    {Kind::cpu, "GenuineIntel", "GenuineIntel|i7-1260P|6|154|3"},
    {Kind::disk, "nvme0n1", "S64KNX0T512345"},
    {Kind::mac, "wlp0s20f3", "f4:26:79:5a:b1:c2"},
    {Kind::machine_id, "/etc/machine-id", "7c3e9a51d2b84f06a1e5c9d8b3f2a604"},
    {Kind::board, "product_uuid", "b5e1c3d2-2a7f-11b2-a85c-f1d3c0e9a7b4"},
};

std::vector<Component> with_value(std::vector<Component> components, Kind kind,
                                  const std::string& value) {
  for (Component& component : components) {
    if (component.kind == kind) component.value = value;
  }
  return components;
}

std::vector<Component> without(std::vector<Component> components, Kind kind) {
  components.erase(std::remove_if(components.begin(), components.end(),
                                  [kind](const Component& c) { return c.kind == kind; }),
                   components.end());
  return components;
}

TEST(Match, ReplacedDiskIsExplainedForSupport) {
  const MatchResult result =
      match(print_of(kLaptop), print_of(with_value(kLaptop, Kind::disk, "S64KNX0T999999")),
            MatchPolicy::standard());
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.state(Kind::disk), KindState::changed);
  EXPECT_EQ(result.score(), 9);
  EXPECT_EQ(result.threshold(), 6);
  EXPECT_EQ(result.explanation(), "disk changed, 4 of 5 still match (score 9, threshold 6)");
}

TEST(Match, IdenticalMachinesMatchFully) {
  const MatchResult result = match(print_of(kLaptop), print_of(kLaptop), MatchPolicy::standard());
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.score(), 12);
  EXPECT_EQ(result.explanation(), "5 of 5 match (score 12, threshold 6)");
  EXPECT_EQ(result.state(Kind::dongle), KindState::absent);
}

TEST(Match, MissingAndNewKindsAreNamed) {
  std::vector<Component> current = without(kLaptop, Kind::board);
  current.push_back({Kind::dongle, "nldg", "NLDG-0042"});
  const MatchResult result = match(print_of(kLaptop), print_of(current), MatchPolicy::standard());
  EXPECT_EQ(result.state(Kind::board), KindState::missing);
  EXPECT_EQ(result.state(Kind::dongle), KindState::added);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.explanation(),
            "board missing, dongle new, 4 of 5 still match (score 9, threshold 6)");
}

TEST(Match, OneSharedValueMatchesAKindOfSeveral) {
  std::vector<Component> enrolled = kLaptop;
  enrolled.push_back({Kind::mac, "enp0s31f6", "54:05:db:12:34:56"});
  std::vector<Component> current = with_value(enrolled, Kind::mac, "00:e0:4c:68:0a:1b");
  current.push_back({Kind::mac, "enp0s31f6", "54:05:db:12:34:56"});
  EXPECT_EQ(match(print_of(enrolled), print_of(current), MatchPolicy::standard()).state(Kind::mac),
            KindState::matched);
}

TEST(Match, OnlyCpuAndACloneOfTheImageIsAnotherMachine) {
  std::vector<Component> other = with_value(kLaptop, Kind::disk, "S64KNX0T000001");
  other = with_value(other, Kind::mac, "f4:26:79:00:00:01");
  other = with_value(other, Kind::board, "b5e1c3d2-2a7f-11b2-a85c-000000000001");
  const MatchResult result = match(print_of(kLaptop), print_of(other), MatchPolicy::standard());
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.score(), 3);
  EXPECT_EQ(result.explanation(),
            "no match: disk changed, mac changed, board changed, 2 of 5 still match (score 3, "
            "threshold 6)");
}

TEST(Match, RequiredKindMustMatchWhateverTheScore) {
  std::vector<Component> enrolled = kLaptop;
  enrolled.push_back({Kind::dongle, "nldg", "NLDG-0042"});
  MatchPolicy policy = MatchPolicy::standard();
  policy.required[kind_index(Kind::dongle)] = true;
  const MatchResult unplugged = match(print_of(enrolled), print_of(kLaptop), policy);
  EXPECT_FALSE(unplugged.ok());
  EXPECT_EQ(unplugged.score(), 12);
  EXPECT_THAT(unplugged.explanation(), HasSubstr("dongle missing (required)"));
  EXPECT_TRUE(match(print_of(enrolled), print_of(enrolled), policy).ok());
}

TEST(Match, RequiredKindAbsentFromBothStillFails) {
  MatchPolicy policy = MatchPolicy::standard();
  policy.required[kind_index(Kind::dongle)] = true;
  const MatchResult result = match(print_of(kLaptop), print_of(kLaptop), policy);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.explanation(), HasSubstr("dongle missing (required)"));
}

TEST(Match, DonglePolicyLetsTheLicenseFollowTheDongle) {
  const std::vector<Component> container = {{Kind::cpu, "GenuineIntel", "x"},
                                            {Kind::dongle, "nldg", "NLDG-0042"}};
  std::vector<Component> moved = container;
  moved[0].value = "another cpu";
  EXPECT_TRUE(match(print_of(container), print_of(moved), MatchPolicy::dongle_required()).ok());
  EXPECT_FALSE(match(print_of(container), print_of(without(container, Kind::dongle)),
                     MatchPolicy::dongle_required())
                   .ok());
  EXPECT_FALSE(match(print_of(container), print_of(moved), MatchPolicy::standard()).ok());
}

TEST(Match, InvalidPolicyNeverMatches) {
  MatchPolicy anything_goes = MatchPolicy::standard();
  anything_goes.threshold = 0;
  const MatchResult result = match(print_of(kLaptop), print_of(kLaptop), anything_goes);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.explanation(), HasSubstr("policy is not valid"));
  MatchPolicy negative = MatchPolicy::standard();
  negative.weights[kind_index(Kind::disk)] = -50;
  EXPECT_FALSE(match(print_of(kLaptop), print_of(kLaptop), negative).ok());
}

TEST(Match, ChangedEnvironmentAloneDoesNotBreakAMatch) {
  Collected enrolled;
  enrolled.components = kLaptop;
  Collected current = enrolled;
  current.environment = {EnvironmentType::virtual_machine, "kvm"};
  EXPECT_TRUE(match(hash_components(enrolled, "acme"), hash_components(current, "acme"),
                    MatchPolicy::standard())
                  .ok());
}

TEST(CheckPolicy, RefusesPoliciesThatBindToNothing) {
  MatchPolicy policy = MatchPolicy::standard();
  EXPECT_TRUE(check_policy(policy).ok());
  policy.threshold = 1;
  EXPECT_EQ(check_policy(policy).code(), ErrorCode::invalid_argument);
  policy.threshold = 16;
  EXPECT_FALSE(check_policy(policy).ok());
  policy.threshold = 15;
  EXPECT_TRUE(check_policy(policy).ok());
  policy.weights[kind_index(Kind::board)] = 101;
  EXPECT_FALSE(check_policy(policy).ok());
}

TEST(BindingShortfall, StrongMachineCanBeBound) {
  EXPECT_FALSE(binding_shortfall(print_of(kLaptop), MatchPolicy::standard()).has_value());
}

TEST(BindingShortfall, WeakMachineIsToldWhatToDo) {
  const auto shortfall = binding_shortfall(
      print_of({{Kind::cpu, "c", "x"}, {Kind::machine_id, "/etc/machine-id", "y"}}),
      MatchPolicy::standard());
  ASSERT_TRUE(shortfall.has_value());
  EXPECT_EQ(*shortfall,
            "this machine offers too little to bind a license to: cpu, machine_id weigh 3 of the "
            "6 the policy needs; bind the license to a dongle or use a floating license");
}

TEST(BindingShortfall, MissingRequiredKindIsNamed) {
  const auto shortfall = binding_shortfall(print_of(kLaptop), MatchPolicy::dongle_required());
  ASSERT_TRUE(shortfall.has_value());
  EXPECT_THAT(*shortfall, HasSubstr("requires dongle"));
}

}  // namespace
}  // namespace nodelock::fingerprint::testing
