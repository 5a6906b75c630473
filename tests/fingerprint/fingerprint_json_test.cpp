// The JSON forms of fingerprints and match policies: they arrive from the
// network inside documents, so the parsers refuse anything but the exact shape.
#include <gtest/gtest.h>

#include "host_tree.h"

namespace nodelock::fingerprint::testing {
namespace {

using nlohmann::json;

const std::string kHash(64, 'a');

json component(const std::string& kind, const std::string& label, const std::string& hash) {
  return {{"kind", kind}, {"label", label}, {"hash", hash}};
}

json document_with(json components) {
  return {{"components", std::move(components)},
          {"environment", {{"type", "virtual_machine"}, {"name", "kvm"}}}};
}

void expect_malformed(const json& document, const std::string& why) {
  const auto parsed = fingerprint_from_json(document);
  ASSERT_FALSE(parsed.ok()) << why;
  EXPECT_EQ(parsed.code(), ErrorCode::malformed) << why;
}

TEST(FingerprintJson, RoundTripsEveryHost) {
  for (const std::string& host : host_names()) {
    const Fingerprint print = fingerprint_of(fixture_hosts() / host);
    const auto parsed = fingerprint_from_json(json::parse(to_json(print).dump()));
    ASSERT_TRUE(parsed.ok()) << host << ": " << parsed.message();
    EXPECT_EQ(*parsed, print) << host;
    EXPECT_EQ(parsed->machine_id(), print.machine_id());
  }
}

TEST(FingerprintJson, HasTheDocumentedShape) {
  Collected collected;
  collected.components = {{Kind::disk, "vda", "serial"}};
  collected.environment = {EnvironmentType::virtual_machine, "kvm"};
  const json out = to_json(hash_components(collected, "p"));
  ASSERT_EQ(out["components"].size(), 1u);
  EXPECT_EQ(out["components"][0]["kind"], "disk");
  EXPECT_EQ(out["components"][0]["label"], "vda");
  EXPECT_EQ(out["components"][0]["hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(out["environment"], (json{{"type", "virtual_machine"}, {"name", "kvm"}}));
}

TEST(FingerprintJson, AcceptsAWellFormedDocumentFromOutside) {
  const auto parsed = fingerprint_from_json(document_with(json::array(
      {component("disk", "vda", kHash), component("mac", "eth0", std::string(64, 'b'))})));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_TRUE(parsed->has(Kind::disk));
  EXPECT_EQ(parsed->environment().name, "kvm");
}

TEST(FingerprintJson, RefusesWrongShapes) {
  expect_malformed(json::array(), "not an object");
  expect_malformed(json("text"), "a string");
  expect_malformed(json{{"components", json::array()}}, "no environment");
  expect_malformed(json{{"environment", {{"type", "container"}, {"name", "docker"}}}},
                   "no components");
  json extra = document_with(json::array());
  extra["hostname"] = "build-7";
  expect_malformed(extra, "unknown top-level field");
  expect_malformed(document_with(json::object()), "components is an object");
  expect_malformed(document_with(json::array({"disk"})), "component is a string");
}

TEST(FingerprintJson, RefusesBadComponents) {
  const std::pair<json, std::string> cases[] = {
      {component("tpm", "tpm0", kHash), "unknown kind"},
      {component("DISK", "vda", kHash), "kind in upper case"},
      {{{"kind", 1}, {"label", "vda"}, {"hash", kHash}}, "kind is a number"},
      {component("disk", "vda", std::string(64, 'A')), "upper-case hex"},
      {component("disk", "vda", std::string(62, 'a')), "short hash"},
      {component("disk", "vda", std::string(66, 'a')), "long hash"},
      {component("disk", "vda", std::string(63, 'a') + "g"), "not hex"},
      {component("disk", "", kHash), "empty label"},
      {component("disk", std::string(65, 'x'), kHash), "label too long"},
      {component("disk", "vd\na", kHash), "label with a control character"},
      {component("disk", "v\xc3\xa9", kHash), "label not ASCII"},
      {{{"kind", "disk"}, {"label", 7}, {"hash", kHash}}, "label is a number"},
      {{{"kind", "disk"}, {"label", "vda"}}, "no hash"},
      {{{"kind", "disk"}, {"label", "vda"}, {"hash", kHash}, {"value", "S1"}}, "extra field"},
      {{{"kind", "disk"}, {"label", "vda"}, {"hash", json::array()}}, "hash is an array"},
  };
  for (const auto& [bad, why] : cases) expect_malformed(document_with(json::array({bad})), why);
}

TEST(FingerprintJson, RefusesRepeatedAndTooManyComponents) {
  expect_malformed(document_with(json::array(
                       {component("disk", "vda", kHash), component("disk", "vdb", kHash)})),
                   "same kind and hash twice");
  json many = json::array();
  for (std::size_t i = 0; i <= max_components; ++i) {
    std::string hash = std::to_string(i);
    hash.insert(0, 64 - hash.size(), '0');
    many.push_back(component("mac", "eth" + std::to_string(i), hash));
  }
  expect_malformed(document_with(many), "one component more than allowed");
  many.erase(many.end() - 1);
  EXPECT_TRUE(fingerprint_from_json(document_with(many)).ok());
}

TEST(FingerprintJson, RefusesBadEnvironments) {
  const std::pair<json, std::string> cases[] = {
      {{{"type", "cloud"}, {"name", "aws"}}, "unknown type"},
      {{{"type", "container"}}, "no name"},
      {{{"type", "container"}, {"name", "Docker Desktop"}}, "name with upper case and space"},
      {{{"type", "container"}, {"name", std::string(33, 'a')}}, "name too long"},
      {{{"type", "container"}, {"name", "docker"}, {"host", "x"}}, "extra field"},
      {{{"type", 2}, {"name", "docker"}}, "type is a number"},
      {json::array(), "environment is an array"},
  };
  for (const auto& [bad, why] : cases) {
    expect_malformed(json{{"components", json::array()}, {"environment", bad}}, why);
  }
}

TEST(PolicyJson, StandardAndDonglePoliciesRoundTrip) {
  for (const MatchPolicy& policy : {MatchPolicy::standard(), MatchPolicy::dongle_required()}) {
    const auto parsed = match_policy_from_json(json::parse(to_json(policy).dump()));
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    EXPECT_EQ(*parsed, policy);
  }
  EXPECT_EQ(to_json(MatchPolicy::standard()),
            json::parse(R"({"required":[],"threshold":6,"weights":{"board":3,"cpu":1,"disk":3,)"
                        R"("dongle":3,"mac":3,"machine_id":2}})"));
}

TEST(PolicyJson, AbsentKindsWeighNothing) {
  const auto parsed = match_policy_from_json(
      json::parse(R"({"weights":{"disk":5,"board":5},"threshold":5,"required":["disk"]})"));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(parsed->weight(Kind::cpu), 0);
  EXPECT_EQ(parsed->weight(Kind::disk), 5);
  EXPECT_TRUE(parsed->is_required(Kind::disk));
}

TEST(PolicyJson, RefusesBadPolicies) {
  const std::pair<const char*, std::string> cases[] = {
      {R"([])", "not an object"},
      {R"({"weights":{"disk":3},"threshold":3})", "no required"},
      {R"({"weights":{"disk":3},"required":[]})", "no threshold"},
      {R"({"threshold":3,"required":[]})", "no weights"},
      {R"({"weights":{"disk":3},"threshold":3,"required":[],"grace":1})", "unknown field"},
      {R"({"weights":[3],"threshold":3,"required":[]})", "weights an array"},
      {R"({"weights":{"tpm":3},"threshold":3,"required":[]})", "unknown kind"},
      {R"({"weights":{"disk":3.0},"threshold":3,"required":[]})", "float weight"},
      {R"({"weights":{"disk":"3"},"threshold":3,"required":[]})", "string weight"},
      {R"({"weights":{"disk":true},"threshold":1,"required":[]})", "boolean weight"},
      {R"({"weights":{"disk":-3},"threshold":3,"required":[]})", "negative weight"},
      {R"({"weights":{"disk":101},"threshold":3,"required":[]})", "weight over 100"},
      {R"({"weights":{"disk":3},"threshold":0,"required":[]})", "zero threshold: anything matches"},
      {R"({"weights":{"disk":3},"threshold":-1,"required":[]})", "negative threshold"},
      {R"({"weights":{"disk":3},"threshold":2.5,"required":[]})", "float threshold"},
      {R"({"weights":{"disk":3},"threshold":18446744073709551615,"required":[]})", "huge"},
      {R"({"weights":{"disk":3},"threshold":4,"required":[]})", "threshold out of reach"},
      {R"({"weights":{"cpu":2,"disk":3},"threshold":2,"required":[]})", "cpu alone reaches it"},
      {R"({"weights":{"disk":3},"threshold":3,"required":"disk"})", "required a string"},
      {R"({"weights":{"disk":3},"threshold":3,"required":["tpm"]})", "required unknown"},
      {R"({"weights":{"disk":3},"threshold":3,"required":[1]})", "required a number"},
      {R"({"weights":{"disk":3},"threshold":3,"required":["disk","disk"]})", "repeated"},
  };
  for (const auto& [text, why] : cases) {
    const auto parsed = match_policy_from_json(json::parse(text));
    ASSERT_FALSE(parsed.ok()) << why;
    EXPECT_EQ(parsed.code(), ErrorCode::malformed) << why;
  }
}

TEST(PolicyJson, DefaultConstructedPolicyIsTheStandardOne) {
  EXPECT_EQ(MatchPolicy{}, MatchPolicy::standard());
  EXPECT_TRUE(check_policy(MatchPolicy{}).ok());
}

}  // namespace
}  // namespace nodelock::fingerprint::testing
