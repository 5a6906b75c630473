// Payload parsers read what arrives from outside: every field is checked.
#include "nodelock/activation/payloads.h"
#include "nodelock/dongle/binding_json.h"

#include <gtest/gtest.h>

namespace nodelock {
namespace {

fingerprint::Fingerprint sample_fingerprint() {
  fingerprint::HashedComponent disk;
  disk.kind = fingerprint::Kind::disk;
  disk.label = "nvme0n1";
  disk.hash.fill(7);
  fingerprint::HashedComponent machine;
  machine.kind = fingerprint::Kind::machine_id;
  machine.label = "machine-id";
  machine.hash.fill(9);
  return fingerprint::Fingerprint({disk, machine}, {});
}

License sample_license() {
  License license;
  license.license_id = "lic_1";
  license.activation_id = "act_1";
  license.product = "acme.cad";
  license.licensee = "Acme";
  license.term = Term::subscription;
  license.features = {"export"};
  license.issued_at = 1000;
  license.refresh_by = 2000;
  license.expires_at = 3000;
  license.grace_days = 7;
  license.max_version = 4;
  license.fingerprint = sample_fingerprint();
  license.match_policy = fingerprint::MatchPolicy::standard();
  license.machine_id = license.fingerprint.machine_id();
  license.device_public_key = crypto::SigningKey::generate().public_key();
  license.request_nonce = make_nonce();
  return license;
}

ActivationRequest sample_request() {
  ActivationRequest request;
  request.key = "00000-00000-00000-00000-00000";
  request.product = "acme.cad";
  request.fingerprint = sample_fingerprint();
  request.machine_id = request.fingerprint.machine_id();
  request.device_public_key = crypto::SigningKey::generate().public_key();
  request.nonce = make_nonce();
  request.created_at = 1234;
  request.client_version = "0.1.0";
  request.hostname = "ws-17";
  return request;
}

TEST(LicensePayload, RoundTripsEveryField) {
  const License license = sample_license();
  auto parsed = license_from_payload(to_payload(license));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(to_payload(*parsed), to_payload(license));
  EXPECT_EQ(parsed->expires_at, 3000);
  EXPECT_EQ(parsed->term, Term::subscription);
  EXPECT_EQ(parsed->device_public_key, license.device_public_key);
}

TEST(LicensePayload, OptionalFieldsMayBeAbsent) {
  License license = sample_license();
  license.expires_at.reset();
  license.max_version.reset();
  auto parsed = license_from_payload(to_payload(license));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_FALSE(parsed->expires_at.has_value());
}

TEST(LicensePayload, EveryMissingFieldIsMalformed) {
  const nlohmann::json payload = to_payload(sample_license());
  for (const auto& item : payload.items()) {
    if (item.key() == "expires_at" || item.key() == "max_version") continue;
    nlohmann::json broken = payload;
    broken.erase(item.key());
    auto parsed = license_from_payload(broken);
    ASSERT_FALSE(parsed.ok()) << item.key();
    EXPECT_EQ(parsed.code(), ErrorCode::malformed);
    EXPECT_NE(parsed.message().find(item.key()), std::string::npos) << parsed.message();
  }
}

TEST(LicensePayload, WrongTypesUnknownFieldsAndBadValuesAreMalformed) {
  const nlohmann::json payload = to_payload(sample_license());
  const std::vector<std::pair<std::string, nlohmann::json>> changes = {
      {"issued_at", "1000"},        {"features", "export"},      {"features", {1, 2}},
      {"grace_days", 1.5},          {"model", "per-seat"},       {"term", 3},
      {"device_public_key", "AAA"}, {"fingerprint", "abc"},      {"match_policy", nullptr},
      {"v", 2},                     {"type", "lease"},           {"unexpected", true},
      {"expires_at", "never"},      {"licensee", nlohmann::json::array()},
  };
  for (const auto& [field, value] : changes) {
    nlohmann::json broken = payload;
    broken[field] = value;
    auto parsed = license_from_payload(broken);
    ASSERT_FALSE(parsed.ok()) << field << " = " << value.dump();
    EXPECT_EQ(parsed.code(), ErrorCode::malformed);
  }
  EXPECT_FALSE(license_from_payload(nlohmann::json::array()).ok());
}

TEST(ActivationRequestPayload, RoundTripsAndRequiresActivationIdForRefresh) {
  ActivationRequest request = sample_request();
  auto parsed = activation_request_from_payload(to_payload(request));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(to_payload(*parsed), to_payload(request));

  request.purpose = RequestPurpose::refresh;
  EXPECT_FALSE(activation_request_from_payload(to_payload(request)).ok());
  request.activation_id = "act_1";
  EXPECT_TRUE(activation_request_from_payload(to_payload(request)).ok());

  nlohmann::json broken = to_payload(request);
  broken["purpose"] = "steal";
  EXPECT_EQ(activation_request_from_payload(broken).code(), ErrorCode::malformed);
}

TEST(DeactivationReceiptPayload, RoundTripsAndRejectsExtraFields) {
  DeactivationReceipt receipt;
  receipt.activation_id = "act_1";
  receipt.license_id = "lic_1";
  receipt.product = "acme.cad";
  receipt.machine_id = "NL-0000-0000-0000-0000";
  receipt.device_public_key = crypto::SigningKey::generate().public_key();
  receipt.nonce = make_nonce();
  receipt.created_at = 99;
  auto parsed = deactivation_receipt_from_payload(to_payload(receipt));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(to_payload(*parsed), to_payload(receipt));
  nlohmann::json broken = to_payload(receipt);
  broken["seats"] = 1;
  EXPECT_EQ(deactivation_receipt_from_payload(broken).code(), ErrorCode::malformed);
}

template <class T>
Status status_of(const Result<T>& result) {
  return result.ok() ? Status() : Status(result.error());
}

dongle::DongleBinding nldg_binding() {
  return dongle::DongleBinding{dongle::NldgBinding{crypto::SigningKey::generate().public_key()}};
}

dongle::DongleBinding yubikey_binding() {
  dongle::YubiKeyBinding binding;
  binding.challenge.fill(0x11);
  binding.salt.fill(0x22);
  binding.response_hash.bytes.fill(0x33);
  return dongle::DongleBinding{binding};
}

// Bindings that must be refused wherever a document carries one.
std::vector<std::pair<std::string, nlohmann::json>> bad_dongles() {
  nlohmann::json bad_base64 = dongle::to_json(nldg_binding());
  bad_base64["public_key"] = "not base64!";
  nlohmann::json short_key = dongle::to_json(nldg_binding());
  short_key["public_key"] = "AAAA";
  nlohmann::json unknown_family = dongle::to_json(nldg_binding());
  unknown_family["family"] = "hasp";
  nlohmann::json extra_field = dongle::to_json(nldg_binding());
  extra_field["serial"] = "NLDG-0001-A7";
  nlohmann::json other_slot = dongle::to_json(yubikey_binding());
  other_slot["slot"] = 1;
  return {{"a string", "nldg"},
          {"a list", nlohmann::json::array()},
          {"null", nullptr},
          {"bad base64", bad_base64},
          {"a short key", short_key},
          {"an unknown family", unknown_family},
          {"an unknown field", extra_field},
          {"another YubiKey slot", other_slot}};
}

TEST(DonglePayload, LicenseAndRequestCarryEitherFamilyOfBinding) {
  for (const dongle::DongleBinding& binding : {nldg_binding(), yubikey_binding()}) {
    License license = sample_license();
    license.dongle = binding;
    auto parsed_license = license_from_payload(to_payload(license));
    ASSERT_TRUE(parsed_license.ok()) << parsed_license.message();
    EXPECT_EQ(parsed_license->dongle, binding);
    EXPECT_EQ(to_payload(*parsed_license), to_payload(license));

    ActivationRequest request = sample_request();
    request.dongle = binding;
    auto parsed_request = activation_request_from_payload(to_payload(request));
    ASSERT_TRUE(parsed_request.ok()) << parsed_request.message();
    EXPECT_EQ(parsed_request->dongle, binding);
  }
}

TEST(DonglePayload, ADocumentWithoutADongleHasNoDongleField) {
  EXPECT_FALSE(to_payload(sample_license()).contains("dongle"));
  EXPECT_FALSE(to_payload(sample_request()).contains("dongle"));
  auto parsed = license_from_payload(to_payload(sample_license()));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_FALSE(parsed->dongle.has_value());
}

TEST(DonglePayload, AMalformedBindingMakesLicenseAndRequestMalformed) {
  const nlohmann::json license = to_payload(sample_license());
  const nlohmann::json request = to_payload(sample_request());
  for (const auto& [what, value] : bad_dongles()) {
    for (const nlohmann::json& payload : {license, request}) {
      nlohmann::json broken = payload;
      broken["dongle"] = value;
      const bool is_license = payload == license;
      const Status parsed = is_license ? status_of(license_from_payload(broken))
                                       : status_of(activation_request_from_payload(broken));
      ASSERT_FALSE(parsed.ok()) << what << " in the " << (is_license ? "license" : "request");
      EXPECT_EQ(parsed.code(), ErrorCode::malformed) << what;
      EXPECT_NE(parsed.message().find("dongle"), std::string::npos) << parsed.message();
    }
  }
}

TEST(LicenseUserPayload, ARequestNamesItsUserInNormalForm) {
  ActivationRequest request = sample_request();
  EXPECT_FALSE(to_payload(request).contains("user")) << "no user, no field";
  request.user = "anna@example.com";
  auto parsed = activation_request_from_payload(to_payload(request));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(parsed->user, "anna@example.com");
  EXPECT_EQ(license_user_email(" Anna@Example.COM ").value(), "anna@example.com");
}

TEST(LicenseUserPayload, AUserThatIsNotALowerCaseAddressIsMalformed) {
  const std::vector<nlohmann::json> bad = {
      42,         nullptr,         nlohmann::json::array(),
      "",         "anna",          "@example.com",
      "anna@",    "a@b@c",         "Anna@example.com",
      " a@b.com", "anna@exa mple", std::string(300, 'a') + "@b"};
  for (const nlohmann::json& value : bad) {
    nlohmann::json broken = to_payload(sample_request());
    broken["user"] = value;
    auto parsed = activation_request_from_payload(broken);
    ASSERT_FALSE(parsed.ok()) << value.dump();
    EXPECT_EQ(parsed.code(), ErrorCode::malformed) << value.dump();
    EXPECT_NE(parsed.message().find("user"), std::string::npos) << parsed.message();
  }
  for (const char* typed : {"", "anna", "a b@c", "anna@", "@x"}) {
    EXPECT_EQ(license_user_email(typed).code(), ErrorCode::invalid_argument) << typed;
  }
}
}  // namespace
}  // namespace nodelock
