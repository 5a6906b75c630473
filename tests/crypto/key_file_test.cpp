// Key files: the exact PEM forms, 0600 private keys, refusing to overwrite,
// strict reading, and interoperation with the openssl command.
#include "nodelock/crypto/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "nodelock/crypto/encoding.h"
#include "process.h"
#include "temp_dir.h"

namespace nodelock::crypto {
namespace {

using nodelock::testing::file_mode;
using nodelock::testing::read_text;
using nodelock::testing::TempDir;
using nodelock::testing::write_text;

// RFC 8032 TEST 1, and its key in the PEM forms `openssl pkey` writes.
constexpr char kSeedHex[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kPublicHex[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr char kPrivatePem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
constexpr char kPublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "-----END PUBLIC KEY-----\n";

SigningKey test_key() {
  auto key = SigningKey::from_seed(*encoding::from_hex(kSeedHex));
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

std::string pem_of(const std::string& label, const std::string& base64) {
  return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
}

TEST(KeyFile, PemFormsAreTheOnesOpensslWrites) {
  const SigningKey key = test_key();
  std::string text = private_key_pem(key);
  EXPECT_EQ(text, kPrivatePem);
  wipe(text.data(), text.size());
  EXPECT_EQ(public_key_pem(key.public_key()), kPublicPem);
}

TEST(KeyFile, PrivateKeyIsWrittenOwnerOnlyAndReadsBack) {
  const TempDir dir;
  const SigningKey key = test_key();
  // With no umask to narrow it, the mode seen is the mode the file is created with.
  const mode_t saved_umask = ::umask(0);
  const Status written = write_private_key_file(dir / "vendor.key", key);
  const Status public_written = write_public_key_file(dir / "vendor.key.pub", key.public_key());
  ::umask(saved_umask);
  ASSERT_TRUE(written.ok()) << written.message();
  ASSERT_TRUE(public_written.ok()) << public_written.message();
  EXPECT_EQ(file_mode(dir / "vendor.key"), 0600u);
  EXPECT_EQ(file_mode(dir / "vendor.key.pub"), 0644u);
  EXPECT_EQ(read_text(dir / "vendor.key"), kPrivatePem);

  auto read = read_private_key_file(dir / "vendor.key");
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_EQ(read->seed(), key.seed());
  EXPECT_EQ(read->public_key(), key.public_key());
  auto public_key = read_public_key_file(dir / "vendor.key.pub");
  ASSERT_TRUE(public_key.ok()) << public_key.message();
  EXPECT_EQ(*public_key, key.public_key());
  // Nothing but the two keys is left in the directory: no temporary files.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 2);
}

TEST(KeyFile, AnExistingFileIsNotOverwrittenUnlessAsked) {
  const TempDir dir;
  write_text(dir / "vendor.key", "an older key\n");
  const Status refused = write_private_key_file(dir / "vendor.key", test_key());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::already_exists);
  EXPECT_NE(refused.message().find("vendor.key"), std::string::npos);
  EXPECT_EQ(read_text(dir / "vendor.key"), "an older key\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);

  const Status replaced =
      write_private_key_file(dir / "vendor.key", test_key(), ExistingFile::replace);
  ASSERT_TRUE(replaced.ok()) << replaced.message();
  EXPECT_EQ(read_text(dir / "vendor.key"), kPrivatePem);
  EXPECT_EQ(file_mode(dir / "vendor.key") & 077, 0u);
}

TEST(KeyFile, AMissingFileIsAnIoErrorNamingIt) {
  const TempDir dir;
  const auto key = read_private_key_file(dir / "absent.key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.code(), ErrorCode::io_error);
  EXPECT_NE(key.message().find("absent.key"), std::string::npos);
  const auto public_key = read_public_key_file(dir / "absent.pub");
  ASSERT_FALSE(public_key.ok());
  EXPECT_EQ(public_key.code(), ErrorCode::io_error);
  const Status unwritable = write_private_key_file(dir / "no-such-dir" / "vendor.key", test_key());
  ASSERT_FALSE(unwritable.ok());
  EXPECT_EQ(unwritable.code(), ErrorCode::io_error);
}

TEST(KeyFile, PrivateKeyReaderRejectsEverythingButAnEd25519PrivateKey) {
  const std::string valid_base64 =
      "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
  const Bytes der = *encoding::from_base64(valid_base64);
  Bytes longer = der;
  longer.push_back(0);
  Bytes x25519 = der;
  x25519[11] = 0x6e;  // the last byte of the OID: 1.3.101.110 instead of 1.3.101.112
  const std::pair<const char*, std::string> bad[] = {
      {"empty file", ""},
      {"public key", kPublicPem},
      {"not PEM", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\n"},
      {"text before the PEM", "key:\n" + std::string(kPrivatePem)},
      {"missing END line", "-----BEGIN PRIVATE KEY-----\n" + valid_base64 + "\n"},
      {"END of another label",
       "-----BEGIN PRIVATE KEY-----\n" + valid_base64 + "\n-----END PUBLIC KEY-----\n"},
      {"bad base64", pem_of("PRIVATE KEY", valid_base64.substr(0, 63) + "!")},
      {"non-canonical base64",
       pem_of("PRIVATE KEY",
              "MFECAQEwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9ggSEA11qYAYKxCrfVS/"
              "7TyWQHOg7hcvPapiMlrwIaaPcHURp=")},
      {"truncated key", pem_of("PRIVATE KEY", encoding::base64(ByteView(der.data(), 47)))},
      {"one byte too many", pem_of("PRIVATE KEY", encoding::base64(longer))},
      {"X25519 key", pem_of("PRIVATE KEY", encoding::base64(x25519))},
      {"encrypted key", pem_of("ENCRYPTED PRIVATE KEY", valid_base64)},
      {"public key not its own",
       pem_of("PRIVATE KEY",
              "MFECAQEwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9ggSEA11qYAYKxCrfVS/"
              "7TyWQHOg7hcvPapiMlrwIaaPcHURs=")},
  };
  const TempDir dir;
  for (const auto& [what, text] : bad) {
    SCOPED_TRACE(what);
    write_text(dir / "vendor.key", text);
    const auto key = read_private_key_file(dir / "vendor.key");
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.code(), ErrorCode::malformed);
    EXPECT_NE(key.message().find("vendor.key"), std::string::npos) << key.message();
  }
}

TEST(KeyFile, WrongKeyTypeMessageSaysWhatTheFileHolds) {
  const auto key = parse_private_key_pem(kPublicPem);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.message().find(R"(holds a PEM "PUBLIC KEY", not a "PRIVATE KEY")"),
            std::string::npos)
      << key.message();
}

TEST(KeyFile, AcceptsTheVersion2FormWithItsPublicKeyAndWindowsLineEnds) {
  const auto with_public_key = parse_private_key_pem(
      pem_of("PRIVATE KEY",
             "MFECAQEwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9ggSEA11qYAYKxCrfVS/"
             "7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
  ASSERT_TRUE(with_public_key.ok()) << with_public_key.message();
  EXPECT_EQ(encoding::hex(with_public_key->public_key().bytes), kPublicHex);
  const auto crlf = parse_private_key_pem(
      "-----BEGIN PRIVATE KEY-----\r\n"
      "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\r\n"
      "-----END PRIVATE KEY-----\r\n");
  ASSERT_TRUE(crlf.ok()) << crlf.message();
  EXPECT_EQ(encoding::hex(crlf->seed()), kSeedHex);
}

TEST(KeyFile, PublicKeyParsesFromPemHexOrBase64) {
  const std::string forms[] = {
      kPublicPem,
      kPublicHex,
      "D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A",
      "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
      "  " + std::string(kPublicHex) + "\n",
  };
  for (const std::string& form : forms) {
    const auto key = parse_public_key(form);
    ASSERT_TRUE(key.ok()) << form << ": " << key.message();
    EXPECT_EQ(encoding::hex(key->bytes), kPublicHex);
  }
}

TEST(KeyFile, PublicKeyParserRejectsWrongLengthsPrivateKeysAndGarbage) {
  const std::string hex = kPublicHex;
  const std::string bad[] = {
      "",
      hex.substr(0, 62),
      hex + "00",
      hex.substr(0, 63) + "g",
      "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUQ==",  // 31 bytes
      "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",   // unpadded
      kPrivatePem,
      pem_of("PUBLIC KEY",
             "MCowBQYDK2VuAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="),  // X25519
      pem_of("PUBLIC KEY",
             "MCkwBQYDK2VwAyAA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUQ=="),  // short
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsi",
  };
  for (const std::string& text : bad) {
    const auto key = parse_public_key(text);
    ASSERT_FALSE(key.ok()) << text;
    EXPECT_EQ(key.code(), ErrorCode::malformed);
  }
}

TEST(KeyFile, OversizedFileIsRefusedUnread) {
  const TempDir dir;
  write_text(dir / "big.pub", std::string(1 << 20, 'A'));
  const auto key = read_public_key_file(dir / "big.pub");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.message().find("big.pub"), std::string::npos);
}

// The openssl command, when installed; interop tests skip without it.
bool have_openssl() { return nodelock::testing::run_shell("command -v openssl").exit_code == 0; }

int run(const std::string& command) { return nodelock::testing::run_shell(command).exit_code; }

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

TEST(KeyFileInterop, ReadsAKeyMadeByOpenssl) {
  if (!have_openssl()) GTEST_SKIP() << "the openssl command is not installed";
  const TempDir dir;
  ASSERT_EQ(run("openssl genpkey -algorithm ed25519 -out " + quoted(dir / "k.pem")), 0);
  ASSERT_EQ(
      run("openssl pkey -in " + quoted(dir / "k.pem") + " -pubout -out " + quoted(dir / "k.pub")),
      0);
  auto key = read_private_key_file(dir / "k.pem");
  ASSERT_TRUE(key.ok()) << key.message();
  auto public_key = read_public_key_file(dir / "k.pub");
  ASSERT_TRUE(public_key.ok()) << public_key.message();
  EXPECT_EQ(key->public_key(), *public_key);

  // A signature openssl makes with the file verifies with the key we read from it.
  write_text(dir / "message", "licence for NL-0000-1111-2222-3333");
  ASSERT_EQ(run("openssl pkeyutl -sign -rawin -inkey " + quoted(dir / "k.pem") + " -in " +
                quoted(dir / "message") + " -out " + quoted(dir / "signature")),
            0);
  const std::string signature_bytes = read_text(dir / "signature");
  ASSERT_EQ(signature_bytes.size(), 64u);
  Signature signature;
  std::copy(signature_bytes.begin(), signature_bytes.end(), signature.bytes.begin());
  EXPECT_TRUE(verify(*public_key, read_text(dir / "message"), signature));
}

TEST(KeyFileInterop, OpensslReadsAKeyWeWrote) {
  if (!have_openssl()) GTEST_SKIP() << "the openssl command is not installed";
  const TempDir dir;
  const SigningKey key = SigningKey::generate();
  ASSERT_TRUE(write_private_key_file(dir / "ours.pem", key).ok());
  ASSERT_EQ(run("openssl pkey -in " + quoted(dir / "ours.pem") + " -pubout -out " +
                quoted(dir / "ours.pub")),
            0);
  auto public_key = read_public_key_file(dir / "ours.pub");
  ASSERT_TRUE(public_key.ok()) << public_key.message();
  EXPECT_EQ(*public_key, key.public_key());
  EXPECT_EQ(read_text(dir / "ours.pub"), public_key_pem(key.public_key()));
}

}  // namespace
}  // namespace nodelock::crypto
