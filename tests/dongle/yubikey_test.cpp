// YubiKey HMAC-SHA1 challenge-response (slot 2) through real libusb.
#include <gmock/gmock.h>

#include "dongle_fixture.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/dongle/binding_json.h"

namespace nodelock::dongle::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using YubiKeyProof = EmulatedDongleTest;

TEST_F(YubiKeyProof, EnrolmentKeepsOnlyTheSaltedHashOfTheAnswer) {
  const auto yubikey = plug_yubikey();
  auto binding = enrol();
  ASSERT_TRUE(binding.ok()) << binding.message();
  ASSERT_EQ(binding->family(), Family::yubikey);
  const auto& enrolled = std::get<YubiKeyBinding>(binding->key);

  const Bytes answer =
      yubikey->expected_response(Bytes(enrolled.challenge.begin(), enrolled.challenge.end()));
  EXPECT_EQ(crypto::hmac_sha256(enrolled.salt, answer), enrolled.response_hash);
  EXPECT_THAT(to_json(*binding).dump(), Not(HasSubstr(encoding::base64(answer))));
  EXPECT_THAT(to_json(*binding).dump(), Not(HasSubstr(encoding::hex(answer))));
}

TEST_F(YubiKeyProof, EnrolmentChallengesAreRandom) {
  plug_yubikey();
  auto first = enrol();
  auto second = enrol();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(std::get<YubiKeyBinding>(first->key).challenge,
            std::get<YubiKeyBinding>(second->key).challenge);
  EXPECT_NE(std::get<YubiKeyBinding>(first->key).salt, std::get<YubiKeyBinding>(second->key).salt);
}

TEST_F(YubiKeyProof, TheEnrolledKeyAnswersTheEnrolmentChallengeAgain) {
  const auto yubikey = plug_yubikey();
  auto binding = enrol();
  ASSERT_TRUE(binding.ok()) << binding.message();
  auto proof = prove(*binding);
  ASSERT_TRUE(proof.ok()) << proof.message();
  EXPECT_EQ(proof->family, Family::yubikey);
  EXPECT_EQ(proof->serial, std::to_string(EmulatedYubiKey::serial));
  EXPECT_EQ(yubikey->challenges_answered(), 2);
}

TEST_F(YubiKeyProof, AnotherYubiKeyDoesNotStandIn) {
  const auto enrolled_key = plug_yubikey(0x11);
  auto binding = enrol();
  ASSERT_TRUE(binding.ok()) << binding.message();
  bus().unplug(*enrolled_key);
  auto proof = prove(*binding);
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::dongle_missing);
  EXPECT_THAT(proof.message(), HasSubstr("the YubiKey enrolled with challenge"));

  // Same model and serial, another secret in slot 2.
  auto other = std::make_shared<EmulatedYubiKey>(std::array<std::uint8_t, 20>{0x22});
  bus().plug(other);
  proof = prove(*binding);
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.code(), ErrorCode::dongle_missing);
  EXPECT_THAT(proof.message(), HasSubstr("answers differently from the enrolled key"));
}

TEST_F(YubiKeyProof, ASlotNotProgrammedForChallengeResponseIsExplained) {
  const auto yubikey = plug_yubikey();
  yubikey->set_slot2_empty(true);
  auto binding = enrol();
  ASSERT_FALSE(binding.ok());
  EXPECT_EQ(binding.code(), ErrorCode::io_error);
  EXPECT_THAT(binding.message(), HasSubstr("refused the challenge: program its slot 2"));
}

TEST_F(YubiKeyProof, AnNldgBindingIgnoresYubiKeys) {
  const auto yubikey = plug_yubikey();
  const DongleBinding nldg{NldgBinding{crypto::SigningKey::generate().public_key()}};
  EXPECT_EQ(prove(nldg).code(), ErrorCode::dongle_missing);
  EXPECT_EQ(yubikey->challenges_answered(), 0);
}

}  // namespace
}  // namespace nodelock::dongle::testing
