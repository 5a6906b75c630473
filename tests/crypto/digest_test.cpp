// SHA-256, HMAC-SHA256, random bytes, constant-time compare and wipe.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"
#include "vector_file.h"

namespace nodelock::crypto {
namespace {

std::string sha256_hex(std::string_view data) { return encoding::hex(sha256(data).bytes); }

TEST(Sha256, Fips180Vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnop"
                       "jklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(HmacSha256, Rfc4231TestCases) {
  const auto records = test::read_vector_file("hmac_sha256_rfc4231.txt");
  ASSERT_EQ(records.size(), 7u);
  for (const auto& record : records) {
    SCOPED_TRACE(record.at("name"));
    const Digest mac = hmac_sha256(test::hex_field(record, "key"), test::hex_field(record, "data"));
    const std::string expected = record.at("mac");
    // Test case 5 states only a truncated MAC; the others the whole one.
    ASSERT_TRUE(expected.size() == 32 || expected.size() == 64);
    EXPECT_EQ(encoding::hex(mac.bytes).substr(0, expected.size()), expected);
  }
}

TEST(HmacSha256, AnEmptyKeyAndMessageStillGiveTheStandardMac) {
  EXPECT_EQ(encoding::hex(hmac_sha256(ByteView(), ByteView()).bytes),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(RandomBytes, FillsTheRequestedSizeWithFreshBytes) {
  std::set<Bytes> seen;
  for (int i = 0; i < 64; ++i) {
    const Bytes bytes = random_bytes(32);
    ASSERT_EQ(bytes.size(), 32u);
    seen.insert(bytes);
  }
  EXPECT_EQ(seen.size(), 64u);
  EXPECT_TRUE(random_bytes(0).empty());
}

TEST(ConstantTimeEqual, ComparesContentsAndSizes) {
  const Bytes mac = random_bytes(32);
  EXPECT_TRUE(constant_time_equal(mac, mac));
  EXPECT_TRUE(constant_time_equal(ByteView(), ByteView()));
  for (std::size_t i = 0; i < mac.size(); ++i) {
    Bytes changed = mac;
    changed[i] ^= 0x80;
    EXPECT_FALSE(constant_time_equal(mac, changed)) << "byte " << i;
  }
  EXPECT_FALSE(constant_time_equal(mac, ByteView(mac.data(), mac.size() - 1)));
  EXPECT_FALSE(constant_time_equal(ByteView(), mac));
}

TEST(Wipe, ZeroesTheBytes) {
  Bytes secret = {1, 2, 3, 4, 5};
  wipe(secret.data(), secret.size());
  EXPECT_EQ(secret, Bytes(5, 0));
  wipe(nullptr, 0);
}

}  // namespace
}  // namespace nodelock::crypto
