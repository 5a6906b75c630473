// NLDG v1 challenge-response through real libusb: enrolment, proofs, and every
// way a dongle can fail to give one.
#include <gmock/gmock.h>

#include <chrono>
#include <set>

#include "dongle_fixture.h"
#include "nodelock/dongle/binding_json.h"

namespace nodelock::dongle::testing {
namespace {

using ::testing::HasSubstr;
using Fault = EmulatedNldg::Fault;

DongleBinding binding_to(const EmulatedNldg& dongle) {
  return DongleBinding{NldgBinding{dongle.public_key()}};
}

using NldgProof = EmulatedDongleTest;

TEST_F(NldgProof, EnrolmentBindsToTheKeyTheDongleSignsWith) {
  const auto nldg = plug_nldg();
  plug_keyboard();
  auto binding = enrol();
  ASSERT_TRUE(binding.ok()) << binding.message();
  ASSERT_EQ(binding->family(), Family::nldg);
  EXPECT_EQ(std::get<NldgBinding>(binding->key).public_key, nldg->public_key());
  EXPECT_EQ(nldg->signatures_made(), 1) << "enrolment checks the dongle holds the key";
}

TEST_F(NldgProof, EachProofSignsAFreshRandomChallenge) {
  const auto nldg = plug_nldg();
  for (int i = 0; i < 3; ++i) {
    auto proof = prove(binding_to(*nldg));
    ASSERT_TRUE(proof.ok()) << proof.message();
    EXPECT_EQ(proof->family, Family::nldg);
    EXPECT_EQ(proof->serial, "NLDG-0001-A7");
  }
  const std::vector<Bytes> challenges = nldg->challenges();
  ASSERT_EQ(challenges.size(), 3u);
  EXPECT_EQ(std::set<Bytes>(challenges.begin(), challenges.end()).size(), 3u);
  for (const Bytes& challenge : challenges) EXPECT_EQ(challenge.size(), 32u);
}

TEST_F(NldgProof, AWrongSignatureIsTampered) {
  const auto nldg = plug_nldg();
  nldg->set_fault(Fault::wrong_signature);
  auto proof = prove(binding_to(*nldg));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::tampered);
  EXPECT_THAT(proof.message(), HasSubstr("signature that does not verify"));
}

TEST_F(NldgProof, ARecordedOldAnswerIsRefused) {
  const auto nldg = plug_nldg();
  ASSERT_TRUE(prove(binding_to(*nldg)).ok());
  nldg->set_fault(Fault::replay);
  auto proof = prove(binding_to(*nldg));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::tampered);
}

TEST_F(NldgProof, AStalledRequestIsAClearError) {
  const auto nldg = plug_nldg();
  nldg->set_fault(Fault::stall_sign);
  auto proof = prove(binding_to(*nldg));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::io_error);
  EXPECT_THAT(proof.message(), HasSubstr("NLDG dongle 1209:0001 on bus 1, address 2 refused SIGN "
                                         "(it stalled the request)"));
}

TEST_F(NldgProof, ASilentDongleTimesOut) {
  const auto nldg = plug_nldg();
  nldg->set_fault(Fault::silent_signature);
  const auto start = std::chrono::steady_clock::now();
  auto proof = prove(binding_to(*nldg), quick_options());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::io_error);
  EXPECT_THAT(proof.message(), HasSubstr("did not answer READ_SIGNATURE within 250 ms"));
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(NldgProof, ADongleUnpluggedMidTransferIsAClearError) {
  const auto nldg = plug_nldg();
  nldg->set_fault(Fault::unplug_on_read);
  auto proof = prove(binding_to(*nldg));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::io_error);
  EXPECT_THAT(proof.message(), HasSubstr("was unplugged during READ_SIGNATURE"));
}

TEST_F(NldgProof, AShortAnswerIsAClearError) {
  const auto nldg = plug_nldg();
  nldg->set_fault(Fault::short_signature);
  auto proof = prove(binding_to(*nldg));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::io_error);
  EXPECT_THAT(proof.message(),
              HasSubstr("answered READ_SIGNATURE with 40 bytes where 64 were expected"));
}

TEST_F(NldgProof, AnAbsentDongleIsMissing) {
  const EmulatedNldg elsewhere("nldg.umockdev", "NLDG-0001-A7");
  plug_keyboard();
  auto proof = prove(binding_to(elsewhere));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::dongle_missing);
  EXPECT_THAT(proof.message(),
              HasSubstr("the license needs the NLDG dongle with key id " +
                        crypto::key_id(elsewhere.public_key()) + ", which is not plugged in"));
}

