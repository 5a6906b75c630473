// Self-service end to end: the license holder runs the built `nodelock` with
// only the license key against a real server, beside simulated machines
// (fixture system trees) activated with the same key: listing the machines,
// and releasing a lost one's seat.
#include <string>
#include <vector>

#include "nodelock/activation/license_key.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class SelfServiceCliTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    support_ = support_token();
  }

  // `nodelock <words> --server URL --key KEY`, as the holder runs it.
  ProcessResult holder(const std::string& words, const std::string& key) {
    return run_shell(nodelock_binary().string() + " " + words + " --server " + server_.url() +
                     " --key '" + key + "'");
  }

  Reply list_devices(const nlohmann::json& body) {
    return anonymous().post("/v1/self-service/devices", body);
  }

  // A raw body posted to `path`, and the refusal it must get.
  struct BadBody {
    std::string body;
    int status;
    std::string code;
  };
  void expect_refused(const std::string& path, const std::vector<BadBody>& cases) {
    for (const BadBody& bad : cases) {
      Reply refused = anonymous().post_raw(path, bad.body);
      EXPECT_EQ(refused.status, bad.status)
          << bad.body.substr(0, 80) << ": " << refused.body.dump();
      EXPECT_EQ(refused.code(), bad.code) << bad.body.substr(0, 80);
    }
  }

  std::string activated(const Machine& machine, const std::string& key, const char* field) {
    ProcessResult run = activate(machine, key);
    EXPECT_EQ(run.exit_code, 0) << run.out;
    return json_of(run).value(field, "");
  }

  std::string support_;
};

TEST_F(SelfServiceCliTest, TheKeyAloneListsTheLicensesMachinesAndNothingElse) {
  const IssuedKey key = license("--max-activations 3 --licensee 'Example Ltd'");
  const IssuedKey other = license("--max-activations 1");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  const Machine elsewhere{kVirtualMachine, {}};
  const nlohmann::json on_laptop = json_of(activate(laptop, key.key));
  const nlohmann::json on_desktop = json_of(activate(desktop, key.key));
  const nlohmann::json on_other = json_of(activate(elsewhere, other.key));
  ASSERT_TRUE(on_laptop.contains("machine_id") && on_desktop.contains("machine_id") &&
              on_other.contains("machine_id"));

  ProcessResult listed = holder("devices", key.key);
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  for (const nlohmann::json& shown :
       {on_laptop["machine_id"], on_desktop["machine_id"], on_laptop["activation_id"],
        nlohmann::json("Example Ltd"), nlohmann::json("2 of 3 seats in use"),
        nlohmann::json("active  online")}) {
    EXPECT_NE(listed.out.find(shown.get<std::string>()), std::string::npos)
        << shown << " in " << listed.out;
  }
  EXPECT_EQ(listed.out.find(on_other["machine_id"].get<std::string>()), std::string::npos);

  // Typed as people type it: lower case, no dashes.
  std::string typed;
  for (char c : key.key) {
    if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  ProcessResult json = holder("devices --json", typed);
  ASSERT_EQ(json.exit_code, 0) << json.out;
  const nlohmann::json listing = json_of(json);
  EXPECT_EQ(listing["license"]["id"], key.id);
  EXPECT_EQ(listing["license"]["seats"], nlohmann::json({{"used", 2}, {"max", 3}}));
  EXPECT_EQ(listing["license"]["key_hint"], "…-" + key.key.substr(key.key.size() - 5));
  ASSERT_EQ(listing["devices"].size(), 2u) << json.out;
  for (const auto& device : listing["devices"]) {
    std::vector<std::string> fields;
    for (const auto& field : device.items()) fields.push_back(field.key());
    EXPECT_EQ(fields, (std::vector<std::string>{"activated_at", "hostname", "id", "last_seen_at",
                                                "machine_id", "mode", "status"}));
  }
  for (const char* secret : {"fingerprint", "device_public_key", "key_hash", "\"user\""}) {
    EXPECT_EQ(json.out.find(secret), std::string::npos) << secret << " in " << json.out;
  }
  EXPECT_EQ(json.out.find(other.id), std::string::npos);
  EXPECT_EQ(json.out.find(key.key), std::string::npos) << "the key is not repeated back";
}

TEST_F(SelfServiceCliTest, TheListingReadsEveryPage) {
  const IssuedKey key = license("--max-activations 1001");
  ApiClient client = anonymous();
  for (int i = 0; i < 1001; ++i) {
    const TestMachine machine;
    Reply granted =
        client.post("/v1/activations",
                    {{"request", machine.activation_request(key.key, "acme-cad", unix_now())}});
    ASSERT_EQ(granted.status, 200) << granted.body.dump();
  }
  ProcessResult listed = holder("devices --json", key.key);
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_EQ(json_of(listed)["devices"].size(), 1001u);

  Reply first = list_devices({{"key", key.key}, {"limit", 1000}});
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["devices"].size(), 1000u);
  ASSERT_TRUE(first.body.contains("next"));
  Reply rest = list_devices({{"key", key.key}, {"after", first.body["next"]}});
  ASSERT_EQ(rest.status, 200) << rest.body.dump();
  EXPECT_EQ(rest.body["devices"].size(), 1u);
  EXPECT_FALSE(rest.body.contains("next"));
}

