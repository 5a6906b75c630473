// `nodelock keygen`, run as a vendor would run it: the built binary, its exit
// codes, the files it leaves and what it prints.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/key_file.h"
#include "process.h"
#include "temp_dir.h"

namespace nodelock::crypto {
namespace {

using nodelock::testing::file_mode;
using nodelock::testing::read_text;
using nodelock::testing::TempDir;

using nodelock::testing::ProcessResult;

// Runs the shell command `command` in `dir`.
ProcessResult shell_in(const TempDir& dir, const std::string& command) {
  return nodelock::testing::run_shell("cd '" + dir.path().string() + "' && " + command);
}

// Runs `nodelock <arguments>` (already shell-quoted) in `dir`.
ProcessResult nodelock_in(const TempDir& dir, const std::string& arguments) {
  return shell_in(dir, "'" + nodelock::testing::nodelock_binary().string() + "' " + arguments);
}

TEST(KeygenCommand, WritesAnOwnerOnlyPrivateKeyAndItsPublicKey) {
  const TempDir dir;
  const ProcessResult run = nodelock_in(dir, "keygen --out vendor.key --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(file_mode(dir / "vendor.key"), 0600u);

  const auto printed = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(printed.is_object()) << run.out;
  EXPECT_EQ(printed.value("private_key_file", ""), "vendor.key");
  EXPECT_EQ(printed.value("public_key_file", ""), "vendor.key.pub");
  auto key = read_private_key_file(dir / "vendor.key");
  ASSERT_TRUE(key.ok()) << key.message();
  auto public_key = read_public_key_file(dir / "vendor.key.pub");
  ASSERT_TRUE(public_key.ok()) << public_key.message();
  EXPECT_EQ(*public_key, key->public_key());
  EXPECT_EQ(printed.value("public_key", ""), encoding::hex(public_key->bytes));
  EXPECT_EQ(printed.value("kid", ""), key_id(*public_key));
  // The key that was written is a working signing key for the printed public key.
  EXPECT_TRUE(verify(*public_key, std::string("license"), key->sign(std::string("license"))));
}

TEST(KeygenCommand, PrintsTheKeyIdAndPublicKeyForPeople) {
  const TempDir dir;
  const ProcessResult run = nodelock_in(dir, "keygen --out vendor.key");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto public_key = read_public_key_file(dir / "vendor.key.pub");
  ASSERT_TRUE(public_key.ok()) << public_key.message();
  EXPECT_NE(run.out.find(key_id(*public_key)), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(encoding::hex(public_key->bytes)), std::string::npos) << run.out;
}

TEST(KeygenCommand, RefusesToOverwriteEitherFileWithoutForce) {
  const TempDir dir;
  ASSERT_EQ(nodelock_in(dir, "keygen --out vendor.key").exit_code, 0);
  const std::string original = read_text(dir / "vendor.key");

  const ProcessResult again = nodelock_in(dir, "keygen --out vendor.key");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("vendor.key already exists"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(read_text(dir / "vendor.key"), original);

  // Only the public half in the way: still refused, naming that file, nothing written.
  std::filesystem::rename(dir / "vendor.key", dir / "kept.key");
  const ProcessResult public_in_the_way = nodelock_in(dir, "keygen --out vendor.key --json");
  EXPECT_EQ(public_in_the_way.exit_code, 1);
  EXPECT_NE(public_in_the_way.err.find("vendor.key.pub already exists"), std::string::npos)
      << public_in_the_way.err;
  const auto error = nlohmann::json::parse(public_in_the_way.out, nullptr, false);
  EXPECT_EQ(error["error"].value("code", ""), "already_exists") << public_in_the_way.out;
  EXPECT_FALSE(std::filesystem::exists(dir / "vendor.key"));
}

TEST(KeygenCommand, ForceReplacesBothFilesWithANewKey) {
  const TempDir dir;
  ASSERT_EQ(nodelock_in(dir, "keygen --out vendor.key").exit_code, 0);
  auto before = read_public_key_file(dir / "vendor.key.pub");
  ASSERT_TRUE(before.ok());

  const ProcessResult forced = nodelock_in(dir, "keygen --out vendor.key --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  auto key = read_private_key_file(dir / "vendor.key");
  auto after = read_public_key_file(dir / "vendor.key.pub");
  ASSERT_TRUE(key.ok() && after.ok());
  EXPECT_NE(*after, *before);
  EXPECT_EQ(key->public_key(), *after);
  EXPECT_EQ(file_mode(dir / "vendor.key"), 0600u);
}

TEST(KeygenCommand, WithoutOutItIsAUsageError) {
  const TempDir dir;
  EXPECT_EQ(nodelock_in(dir, "keygen").exit_code, 2);
  EXPECT_EQ(nodelock_in(dir, "keygen --out").exit_code, 2);
  EXPECT_EQ(nodelock_in(dir, "keygen --out vendor.key --bogus").exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "vendor.key"));
}

TEST(KeygenCommand, AnUnwritableDirectoryIsReportedAndNothingIsLeft) {
  const TempDir dir;
  const ProcessResult run = nodelock_in(dir, "keygen --out missing/vendor.key");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("missing"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "missing"));
}

// Writes `program` beside the emitted header in `dir`, builds it with
// `compile` and runs it: what it prints.
ProcessResult build_and_run(const TempDir& dir, const std::string& source_name,
                            const std::string& program, const std::string& compile) {
  std::ofstream(dir / source_name) << program;
  const ProcessResult built = shell_in(dir, compile + " -o app " + source_name);
  EXPECT_EQ(built.exit_code, 0) << built.err;
  return nodelock::testing::run_shell("'" + (dir / "app").string() + "'");
}

TEST(KeygenCommand, EmitsTheKeyAsAC_PlusPlusHeaderTheApplicationCompilesIn) {
  const TempDir dir;
  ASSERT_EQ(nodelock_in(dir, "keygen --out vendor.key").exit_code, 0);
  const ProcessResult emitted =
      nodelock_in(dir, "keygen --emit-cpp --pubkey vendor.key.pub > vendor_key.h");
  ASSERT_EQ(emitted.exit_code, 0) << emitted.err;
  auto key = read_public_key_file(dir / "vendor.key.pub");
  ASSERT_TRUE(key.ok()) << key.message();
  EXPECT_NE(read_text(dir / "vendor_key.h").find(key_id(*key)), std::string::npos);

  const ProcessResult run = build_and_run(
      dir, "app.cpp",
      "#include <cstdio>\n#include \"vendor_key.h\"\n"
      "int main() { for (auto b : kVendorPublicKey.bytes) std::printf(\"%02x\", b); }\n",
      std::string("'") + NODELOCK_TEST_CXX + "' -std=c++17 -I'" + NODELOCK_CRYPTO_INCLUDE + "'");
  EXPECT_EQ(run.out, encoding::hex(key->bytes));
}

TEST(KeygenCommand, EmitsTheKeyAsACHeaderUnderTheNameGiven) {
  const TempDir dir;
  ASSERT_EQ(nodelock_in(dir, "keygen --out vendor.key").exit_code, 0);
  const ProcessResult emitted = nodelock_in(
      dir, "keygen --emit-c --pubkey vendor.key.pub --name acme_vendor_key > vendor_key.h");
  ASSERT_EQ(emitted.exit_code, 0) << emitted.err;
  auto key = read_public_key_file(dir / "vendor.key.pub");
  ASSERT_TRUE(key.ok()) << key.message();

  const ProcessResult run = build_and_run(
      dir, "app.c",
      "#include <stdio.h>\n#include \"vendor_key.h\"\n"
      "int main(void) { for (int i = 0; i < 32; ++i) printf(\"%02x\", acme_vendor_key[i]); "
      "return 0; }\n",
      std::string("'") + NODELOCK_TEST_CC + "' -std=c99 -Wall -Werror");
  EXPECT_EQ(run.out, encoding::hex(key->bytes));
}

TEST(KeygenCommand, EmittingRefusesABadNameOrAMissingKeyAndPrintsNothing) {
  const TempDir dir;
  ASSERT_EQ(nodelock_in(dir, "keygen --out vendor.key").exit_code, 0);
  for (const char* arguments :
       {"keygen --emit-cpp --pubkey vendor.key.pub --name '1key'",
        "keygen --emit-cpp --pubkey vendor.key.pub --name 'key;system()'", "keygen --emit-cpp",
        "keygen --emit-cpp --emit-c --pubkey vendor.key.pub",
        "keygen --emit-c --pubkey vendor.key.pub --out other.key"}) {
    const ProcessResult refused = nodelock_in(dir, arguments);
    EXPECT_EQ(refused.exit_code, 2) << arguments << ": " << refused.err;
    EXPECT_TRUE(refused.out.empty()) << arguments;
    EXPECT_FALSE(refused.err.empty()) << arguments;
  }
  const ProcessResult not_a_key = nodelock_in(dir, "keygen --emit-c --pubkey vendor.key");
  EXPECT_EQ(not_a_key.exit_code, 4) << not_a_key.err;
}

}  // namespace
}  // namespace nodelock::crypto
