// nodelock keygen: the vendor's Ed25519 key pair, made once and kept safe.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "key_source.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/key_file.h"

namespace nodelock::cli {
namespace {

constexpr std::string_view kUsage =
    R"(Usage: nodelock keygen --out FILE [--force] [--json]
       nodelock keygen --emit-cpp|--emit-c --pubkey FILE [--name NAME]

Creates a vendor Ed25519 signing key pair: FILE holds the private key (PEM
PKCS#8, readable by its owner only) and FILE.pub the public key (PEM). The
license server signs with the private key; applications, and the --pubkey
option of `nodelock activate` and `nodelock status`, trust the public key.
`openssl pkey` reads both files too.

Options:
  --out FILE   where to write the private key; FILE.pub is written beside it
  --force      replace existing key files (the key they held is lost)
  --json       print {"kid", "public_key", "private_key_file", "public_key_file"}

Compiling the public key into the application, so the key it trusts is part
of its signed binary rather than a file beside it:
  --emit-cpp   print a C++ header defining the key of --pubkey FILE as a
               nodelock::crypto::PublicKey named NAME (default kVendorPublicKey),
               ready for the Verifier's trusted keys
  --emit-c     print a C header defining its 32 bytes as NAME (default
               nodelock_vendor_public_key)
)";

// A refusal to overwrite says how to go ahead anyway, and at what cost.
Error with_force_hint(Error error) {
  if (error.code == ErrorCode::already_exists) {
    error.message += "; use --force to replace it (the key it holds is lost)";
  }
  return error;
}

// --emit-cpp or --emit-c: the public key as source, on stdout.
int run_emit(const Args& args) {
  const bool cpp = args.has("--emit-cpp");
  if (cpp == args.has("--emit-c") || args.get("--out") || args.has("--force")) {
    return report(make_error(ErrorCode::invalid_argument,
                             "give one of --emit-cpp and --emit-c, with --pubkey FILE and "
                             "without --out or --force"),
                  false);
  }
  auto file = args.require("--pubkey");
  if (!file.ok()) return report(file.error(), false);
  const std::string name =
      args.get("--name").value_or(cpp ? "kVendorPublicKey" : "nodelock_vendor_public_key");
  if (!is_c_identifier(name)) {
    return report(make_error(ErrorCode::invalid_argument,
                             "--name '" + name +
                                 "' is not a C or C++ variable name (letters, digits and _, "
                                 "not starting with a digit)"),
                  false);
  }
  auto key = crypto::read_public_key_file(*file);
  if (!key.ok()) return report(key.error(), false);
  const std::string from = std::filesystem::path(*file).filename().string();
  std::cout << (cpp ? cpp_key_source(*key, name, from) : c_key_source(*key, name, from));
  return exit_ok;
}

int run_keygen(const Args& args) {
  if (args.has("--emit-cpp") || args.has("--emit-c")) return run_emit(args);
  const bool json = args.has("--json");
  auto out = args.require("--out");
  if (!out.ok()) return report(out.error(), json);
  const std::filesystem::path private_path = *out;
  std::filesystem::path public_path = private_path;
  public_path += ".pub";
  const bool force = args.has("--force");
  // Both paths are checked before either is written, so a refusal leaves no new
  // private key behind without its public half.
  for (const auto& path : {private_path, public_path}) {
    std::error_code ignored;
    if (!force && std::filesystem::exists(std::filesystem::symlink_status(path, ignored))) {
      return report(
          with_force_hint(make_error(ErrorCode::already_exists, path.string() + " already exists")),
          json);
    }
  }

  const auto existing = force ? crypto::ExistingFile::replace : crypto::ExistingFile::refuse;
  const crypto::SigningKey key = crypto::SigningKey::generate();
  Status written = crypto::write_private_key_file(private_path, key, existing);
  if (written.ok()) {
    written = crypto::write_public_key_file(public_path, key.public_key(), existing);
  }
  if (!written.ok()) return report(with_force_hint(written.error()), json);

  const std::string kid = crypto::key_id(key.public_key());
  const std::string public_hex = encoding::hex(key.public_key().bytes);
  if (json) {
    std::cout << nlohmann::json{{"kid", kid},
                                {"public_key", public_hex},
                                {"private_key_file", private_path.string()},
                                {"public_key_file", public_path.string()}}
                     .dump()
              << '\n';
  } else {
    std::cout << "Wrote the vendor key pair.\n"
              << "  Private key file: " << private_path.string()
              << " (keep it secret: it signs every license)\n"
              << "  Public key file:  " << public_path.string() << '\n'
              << "  Key id:           " << kid << '\n'
              << "  Public key:       " << public_hex << '\n';
  }
  return exit_ok;
}

}  // namespace

const Command keygen_command = {
    "keygen",   "create a vendor Ed25519 key pair (FILE and FILE.pub)",
    kUsage,     {{"--out", "--pubkey", "--name"}, {"--force", "--emit-cpp", "--emit-c"}},
    run_keygen,
};

}  // namespace nodelock::cli