TEST_F(SelfServiceCliTest, AWrongKeyIsRefusedAsActivationRefusesItAndCountsAsAGuess) {
  const IssuedKey key = license("--max-activations 1");
  const std::string unknown = LicenseKey::generate().text();
  const Machine laptop{kLaptop, {}};
  ProcessResult activation = activate(laptop, unknown);
  ProcessResult listing = holder("devices --json", unknown);
  EXPECT_EQ(listing.exit_code, 1);
  EXPECT_EQ(json_of(listing)["error"], json_of(activation)["error"]) << "the same refusal";
  EXPECT_EQ(json_of(listing)["error"]["code"], "not_found");

  // A typo is told on the spot, without the server: none is listening here.
  std::string typo = key.key;
  typo[3] = typo[3] == '7' ? '8' : '7';
  ProcessResult mistyped = run_shell(nodelock_binary().string() +
                                     " devices --json --server http://127.0.0.1:1 --key " + typo);
  EXPECT_EQ(mistyped.exit_code, 1);
  EXPECT_EQ(json_of(mistyped)["error"]["code"], "invalid_key") << mistyped.out;

  // One allowance of guesses per address for activation and self-service
  // together: one wrong activation and one listing spent two of ten.
  for (int guess = 0; guess < 8; ++guess) {
    EXPECT_EQ(list_devices({{"key", LicenseKey::generate().text()}}).code(), "not_found")
        << "guess " << guess;
  }
  Reply limited = list_devices({{"key", key.key}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.code(), "rate_limited");
  EXPECT_FALSE(limited.retry_after.empty());
  ProcessResult refused = holder("devices --json", key.key);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(json_of(refused)["error"]["code"], "rate_limited");
  EXPECT_EQ(json_of(activate(laptop, key.key))["error"]["code"], "rate_limited")
      << "activation from the same address is slowed too";
}

TEST_F(SelfServiceCliTest, TheDeviceListingRefusesBadInput) {
  const IssuedKey key = license("--max-activations 2");
  const Machine laptop{kLaptop, {}};
  ASSERT_EQ(activate(laptop, key.key).exit_code, 0);
  const std::string k = "\"key\": \"" + key.key + "\"";
  const std::vector<BadBody> cases = {
      {"", 400, "malformed"},
      {"[]", 400, "malformed"},
      {"{}", 400, "malformed"},
      {"{\"key\": 12345}", 400, "malformed"},
      {"{\"key\": null}", 400, "malformed"},
      {"{" + k + ", \"limit\": \"10\"}", 400, "malformed"},
      {"{" + k + ", \"limit\": 1.5}", 400, "malformed"},
      {"{" + k + ", \"after\": 7}", 400, "malformed"},
      {"{" + k + ", \"license\": \"" + key.id + "\"}", 400, "malformed"},
      {"{" + k + ", \"limit\": 0}", 400, "invalid_argument"},
      {"{" + k + ", \"limit\": 1001}", 400, "invalid_argument"},
      {"{" + k + ", \"limit\": 99999999999999}", 400, "malformed"},
      {"{" + k + ", \"after\": \"act_nothing\"}", 400, "invalid_argument"},
      {"{\"key\": \"not a key\"}", 400, "invalid_key"},
      {"{" + k + ", \"pad\": \"" + std::string(70 * 1024, 'x') + "\"}", 413, "payload_too_large"},
  };
  expect_refused("/v1/self-service/devices", cases);
  // An admin token is no license key.
  ApiClient with_token(server_.url(), server_.admin_token());
  EXPECT_EQ(with_token.post("/v1/self-service/devices", nlohmann::json::object()).code(),
            "malformed");
  EXPECT_EQ(holder("devices", "").exit_code, 2) << "an empty --key is no key";
  EXPECT_EQ(run_shell(nodelock_binary().string() + " devices --key " + key.key).exit_code, 2)
      << "--server is required";
  EXPECT_EQ(run_shell(nodelock_binary().string() + " devices --server " + server_.url()).exit_code,
            2)
      << "--key is required";
}

// The stolen laptop, with support closed: the holder releases it with the key
// alone, a new machine takes its seat, and the laptop is refused from then on.
TEST_F(SelfServiceCliTest, TheHolderReleasesALostLaptopAndANewMachineTakesItsSeat) {
  const IssuedKey key = license("--max-activations 1 --self-service-releases-per-month 2");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  const nlohmann::json on_laptop = json_of(activate(laptop, key.key));
  const std::string laptop_id = on_laptop.value("machine_id", "");
  const std::string laptop_seat = on_laptop.value("activation_id", "");
  ASSERT_FALSE(laptop_id.empty() || laptop_seat.empty()) << on_laptop.dump();
  EXPECT_EQ(activate(desktop, key.key).exit_code, 1) << "the license is full";

  ProcessResult released = holder("release-device --device " + laptop_id, key.key);
  ASSERT_EQ(released.exit_code, 0) << released.out;
  for (const std::string& said : {"Released " + laptop_id, std::string("0 of 1 seats in use"),
                                  std::string("1 of 2 self-service releases left in 30 days")}) {
    EXPECT_NE(released.out.find(said), std::string::npos) << said << " in " << released.out;
  }
  EXPECT_FALSE(activated(desktop, key.key, "activation_id").empty());

  expect_refused_from_now_on(laptop, "seat_released", "the license holder released",
                             "not_activated");

  const nlohmann::json listing = json_of(holder("devices --json", key.key));
  ASSERT_EQ(listing["devices"].size(), 2u);
  EXPECT_EQ(listing["devices"][0]["status"], "released");
  ProcessResult for_support =
      admin_cli("devices --license " + key.id + " --state released", support_);
  EXPECT_EQ(for_support.exit_code, 0);
  EXPECT_NE(for_support.out.find(laptop_id), std::string::npos) << for_support.out;

  const auto releases = audit_entries("activation.release");
  ASSERT_EQ(releases.size(), 1u);
  EXPECT_EQ(releases[0]["actor"], "license_holder");
  EXPECT_EQ(releases[0]["subject"], laptop_seat);
  EXPECT_EQ(releases[0]["after"]["status"], "released");
  EXPECT_EQ(json_of(admin_cli("audit verify --json"))["intact"], true);
}

TEST_F(SelfServiceCliTest, TheReleaseJsonAndTheLastReleaseOfTheMonth) {
  const IssuedKey key = license("--max-activations 2 --self-service-releases-per-month 1");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  const std::string laptop_seat = activated(laptop, key.key, "activation_id");
  const std::string desktop_seat = activated(desktop, key.key, "activation_id");

  ProcessResult released = holder("release-device --json --device " + laptop_seat, key.key);
  ASSERT_EQ(released.exit_code, 0) << released.out;
  const nlohmann::json answer = json_of(released);
  EXPECT_EQ(answer["released"]["id"], laptop_seat);
  EXPECT_EQ(answer["released"]["status"], "released");
  EXPECT_EQ(answer["license"]["seats"], nlohmann::json({{"used", 1}, {"max", 2}}));
  EXPECT_EQ(answer["releases"]["allowed"], 1);
  EXPECT_EQ(answer["releases"]["made"], 1);
  EXPECT_EQ(answer["releases"]["window_days"], 30);
  EXPECT_TRUE(answer["releases"].contains("next_possible_at"));
  for (const char* secret : {"fingerprint", "device_public_key", "key_hash"}) {
    EXPECT_EQ(released.out.find(secret), std::string::npos) << secret;
  }

  ProcessResult spent = holder("release-device --json --device " + desktop_seat, key.key);
  EXPECT_EQ(spent.exit_code, 1);
  EXPECT_EQ(json_of(spent)["error"]["code"], "forbidden");
  EXPECT_NE(json_of(spent)["error"].value("message", "").find("support can still reset"),
            std::string::npos)
      << spent.out;
  EXPECT_EQ(on(desktop, "refresh").exit_code, 0) << "the refused release changed nothing";
}

TEST_F(SelfServiceCliTest, TheAllowanceIsShownAndSetByStaff) {
  const IssuedKey key = license("--max-activations 2");
  ProcessResult shown = admin_cli("license show " + key.id, support_);
  EXPECT_NE(shown.out.find("the license holder may list machines, not release them"),
            std::string::npos)
      << shown.out;

  ProcessResult by_support =
      admin_cli("license set-self-service " + key.id + " --releases-per-month 2 --json", support_);
  EXPECT_EQ(by_support.exit_code, 1);
  EXPECT_EQ(json_of(by_support)["error"]["code"], "forbidden") << by_support.out;
  ProcessResult by_admin =
      admin_cli("license set-self-service " + key.id + " --releases-per-month 2");
  ASSERT_EQ(by_admin.exit_code, 0) << by_admin.out;
  EXPECT_NE(by_admin.out.find("release 2 machines in any 30 days"), std::string::npos)
      << by_admin.out;
  EXPECT_NE(admin_cli("license show " + key.id).out.find("may release 2 machines in 30 days"),
            std::string::npos);
  EXPECT_EQ(admin_cli("license set-self-service " + key.id + " --releases-per-month 1", support_)
                .exit_code,
            0)
      << "support may lower it";
  for (const char* bad : {"-1", "two", "1.5", ""}) {
    EXPECT_EQ(admin_cli("license set-self-service " + key.id + " --releases-per-month '" +
                        std::string(bad) + "'")
                  .exit_code,
              2)
        << bad;
  }
  const auto changes = audit_entries("license.self_service");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0]["before"]["self_service_releases_per_month"], 0);
  EXPECT_EQ(changes[0]["after"]["self_service_releases_per_month"], 2);
}