TEST_F(NldgProof, ADongleUnpluggedBetweenProofsIsMissing) {
  const auto nldg = plug_nldg();
  ASSERT_TRUE(prove(binding_to(*nldg)).ok());
  bus().unplug(*nldg);
  auto proof = prove(binding_to(*nldg));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::dongle_missing);
}

TEST_F(NldgProof, AnotherDongleOrAnotherVendorsDeviceDoesNotStandIn) {
  const EmulatedNldg bound("nldg.umockdev", "NLDG-0001-A7");
  const auto other = plug_second_nldg();
  plug_impostor();
  auto proof = prove(binding_to(bound));
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::dongle_missing);
  EXPECT_THAT(proof.message(),
              HasSubstr("holds another key (id " + crypto::key_id(other->public_key()) + ")"));
  EXPECT_THAT(proof.message(), HasSubstr("address 5 refused GET_INFO"));
  EXPECT_EQ(other->signatures_made(), 0) << "a dongle with another key is never asked to sign";
}

TEST_F(NldgProof, TheBoundDongleIsFoundAmongOthers) {
  plug_impostor();
  plug_yubikey();
  plug_nldg();
  const auto bound = plug_second_nldg();
  auto proof = prove(binding_to(*bound));
  ASSERT_TRUE(proof.ok()) << proof.message();
  EXPECT_EQ(proof->serial, "NLDG-0002-B3");
}

TEST_F(NldgProof, EnrolmentRefusesToChooseAmongSeveralDongles) {
  plug_nldg();
  const auto second = plug_second_nldg();
  auto ambiguous = enrol();
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.code(), ErrorCode::conflict);
  EXPECT_THAT(ambiguous.message(), HasSubstr("NLDG-0001-A7, NLDG-0002-B3"));

  EnrolOptions chosen;
  chosen.serial = "NLDG-0002-B3";
  auto binding = enrol(chosen);
  ASSERT_TRUE(binding.ok()) << binding.message();
  EXPECT_EQ(*binding, binding_to(*second));

  chosen.serial = "NLDG-9999";
  auto absent = enrol(chosen);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.code(), ErrorCode::dongle_missing);
  EXPECT_THAT(absent.message(), HasSubstr("no dongle with serial NLDG-9999 is plugged in"));
}

TEST_F(NldgProof, EnrolmentWithNoDongleSaysWhatWasFound) {
  plug_impostor();
  auto binding = enrol();
  ASSERT_FALSE(binding.ok());
  EXPECT_EQ(binding.code(), ErrorCode::dongle_missing);
  EXPECT_THAT(binding.message(), HasSubstr("found instead: the NLDG dongle 1209:0001 on bus 1, "
                                           "address 5 refused GET_INFO"));
}

TEST_F(NldgProof, TheCacheAnswersWithoutUsbWithinItsLifetime) {
  const auto nldg = plug_nldg();
  const ProofCache cache(binding_to(*nldg), {}, std::chrono::hours(1));
  ASSERT_TRUE(cache.check().ok());
  bus().unplug(*nldg);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(cache.check().ok());
  EXPECT_EQ(nldg->signatures_made(), 1);
}

TEST_F(NldgProof, TheCacheAsksAgainOnceItsProofExpired) {
  const auto nldg = plug_nldg();
  const ProofCache cache(binding_to(*nldg), {}, std::chrono::milliseconds(0));
  ASSERT_TRUE(cache.check().ok());
  ASSERT_TRUE(cache.check().ok());
  EXPECT_EQ(nldg->signatures_made(), 2);
  bus().unplug(*nldg);
  auto proof = cache.check();
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::dongle_missing);
}

TEST_F(NldgProof, TheCacheKeepsNoFailure) {
  auto nldg = std::make_shared<EmulatedNldg>("nldg.umockdev", "NLDG-0001-A7");
  const ProofCache cache(binding_to(*nldg), {}, std::chrono::hours(1));
  EXPECT_EQ(cache.check().code(), ErrorCode::dongle_missing);
  bus().plug(nldg);
  EXPECT_TRUE(cache.check().ok());
}

TEST_F(NldgProof, ALicenseBindingReadBackFromJsonProvesTheSameDongle) {
  const auto nldg = plug_nldg();
  auto enrolled = enrol();
  ASSERT_TRUE(enrolled.ok()) << enrolled.message();
  auto carried = dongle_binding_from_json(nlohmann::json::parse(to_json(*enrolled).dump()));
  ASSERT_TRUE(carried.ok()) << carried.message();
  EXPECT_TRUE(prove(*carried).ok());
  bus().unplug(*nldg);
  EXPECT_EQ(prove(*carried).code(), ErrorCode::dongle_missing);
}

}  // namespace
}  // namespace nodelock::dongle::testing
