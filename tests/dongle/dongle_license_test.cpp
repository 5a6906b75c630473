// Licenses bound to a dongle, end to end: the built `nodelock` activates
// against a real nodelock-server with emulated dongles on the bus, and
// `nodelock status` checks the installed license as the application would,
// each run a fresh process that asks the dongle again.
#include <gmock/gmock.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "dongle_fixture.h"
#include "nodelock/activation/document.h"
#include "nodelock/activation/enrolment.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/fingerprint/policy.h"
#include "process.h"
#include "server_process.h"

namespace nodelock::dongle::testing {
namespace {

using nodelock::testing::ApiClient;
using nodelock::testing::ProcessResult;
using nodelock::testing::Reply;
using nodelock::testing::run_nodelock;
using nodelock::testing::RunAs;
using nodelock::testing::ServerProcess;
using nodelock::testing::TempDir;
using ::testing::HasSubstr;

constexpr const char* kProduct = "acme-cad";

// A workstation with its own disk, NICs and machine-id, and a container that
// has nothing of its own to bind to (the case the dongle is for).
const std::string kWorkstation =
    std::string(NODELOCK_TESTS_DIR) + "/fixtures/hosts/desktop-two-nics";
const std::string kContainer = std::string(NODELOCK_TESTS_DIR) + "/fixtures/hosts/docker-container";

nlohmann::json json_of(const ProcessResult& run) {
  const auto json = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_TRUE(json.is_object()) << "stdout: " << run.out << "\nstderr: " << run.err;
  return json.is_object() ? json : nlohmann::json::object();
}

class DongleLicense : public EmulatedDongleTest {
 protected:
  void SetUp() override {
    EmulatedDongleTest::SetUp();
    server_ = std::make_unique<ServerProcess>();
    ASSERT_FALSE(server_->url().empty());
    Reply product = admin().post("/v1/products", {{"id", kProduct}, {"name", "Acme CAD"}});
    ASSERT_EQ(product.status, 201) << product.body.dump();
  }

  ApiClient admin() { return ApiClient(server_->url(), server_->admin_token()); }

  // A license key; `dongle_required` gives it the policy that needs the dongle.
  std::string create_license(bool dongle_required) {
    nlohmann::json order = {
        {"product", kProduct}, {"model", "node-locked"}, {"max_activations", 2}};
    if (dongle_required) {
      order["match_policy"] = fingerprint::to_json(fingerprint::MatchPolicy::dongle_required());
    }
    Reply created = admin().post("/v1/licenses", order);
    EXPECT_EQ(created.status, 201) << created.body.dump();
    return created.status == 201 ? created.body["key"].get<std::string>() : std::string();
  }

  std::vector<std::string> on_machine(std::vector<std::string> words) const {
    words.insert(words.end(), {"--product", kProduct, "--store", store_.path().string(),
                               "--sysroot", host_, "--json"});
    return words;
  }
  ProcessResult activate(const std::string& key, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> words = {"activate", "--server", server_->url(), "--key", key};
    words.insert(words.end(), extra.begin(), extra.end());
    return run_nodelock(on_machine(words));
  }
  ProcessResult status() { return run_nodelock(on_machine({"status"})); }
  ProcessResult refresh() { return run_nodelock(on_machine({"refresh"})); }

  std::unique_ptr<ServerProcess> server_;
  TempDir store_;
  std::string host_ = kWorkstation;
};

TEST_F(DongleLicense, AnNldgBoundLicenseIsValidOnlyWhileItsOwnDongleIsPluggedIn) {
  host_ = kContainer;
  const auto nldg = plug_nldg();
  const ProcessResult activated = activate(create_license(true), {"--dongle"});
  ASSERT_EQ(activated.exit_code, 0) << activated.err;
  EXPECT_THAT(json_of(activated)["dongle"].get<std::string>(),
              HasSubstr(crypto::key_id(nldg->public_key())));

  const ProcessResult valid = status();
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  const nlohmann::json shown = json_of(valid);
  EXPECT_EQ(shown["status"], "valid");
  EXPECT_EQ(shown["dongle"]["family"], "nldg");
  EXPECT_EQ(shown["dongle"]["proven"], true);
  EXPECT_THAT(shown["dongle"]["binding"].get<std::string>(),
              HasSubstr(crypto::key_id(nldg->public_key())));

  bus().unplug(*nldg);
  const ProcessResult unplugged = status();
  EXPECT_EQ(unplugged.exit_code, 1);
  EXPECT_EQ(json_of(unplugged)["status"], "dongle_missing");
  EXPECT_THAT(json_of(unplugged)["message"].get<std::string>(),
              HasSubstr("which is not plugged in; plug it in and try again"));

  plug_second_nldg();
  const ProcessResult other = status();
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_EQ(json_of(other)["status"], "dongle_missing");
  EXPECT_THAT(json_of(other)["message"].get<std::string>(), HasSubstr("holds another key"));
}

TEST_F(DongleLicense, ADongleThatAnswersWithAForgedSignatureIsTampering) {
  const auto nldg = plug_nldg();
  ASSERT_EQ(activate(create_license(false), {"--dongle"}).exit_code, 0);
  nldg->set_fault(EmulatedNldg::Fault::wrong_signature);
  const ProcessResult forged = status();
  EXPECT_EQ(forged.exit_code, 4);
  EXPECT_EQ(json_of(forged)["status"], "tampered");
  EXPECT_THAT(json_of(forged)["message"].get<std::string>(), HasSubstr("does not verify"));
}

TEST_F(DongleLicense, AYubiKeyBoundLicenseRefusesAYubiKeyWithAnotherSecret) {
  host_ = kContainer;
  const auto enrolled = plug_yubikey(0x5A);
  ASSERT_EQ(activate(create_license(true), {"--dongle"}).exit_code, 0);
  const ProcessResult valid = status();
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_EQ(json_of(valid)["dongle"]["family"], "yubikey");

  bus().unplug(*enrolled);
  plug_yubikey(0x33);
  const ProcessResult other = status();
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_EQ(json_of(other)["status"], "dongle_missing");
  EXPECT_THAT(json_of(other)["message"].get<std::string>(),
              HasSubstr("answers differently from the enrolled key"));
}

TEST_F(DongleLicense, ALicenseWhosePolicyRequiresTheDongleRefusesActivationWithoutIt) {
  host_ = kContainer;
  plug_nldg();
  const ProcessResult refused = activate(create_license(true));
  EXPECT_EQ(refused.exit_code, 1);
  const nlohmann::json error = json_of(refused)["error"];
  EXPECT_EQ(error["code"], "dongle_missing");
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("plug in the dongle"));
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("with --dongle"));
  EXPECT_EQ(status().exit_code, 1) << "nothing was installed";
}

