// Ed25519 through the compiled backend: RFC 8032 vectors and tampering.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"
#include "vector_file.h"

namespace nodelock::crypto {
namespace {

using namespace std::string_view_literals;

Signature signature_of(const Bytes& bytes) {
  Signature signature;
  EXPECT_EQ(bytes.size(), signature.bytes.size());
  std::copy(bytes.begin(), bytes.begin() + signature.bytes.size(), signature.bytes.begin());
  return signature;
}

PublicKey public_key_of(const Bytes& bytes) {
  PublicKey key;
  EXPECT_EQ(bytes.size(), key.bytes.size());
  std::copy(bytes.begin(), bytes.begin() + key.bytes.size(), key.bytes.begin());
  return key;
}

SigningKey key_from_seed_byte(std::uint8_t fill) {
  const std::array<std::uint8_t, 32> seed = [fill] {
    std::array<std::uint8_t, 32> bytes{};
    bytes.fill(fill);
    return bytes;
  }();
  auto key = SigningKey::from_seed(seed);
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

TEST(Ed25519, Rfc8032VectorsGiveTheirPublicKeysAndSignatures) {
  const auto records = test::read_vector_file("ed25519_rfc8032.txt");
  ASSERT_EQ(records.size(), 5u);
  for (const auto& record : records) {
    SCOPED_TRACE(record.at("name"));
    const Bytes message = test::hex_field(record, "message");
    auto key = SigningKey::from_seed(test::hex_field(record, "secret_key"));
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(encoding::hex(key->public_key().bytes), record.at("public_key"));
    EXPECT_EQ(encoding::hex(key->sign(message).bytes), record.at("signature"));
    EXPECT_TRUE(verify(public_key_of(test::hex_field(record, "public_key")), message,
                       signature_of(test::hex_field(record, "signature"))));
  }
}

TEST(Ed25519, EveryFlippedBitOfTheSignatureIsRejected) {
  const SigningKey key = key_from_seed_byte(7);
  const std::string message = "license 42 for machine NL-ABCD-EFGH-JKMN-PQRS";
  const Signature signature = key.sign(message);
  ASSERT_TRUE(verify(key.public_key(), message, signature));
  for (std::size_t bit = 0; bit < signature.bytes.size() * 8; ++bit) {
    Signature tampered = signature;
    tampered.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << bit % 8);
    EXPECT_FALSE(verify(key.public_key(), message, tampered)) << "bit " << bit;
  }
}

// S + L, little-endian: the same point, so only the S < L rule of RFC 8032 tells it
// from the genuine signature.
Signature with_group_order_added(Signature signature) {
  constexpr std::uint8_t kGroupOrder[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                            0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                            0,    0,    0,    0,    0,    0,    0,    0,
                                            0,    0,    0,    0,    0,    0,    0,    0x10};
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    carry += unsigned{signature.bytes[32 + i]} + kGroupOrder[i];
    signature.bytes[32 + i] = static_cast<std::uint8_t>(carry);
    carry >>= 8;
  }
  return signature;
}

TEST(Ed25519, ASecondSignatureMadeByAddingTheGroupOrderIsRejected) {
  const SigningKey key = key_from_seed_byte(9);
  for (const std::string_view message : {"seat 1"sv, "seat 2"sv, "seat 3"sv}) {
    const Signature malleated = with_group_order_added(key.sign(message));
    ASSERT_LT(malleated.bytes[63], 0x20) << "S + L must still fit the encoding's 253 bits";
    EXPECT_FALSE(verify(key.public_key(), message, malleated)) << message;
  }
}

TEST(Ed25519, AChangedMessageIsRejected) {
  const SigningKey key = key_from_seed_byte(8);
  const std::string message = R"({"features":["export"],"seats":10})";
  const Signature signature = key.sign(message);
  for (std::size_t i = 0; i < message.size(); ++i) {
    std::string tampered = message;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    EXPECT_FALSE(verify(key.public_key(), tampered, signature)) << "byte " << i;
  }
  EXPECT_FALSE(verify(key.public_key(), message + " ", signature));
  EXPECT_FALSE(verify(key.public_key(), message.substr(1), signature));
  EXPECT_FALSE(verify(key.public_key(), ""sv, signature));
}

TEST(Ed25519, AnotherKeysSignatureIsRejected) {
  const SigningKey vendor = key_from_seed_byte(1);
  const SigningKey impostor = key_from_seed_byte(2);
  const std::string message = "activation";
  EXPECT_FALSE(verify(vendor.public_key(), message, impostor.sign(message)));
  PublicKey changed = vendor.public_key();
  changed.bytes[31] ^= 0x01;
  EXPECT_FALSE(verify(changed, message, vendor.sign(message)));
  EXPECT_FALSE(verify(PublicKey{}, message, vendor.sign(message)));
}

TEST(Ed25519, ASeedOfAnyOtherSizeIsRefused) {
  for (const std::size_t size : {0u, 31u, 33u, 64u}) {
    const auto key = SigningKey::from_seed(Bytes(size, 1));
    ASSERT_FALSE(key.ok()) << size;
    EXPECT_EQ(key.code(), ErrorCode::invalid_argument);
  }
}

TEST(Ed25519, GeneratedKeysAreFreshAndKeepTheirSeed) {
  const SigningKey first = SigningKey::generate();
  const SigningKey second = SigningKey::generate();
  EXPECT_NE(first.public_key(), second.public_key());
  auto again = SigningKey::from_seed(first.seed());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), first.public_key());
  const Signature signature = first.sign("x"sv);
  EXPECT_TRUE(verify(first.public_key(), "x"sv, signature));
  EXPECT_EQ(again->sign("x"sv).bytes, signature.bytes);
}

TEST(Ed25519, AMovedKeyStillSigns) {
  SigningKey original = key_from_seed_byte(3);
  const PublicKey public_key = original.public_key();
  SigningKey moved = std::move(original);
  EXPECT_TRUE(verify(public_key, "m"sv, moved.sign("m"sv)));
  SigningKey assigned = key_from_seed_byte(4);
  assigned = std::move(moved);
  EXPECT_EQ(assigned.public_key(), public_key);
}

TEST(Ed25519, OneKeySignsAndVerifiesFromSeveralThreadsAtOnce) {
  const SigningKey key = key_from_seed_byte(5);
  const Signature expected = key.sign("shared"sv);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const Signature signature = key.sign("shared"sv);
        if (signature.bytes != expected.bytes || !verify(key.public_key(), "shared"sv, signature)) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(KeyId, IsTheFirstEightBytesOfTheKeysSha256InHex) {
  const auto records = test::read_vector_file("ed25519_rfc8032.txt");
  ASSERT_FALSE(records.empty());
  const PublicKey key = public_key_of(test::hex_field(records[0], "public_key"));
  EXPECT_EQ(key_id(key), "21fe31dfa154a261");  // RFC 8032 TEST 1's public key
  PublicKey other = key;
  other.bytes[0] ^= 1;
  EXPECT_NE(key_id(other), key_id(key));
}

TEST(Backend, NameIsTheOneSelectedAtBuildTime) {
  EXPECT_EQ(backend_name(), NODELOCK_CRYPTO_BACKEND);
}

}  // namespace
}  // namespace nodelock::crypto
