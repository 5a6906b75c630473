// `nodelock offline inspect`, run as support staff run it: the built binary on
// files a test seals, and on damaged copies of them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "document_fixtures.h"
#include "nodelock/activation/canonical_json.h"
#include "nodelock/activation/document.h"
#include "nodelock/crypto/key_file.h"
#include "process.h"
#include "temp_dir.h"

namespace nodelock {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using nodelock::testing::ProcessResult;
using nodelock::testing::read_text;

class OfflineInspect : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::write_public_key_file(dir_ / "vendor.pub", vendor_.public_key()).ok());
  }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }

  // `arguments` already shell-quoted.
  ProcessResult inspect(const std::string& arguments) {
    return nodelock::testing::run_shell("'" + nodelock::testing::nodelock_binary().string() +
                                        "' offline inspect " + arguments);
  }

  std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

  std::string license() {
    auto text = seal(DocumentType::license, testing::license_payload(), vendor_,
                     testing::license_headers());
    EXPECT_TRUE(text.ok()) << text.message();
    return text.ok() ? *text : std::string();
  }

  // The license's signature over a payload with another licensee.
  std::string tampered_license() {
    const std::string payload_text = *canonical_json(testing::license_payload());
    json changed = testing::license_payload();
    changed["licensee"] = "Somebody Else Ltd";
    const std::string signature =
        encoding::base64(vendor_.sign(testing::signing_message("LICENSE", payload_text)).bytes);
    return testing::armor("LICENSE", R"({"alg":"ed25519","kid":")" +
                                         crypto::key_id(vendor_.public_key()) + R"(","payload":)" +
                                         *canonical_json(changed) + R"(,"sig":")" + signature +
                                         R"("})");
  }

  nodelock::testing::TempDir dir_;
  crypto::SigningKey vendor_ = crypto::SigningKey::generate();
};

TEST_F(OfflineInspect, AnIntactLicenseVerifiesWithTheVendorKey) {
  const fs::path file = write("site.nlres", license());
  const ProcessResult run =
      inspect(quoted(file) + " --pubkey " + quoted(dir_ / "vendor.pub") + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json out = json::parse(run.out);
  EXPECT_EQ(out["type"], "license");
  EXPECT_EQ(out["kid"], crypto::key_id(vendor_.public_key()));
  EXPECT_EQ(out["payload"], testing::license_payload());
  EXPECT_EQ(out["headers"]["Machine"], "NL-7K2M-Q9XD-4TRB-0WHE");
  EXPECT_EQ(out["signature"], "valid");
}

TEST_F(OfflineInspect, ShowsPeopleTheHeadersAsUnverifiedAndThePayload) {
  const fs::path file = write("site.nlres", license());
  const ProcessResult checked = inspect(quoted(file) + " --pubkey " + quoted(dir_ / "vendor.pub"));
  ASSERT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_NE(checked.out.find("Type:       LICENSE"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("Headers (not verified"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("  Product: Acme CAD 4\n"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("\"licensee\": \"Müller & Söhne Ingenieure GmbH\""), std::string::npos)
      << checked.out;
  EXPECT_NE(checked.out.find("Signature:  valid"), std::string::npos) << checked.out;

  const ProcessResult unchecked = inspect(quoted(file));
  ASSERT_EQ(unchecked.exit_code, 0) << unchecked.err;
  EXPECT_NE(unchecked.out.find("Signature:  not checked (give --pubkey)"), std::string::npos)
      << unchecked.out;
  EXPECT_EQ(json::parse(inspect(quoted(file) + " --json").out)["signature"], "unchecked");
}

TEST_F(OfflineInspect, ATamperedLicenseIsReportedWithExitCodeFour) {
  const fs::path file = write("changed.nlres", tampered_license());
  const ProcessResult run =
      inspect(quoted(file) + " --pubkey " + quoted(dir_ / "vendor.pub") + " --json");
  EXPECT_EQ(run.exit_code, 4);
  const json out = json::parse(run.out);
  EXPECT_EQ(out["signature"], "invalid");
  EXPECT_EQ(out["payload"]["licensee"], "Somebody Else Ltd");
  EXPECT_NE(run.err.find("changed after it was signed"), std::string::npos) << run.err;

  const ProcessResult people = inspect(quoted(file) + " --pubkey " + quoted(dir_ / "vendor.pub"));
  EXPECT_EQ(people.exit_code, 4);
  EXPECT_NE(people.out.find("Signature:  INVALID"), std::string::npos) << people.out;
  EXPECT_NE(people.out.find("Payload (not verified)"), std::string::npos) << people.out;
}

TEST_F(OfflineInspect, AnotherVendorsKeyDoesNotVerify) {
  const auto other = crypto::SigningKey::generate();
  ASSERT_TRUE(crypto::write_public_key_file(dir_ / "other.pub", other.public_key()).ok());
  const fs::path file = write("site.nlres", license());
  const ProcessResult run =
      inspect(quoted(file) + " --pubkey " + quoted(dir_ / "other.pub") + " --json");
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_EQ(json::parse(run.out)["signature"], "invalid");
}

TEST_F(OfflineInspect, DeviceSignedRequestsVerifyWithTheKeyTheyCarry) {
  const auto device = crypto::SigningKey::generate();
  json request = {{"v", 1},
                  {"type", "activation_request"},
                  {"product", "acme-cad"},
                  {"device_public_key", encoding::base64(device.public_key().bytes)},
                  {"nonce", "k3mN5pQ7xQ2mN4pR6sT8uQ=="}};
  auto sealed = seal(DocumentType::activation_request, request, device, {{"Product", "Acme"}});
  ASSERT_TRUE(sealed.ok()) << sealed.message();
  const ProcessResult intact = inspect(quoted(write("site.nlreq", *sealed)) + " --json");
  ASSERT_EQ(intact.exit_code, 0) << intact.err;
  EXPECT_EQ(json::parse(intact.out)["signature"], "valid");
  EXPECT_EQ(json::parse(intact.out)["type"], "activation_request");

  const auto impostor = crypto::SigningKey::generate();
  request["nonce"] = "AAAAAAAAAAAAAAAAAAAAAA==";
  const std::string forged = testing::hand_signed("ACTIVATION REQUEST", *canonical_json(request),
                                                  impostor, crypto::key_id(device.public_key()));
  const ProcessResult run = inspect(quoted(write("forged.nlreq", forged)) + " --json");
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_EQ(json::parse(run.out)["signature"], "invalid");
}

TEST_F(OfflineInspect, UnreadableFilesAndWrongUsageHaveTheirExitCodes) {
  const ProcessResult garbage = inspect(quoted(write("garbage.nlres", "hello\n")) + " --json");
  EXPECT_EQ(garbage.exit_code, 4);
  EXPECT_EQ(json::parse(garbage.out)["error"]["code"], "malformed");

  std::string cut = license();
  cut.resize(cut.size() / 2);
  EXPECT_EQ(inspect(quoted(write("cut.nlres", cut))).exit_code, 4);
  EXPECT_EQ(inspect(quoted(dir_ / "missing.nlres")).exit_code, 4);
  EXPECT_EQ(inspect(quoted(write("big.nlres", std::string(kMaxDocumentSize + 1, 'A')))).exit_code,
            4);
  EXPECT_EQ(inspect("").exit_code, 2);
  EXPECT_EQ(inspect("a b").exit_code, 2);
  EXPECT_EQ(inspect(quoted(write("site.nlres", license())) + " --pubkey").exit_code, 2);
}

}  // namespace
}  // namespace nodelock