TEST_F(SelfServiceCliTest, TheReleaseRefusesBadInputAndChangesNothing) {
  const IssuedKey key = license("--max-activations 2 --self-service-releases-per-month 5");
  const Machine laptop{kLaptop, {}};
  const std::string seat = activated(laptop, key.key, "activation_id");
  const std::string k = "\"key\": \"" + key.key + "\"";
  const std::vector<BadBody> cases = {
      {"", 400, "malformed"},
      {"{" + k + "}", 400, "malformed"},
      {"{" + k + ", \"device\": 7}", 400, "malformed"},
      {"{" + k + ", \"device\": null}", 400, "malformed"},
      {"{" + k + ", \"device\": [\"" + seat + "\"]}", 400, "malformed"},
      {"{" + k + ", \"device\": \"" + seat + "\", \"override\": true}", 400, "malformed"},
      {"{" + k + ", \"device\": \"laptop\"}", 400, "invalid_argument"},
      {"{\"device\": \"" + seat + "\"}", 400, "malformed"},
      {"{\"key\": \"" + LicenseKey::generate().text() + "\", \"device\": \"" + seat + "\"}", 404,
       "not_found"},
      {"{" + k + ", \"device\": \"" + std::string(70 * 1024, 'x') + "\"}", 413,
       "payload_too_large"},
  };
  expect_refused("/v1/self-service/release", cases);
  EXPECT_EQ(on(laptop, "refresh").exit_code, 0) << "nothing was released";
  EXPECT_TRUE(audit_entries("activation.release").empty());
  EXPECT_EQ(holder("release-device", key.key).exit_code, 2) << "--device is required";
}

}  // namespace
}  // namespace nodelock::server::testing
