// The wire formats, checked without a device: NLDG v1 messages and the test
// vector docs/dongle-protocol.md gives firmware engineers, YubiKey frames and
// checksums, and the USB id lists a product accepts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nldg.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/dongle/dongle.h"
#include "yubikey.h"

namespace nodelock::dongle {
namespace {

using ::testing::HasSubstr;

crypto::Bytes from_hex(const std::string& text) {
  auto bytes = encoding::from_hex(text);
  EXPECT_TRUE(bytes.ok()) << text;
  return bytes.ok() ? *bytes : crypto::Bytes{};
}

// The vector in docs/dongle-protocol.md, "Test vector".
constexpr const char* kSeed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kPublicKey =
    "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
constexpr const char* kChallenge =
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
constexpr const char* kSignedMessage =
    "4e4c444701808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
constexpr const char* kSignature =
    "fdd73efa6afe942c05094b28d9324ec497997b39481f1ccd5f74338b42621848"
    "6c5c090e5ad075f3b7a2bdf847604e9b650c2e2daab754934f40bbc80d9b4703";

TEST(NldgWireFormat, TheDocumentedTestVectorHolds) {
  auto key = crypto::SigningKey::from_seed(from_hex(kSeed));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(encoding::hex(key->public_key().bytes), kPublicKey);
  nldg::Challenge challenge;
  const crypto::Bytes challenge_bytes = from_hex(kChallenge);
  std::copy(challenge_bytes.begin(), challenge_bytes.end(), challenge.begin());
  const crypto::Bytes message = nldg::signed_message(challenge);
  EXPECT_EQ(encoding::hex(message), kSignedMessage);
  EXPECT_EQ(encoding::hex(key->sign(message).bytes), kSignature);
}

TEST(NldgWireFormat, AGenuineInfoAnswerIsAccepted) {
  EXPECT_TRUE(nldg::check_info(crypto::Bytes{'N', 'L', 'D', 'G', 1, 1, 0, 0}, "dongle").ok());
  EXPECT_TRUE(nldg::check_info(crypto::Bytes{'N', 'L', 'D', 'G', 1, 1, 0xAA, 0x55}, "dongle").ok())
      << "the reserved bytes are ignored";
}

TEST(NldgWireFormat, AnInfoAnswerOfAnotherKindIsRefused) {
  const struct {
    crypto::Bytes info;
    const char* reason;
  } cases[] = {
      {{'N', 'L', 'D', 'X', 1, 1, 0, 0}, "does not identify as an NLDG dongle"},
      {{'n', 'l', 'd', 'g', 1, 1, 0, 0}, "does not identify as an NLDG dongle"},
      {{'N', 'L', 'D', 'G', 1, 1, 0}, "does not identify as an NLDG dongle"},
      {{'N', 'L', 'D', 'G', 1, 1, 0, 0, 0}, "does not identify as an NLDG dongle"},
      {{}, "does not identify as an NLDG dongle"},
      {{'N', 'L', 'D', 'G', 2, 1, 0, 0}, "speaks NLDG version 2"},
      {{'N', 'L', 'D', 'G', 0, 1, 0, 0}, "speaks NLDG version 0"},
      {{'N', 'L', 'D', 'G', 1, 2, 0, 0}, "uses key type 2"},
  };
  for (const auto& bad : cases) {
    const Status status = nldg::check_info(bad.info, "dongle");
    ASSERT_FALSE(status.ok()) << bad.reason;
    EXPECT_EQ(status.code(), ErrorCode::io_error);
    EXPECT_THAT(status.message(), HasSubstr(bad.reason));
  }
}

TEST(YubiKeyWireFormat, TheChecksumIsCrc16Mcrf4xx) {
  EXPECT_EQ(yubikey::crc16(std::string_view("123456789")), 0x6F91);
  EXPECT_EQ(yubikey::crc16(crypto::ByteView()), 0xFFFF);
}

TEST(YubiKeyWireFormat, AFrameCarriesPayloadCommandAndLittleEndianChecksum) {
  crypto::Bytes payload(64);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i + 1);
  const auto reports = yubikey::frame_reports(yubikey::command_challenge_slot2, payload);
  ASSERT_EQ(reports.size(), 10u);
  crypto::Bytes frame;
  for (std::size_t part = 0; part < reports.size(); ++part) {
    EXPECT_EQ(reports[part][7], 0x80 | part);
    frame.insert(frame.end(), reports[part].begin(), reports[part].begin() + 7);
  }
  ASSERT_EQ(frame.size(), 70u);
  EXPECT_EQ(crypto::Bytes(frame.begin(), frame.begin() + 64), payload);
  EXPECT_EQ(frame[64], 0x38);
  const std::uint16_t crc = yubikey::crc16(payload);
  EXPECT_EQ(frame[65], crc & 0xFF);
  EXPECT_EQ(frame[66], crc >> 8);
  EXPECT_EQ(crypto::Bytes(frame.begin() + 67, frame.end()), crypto::Bytes(3, 0));
}

TEST(YubiKeyWireFormat, BlankPartsAreSkippedExceptTheFirstAndLast) {
  const auto reports = yubikey::frame_reports(yubikey::command_device_serial, crypto::ByteView());
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0], (yubikey::Report{0, 0, 0, 0, 0, 0, 0, 0x80}));
  EXPECT_EQ(reports[1][7], 0x89);
  EXPECT_EQ(reports[1][1], yubikey::command_device_serial);
}