TEST_F(DongleLicense, ActivateWithDongleNamesWhatIsWrongWithTheDonglesPlugged) {
  const std::string key = create_license(false);
  const ProcessResult none = activate(key, {"--dongle"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.err, HasSubstr("no dongle is plugged in to bind the license to"));

  plug_nldg();
  const auto second = plug_second_nldg();
  const ProcessResult several = activate(key, {"--dongle"});
  EXPECT_EQ(several.exit_code, 1);
  EXPECT_THAT(several.err, HasSubstr("2 dongles are plugged in"));

  const ProcessResult chosen = activate(key, {"--dongle-serial", "NLDG-0002-B3"});
  ASSERT_EQ(chosen.exit_code, 0) << chosen.err;
  EXPECT_THAT(json_of(status())["dongle"]["binding"].get<std::string>(),
              HasSubstr(crypto::key_id(second->public_key())));
}

TEST_F(DongleLicense, ActivateWithDongleWithoutPermissionNamesTheUdevRule) {
  const auto nldg = plug_nldg();
  bus().set_access({});
  nodelock::testing::ProcessOptions as_nobody;
  as_nobody.user = RunAs::unprivileged_user;
  const ProcessResult denied =
      run_nodelock(on_machine({"activate", "--server", server_->url(), "--key",
                               create_license(false), "--dongle"}),
                   as_nobody);
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("70-nodelock-dongles.rules"));
}

TEST_F(DongleLicense, ARefreshKeepsTheBinding) {
  const auto nldg = plug_nldg();
  ASSERT_EQ(activate(create_license(false), {"--dongle"}).exit_code, 0);
  const ProcessResult refreshed = refresh();
  ASSERT_EQ(refreshed.exit_code, 0) << refreshed.err;
  const ProcessResult valid = status();
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_EQ(json_of(valid)["dongle"]["proven"], true);

  bus().unplug(*nldg);
  EXPECT_EQ(json_of(status())["status"], "dongle_missing") << "the refreshed license dropped it";
}

TEST_F(DongleLicense, AnOfflineRequestWithDongleCarriesTheBinding) {
  const auto nldg = plug_nldg();
  const std::string file = (store_.path() / "request.nlreq").string();
  const ProcessResult written = run_nodelock(on_machine(
      {"offline", "request", "--key", create_license(false), "--out", file, "--dongle"}));
  ASSERT_EQ(written.exit_code, 0) << written.err;
  auto text = read_file(file, 1 << 16);
  ASSERT_TRUE(text.ok()) << text.message();
  auto request = read_signed_request(*text);
  ASSERT_TRUE(request.ok()) << request.message();
  EXPECT_EQ(request->dongle, (DongleBinding{NldgBinding{nldg->public_key()}}));

  bus().unplug(*nldg);
  const ProcessResult none = run_nodelock(on_machine(
      {"offline", "request", "--key", create_license(false), "--out", file, "--dongle"}));
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.err, HasSubstr("no dongle is plugged in"));
}

// The server refuses a refresh that would swap or drop the seat's dongle, so
// a client cannot shed the binding by checking in without it.
TEST_F(DongleLicense, TheServerRefusesARefreshNamingAnotherDongleOrNone) {
  plug_nldg();
  ASSERT_EQ(activate(create_license(false), {"--dongle"}).exit_code, 0);
  const LocalStore store(store_.path(), kProduct);
  auto record = store.read_record();
  ASSERT_TRUE(record.ok()) << record.message();
  auto device_key = store.read_device_key();
  ASSERT_TRUE(device_key.ok()) << device_key.message();
  auto machine = this_machine(kProduct, host_);
  ASSERT_TRUE(machine.ok()) << machine.message();

  const DongleBinding other{NldgBinding{crypto::SigningKey::generate().public_key()}};
  for (const std::optional<DongleBinding>& named :
       {std::optional<DongleBinding>(other), std::optional<DongleBinding>()}) {
    auto refresh = make_request(store, *machine, record->license_key, kProduct,
                                RequestPurpose::refresh, record->activation_id);
    ASSERT_TRUE(refresh.ok()) << refresh.message();
    refresh->request.dongle = named;
    auto armored =
        seal(DocumentType::activation_request, to_payload(refresh->request), *device_key);
    ASSERT_TRUE(armored.ok()) << armored.message();
    Reply refused = ApiClient(server_->url()).post("/v1/activations", {{"request", *armored}});
    EXPECT_EQ(refused.status, 403) << refused.body.dump();
    EXPECT_EQ(refused.code(), "machine_mismatch");
    EXPECT_THAT(refused.body["error"]["message"].get<std::string>(),
                HasSubstr("a refresh keeps the seat's dongle"));
  }
}

}  // namespace
}  // namespace nodelock::dongle::testing
