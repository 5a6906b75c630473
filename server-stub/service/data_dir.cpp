#include "nodelock/server/data_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/crypto/key_file.h"
#include "nodelock/server/admin_service.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kPepperBytes = 32;

fs::path vendor_key_path(const fs::path& dir) { return dir / "vendor.key"; }
fs::path pepper_path(const fs::path& dir) { return dir / "key.pepper"; }

Status make_private_dir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) {
    if (fs::is_directory(dir)) return {};
  }
  return make_error(ErrorCode::io_error, "cannot create the data directory " + dir.string() + ": " +
                                             std::strerror(errno));
}

// Group or others may read, write or enter it.
bool shared_with_others(fs::perms mode) {
  return (mode & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none;
}

std::string octal(fs::perms mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & fs::perms::mask));
  return text;
}

// ok when no one but the server's user can reach `path`; else the error
// saying so and the chmod that repairs it. `what` says why it matters.
Status private_to_owner(const fs::path& path, const std::string& what, const char* chmod_mode) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  // A file that is not there is not shared; the read that follows says it is missing.
  if (error || !shared_with_others(status.permissions())) return {};
  return make_error(ErrorCode::io_error,
                    path.string() + " " + what + " and is open to other users (mode " +
                        octal(status.permissions()) + "); run `chmod " + chmod_mode + " " +
                        path.string() + "` and start the server again");
}

// The directory and the two secrets in it: whoever reads either secret can
// sign licenses or test guessed license keys against a copied database.
Status check_private(const fs::path& dir) {
  if (Status shut = private_to_owner(dir, "holds the vendor key", "700"); !shut.ok()) return shut;
  if (Status shut = private_to_owner(vendor_key_path(dir), "signs every license", "600");
      !shut.ok()) {
    return shut;
  }
  return private_to_owner(pepper_path(dir), "keys the license key hashes", "600");
}

}  // namespace

std::string default_store_url(const fs::path& dir) {
  return "sqlite:" + (dir / "nodelock.db").string();
}

bool is_initialised(const fs::path& dir) {
  std::error_code ignored;
  return fs::exists(vendor_key_path(dir), ignored);
}

Result<FirstStart> initialise_data_dir(const fs::path& dir, const std::string& store_url) {
  if (is_initialised(dir)) {
    return make_error(ErrorCode::already_exists,
                      dir.string() +
                          " is already initialised; its vendor key signed the "
                          "licenses in use, so it is never replaced");
  }
  if (Status made = make_private_dir(dir); !made.ok()) return made.error();
  // A directory that was there before (made by hand or by a package) must be
  // private before any secret goes into it.
  if (Status shut = private_to_owner(dir, "is the data directory", "700"); !shut.ok()) {
    return shut.error();
  }
  crypto::Bytes pepper = crypto::random_bytes(kPepperBytes);
  std::string pepper_text = encoding::hex(pepper) + "\n";
  Status pepper_written = write_file_atomic(pepper_path(dir), pepper_text);
  crypto::wipe(pepper.data(), pepper.size());
  crypto::wipe(pepper_text.data(), pepper_text.size());
  if (!pepper_written.ok()) return pepper_written.error();

  auto store = open_store(store_url);
  if (!store.ok()) return store.error();
  auto token =
      issue_admin_token(**store, AdminRole::admin, {std::string(kServerActor), std::time(nullptr)});
  if (!token.ok()) return token.error();

  // The vendor key goes last: its presence marks the directory initialised, so
  // an init that failed before it can simply be run again.
  const crypto::SigningKey vendor_key = crypto::SigningKey::generate();
  Status public_written = crypto::write_public_key_file(
      dir / "vendor.key.pub", vendor_key.public_key(), crypto::ExistingFile::replace);
  if (!public_written.ok()) return public_written.error();
  Status key_written = crypto::write_private_key_file(vendor_key_path(dir), vendor_key);
  if (!key_written.ok()) return key_written.error();
  return FirstStart{std::move(token->token), vendor_key.public_key(),
                    crypto::key_id(vendor_key.public_key())};
}

Result<ServerSecrets> load_secrets(const fs::path& dir) {
  if (Status shut = check_private(dir); !shut.ok()) return shut.error();
  auto vendor_key = crypto::read_private_key_file(vendor_key_path(dir));
  if (!vendor_key.ok()) return vendor_key.error();
  auto pepper_text = read_file(pepper_path(dir), 1024);
  if (!pepper_text.ok()) return pepper_text.error();
  std::string_view hex_digits(*pepper_text);
  while (!hex_digits.empty() && hex_digits.back() == '\n') hex_digits.remove_suffix(1);
  auto pepper = encoding::from_hex(hex_digits);
  crypto::wipe(pepper_text->data(), pepper_text->size());
  if (!pepper.ok() || pepper->size() != kPepperBytes) {
    return make_error(ErrorCode::malformed, pepper_path(dir).string() +
                                                " is damaged; restore it from a backup (without "
                                                "it no license key can be checked)");
  }
  return ServerSecrets{std::move(*vendor_key), std::move(*pepper)};
}

}  // namespace nodelock::server