TEST(YubiKeyWireFormat, AnAnswerIsCheckedAgainstItsTrailer) {
  crypto::Bytes answer(20, 0x42);
  const std::uint16_t trailer = static_cast<std::uint16_t>(~yubikey::crc16(answer));
  answer.push_back(trailer & 0xFF);
  answer.push_back(trailer >> 8);
  EXPECT_EQ(yubikey::crc16(answer), yubikey::crc_residual);
  answer.resize(28, 0);  // answers arrive in 7-byte parts

  auto checked = yubikey::checked_answer(answer, 20, "key");
  ASSERT_TRUE(checked.ok()) << checked.message();
  EXPECT_EQ(*checked, crypto::Bytes(20, 0x42));

  crypto::Bytes corrupted = answer;
  corrupted[3] ^= 0x10;
  EXPECT_THAT(yubikey::checked_answer(corrupted, 20, "key").message(),
              HasSubstr("fails its checksum"));
  EXPECT_THAT(yubikey::checked_answer(crypto::Bytes(answer.begin(), answer.begin() + 21), 20, "key")
                  .message(),
              HasSubstr("answered 21 bytes where 22 were expected"));
}

TEST(UsbIds, AListOfIdsParses) {
  auto ids = parse_usb_ids("1209:a0b1,1209:A0B2", Family::nldg);
  ASSERT_TRUE(ids.ok()) << ids.message();
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_EQ((*ids)[0], (UsbId{0x1209, 0xa0b1, Family::nldg}));
  EXPECT_EQ((*ids)[1], (UsbId{0x1209, 0xa0b2, Family::nldg}));
  EXPECT_EQ(usb_id_text(0x1209, 0xa0b2), "1209:a0b2");
}

TEST(UsbIds, MalformedListsAreRefused) {
  for (const char* text : {"", ",", "1209", "1209:", ":0001", "1209:1", "1209:00001", "12g9:0001",
                           "1209-0001", "1209:0001,", ",1209:0001", "1209:0001,,1209:0002",
                           " 1209:0001", "1209:0001 ", "0x1209:0001", "1209:0001,1209:0001"}) {
    auto ids = parse_usb_ids(text, Family::nldg);
    ASSERT_FALSE(ids.ok()) << "'" << text << "'";
    EXPECT_EQ(ids.code(), ErrorCode::invalid_argument);
  }
}

TEST(UsbIds, TheStandardAllowListHoldsNldgAndYubiKeysWithOtp) {
  const auto& ids = standard_allow_list();
  EXPECT_THAT(ids, ::testing::Contains(UsbId{0x1209, 0x0001, Family::nldg}));
  EXPECT_THAT(ids, ::testing::Contains(UsbId{0x1050, 0x0407, Family::yubikey}));
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains(UsbId{0x1050, 0x0402, Family::yubikey})))
      << "a FIDO-only YubiKey has no OTP interface";
}

TEST(Families, NamesRoundTrip) {
  for (const Family family : {Family::nldg, Family::yubikey}) {
    EXPECT_EQ(family_from_name(family_name(family)), family);
  }
  EXPECT_FALSE(family_from_name("NLDG").has_value());
  EXPECT_FALSE(family_from_name("").has_value());
}

}  // namespace
}  // namespace nodelock::dongle
