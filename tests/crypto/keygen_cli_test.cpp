// `nodelock keygen`, run as a vendor would run it: the built binary, its exit
// codes, the files it leaves and what it prints.
#include <gtest/gtest.h>

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

// Runs `nodelock <arguments>` (already shell-quoted) in `dir`.
ProcessResult nodelock_in(const TempDir& dir, const std::string& arguments) {
  return nodelock::testing::run_shell("cd '" + dir.path().string() + "' && '" +
                                      nodelock::testing::nodelock_binary().string() + "' " +
                                      arguments);
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

}  // namespace
}  // namespace nodelock::crypto
