// nodelock offline inspect: what a document file says, and whether it is intact,
// for support staff reading it out over the phone.
#include <algorithm>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "nodelock/activation/document.h"
#include "nodelock/activation/license_key.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/crypto/key_file.h"

namespace nodelock::cli {
namespace {

enum class SignatureState { valid, invalid, unchecked };

struct SignatureVerdict {
  SignatureState state = SignatureState::unchecked;
  std::string explanation;  // for people: which key checked it, or why it failed
  ErrorCode code = ErrorCode::tampered;
};

struct CheckingKey {
  crypto::PublicKey key;
  std::string source;
};

bool signed_by_device(DocumentType type) {
  return type == DocumentType::activation_request || type == DocumentType::deactivation_receipt;
}

// A device-signed document carries the public key of the device that signed it.
// Checking against it proves the file is intact, not whose device made it: the
// server decides that when it matches the key to the activation.
Result<std::optional<CheckingKey>> checking_key(const Envelope& envelope, const Args& args) {
  const nlohmann::json& payload = envelope.unverified_payload();
  const auto device_key = payload.find("device_public_key");
  if (signed_by_device(envelope.type()) && device_key != payload.end()) {
    const Error not_a_key =
        make_error(ErrorCode::malformed, "the file's device_public_key is not base64 of 32 bytes");
    if (!device_key->is_string()) return not_a_key;
    auto bytes = encoding::from_base64(device_key->get_ref<const std::string&>());
    CheckingKey checking{{}, "the device key the file carries"};
    if (!bytes.ok() || bytes->size() != checking.key.bytes.size()) return not_a_key;
    std::copy(bytes->begin(), bytes->end(), checking.key.bytes.begin());
    return std::optional<CheckingKey>(checking);
  }
  if (const auto path = args.get("--pubkey")) {
    auto key = crypto::read_public_key_file(*path);
    if (!key.ok()) return key.error();
    return std::optional<CheckingKey>(CheckingKey{*key, *path});
  }
  return std::optional<CheckingKey>();
}

SignatureVerdict check_signature(const Envelope& envelope, const Args& args) {
  auto key = checking_key(envelope, args);
  if (!key.ok()) return {SignatureState::invalid, key.message(), key.code()};
  if (!*key) {
    return {SignatureState::unchecked,
            signed_by_device(envelope.type())
                ? "not checked (the file carries no device key; give --pubkey)"
                : "not checked (give --pubkey)"};
  }
  auto verified = verify_envelope(envelope, (*key)->key);
  if (!verified.ok()) return {SignatureState::invalid, verified.message(), verified.code()};
  return {SignatureState::valid, "valid, checked with " + (*key)->source};
}

std::string_view state_name(SignatureState state) {
  switch (state) {
    case SignatureState::valid:
      return "valid";
    case SignatureState::invalid:
      return "invalid";
    case SignatureState::unchecked:
      return "unchecked";
  }
  return "unchecked";
}

// A request carries the whole license key, signed. Shown, it is masked as the
// file's Key header and every listing mask it: an inspection pasted into a
// ticket must not hand the key to whoever reads it.
nlohmann::json payload_to_show(const Envelope& envelope) {
  nlohmann::json payload = envelope.unverified_payload();
  const auto key = payload.find("key");
  if (key == payload.end() || !key->is_string()) return payload;
  const std::string typed = key->get<std::string>();
  auto parsed = LicenseKey::parse(typed);
  *key =
      "...-" + (parsed.ok() ? parsed->last_group()
                            : typed.substr(typed.size() - std::min<std::size_t>(5, typed.size())));
  return payload;
}

void print_for_people(const Envelope& envelope, const SignatureVerdict& verdict) {
  std::cout << "Type:       " << armor_label(envelope.type()) << '\n'
            << "Signed by:  key " << envelope.kid() << '\n'
            << "Signature:  " << (verdict.state == SignatureState::invalid ? "INVALID: " : "")
            << verdict.explanation << '\n';
  if (!envelope.headers().empty()) {
    std::cout << "Headers (not verified; anyone can edit them):\n";
    for (const Header& header : envelope.headers()) {
      std::cout << "  " << header.name << ": " << header.value << '\n';
    }
  }
  std::cout << "Payload" << (verdict.state == SignatureState::valid ? "" : " (not verified)")
            << ":\n"
            << payload_to_show(envelope).dump(2, ' ', false,
                                              nlohmann::json::error_handler_t::replace)
            << '\n';
}

void print_json(const Envelope& envelope, const SignatureVerdict& verdict) {
  nlohmann::json headers = nlohmann::json::object();
  for (const Header& header : envelope.headers()) headers[header.name] = header.value;
  const nlohmann::json out = {{"type", type_name(envelope.type())},
                              {"headers", headers},
                              {"kid", envelope.kid()},
                              {"payload", payload_to_show(envelope)},
                              {"signature", state_name(verdict.state)}};
  std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

int run_inspect(const Args& args) {
  const bool json = args.has("--json");
  if (args.positional().size() != 1) {
    return report(make_error(ErrorCode::invalid_argument,
                             "give one document file: nodelock offline inspect FILE"),
                  json);
  }
  auto text = read_file(args.positional()[0], kMaxDocumentFileSize);
  if (!text.ok()) return report(text.error(), json);
  auto envelope = parse_document(*text);
  if (!envelope.ok()) return report(envelope.error(), json);

  const SignatureVerdict verdict = check_signature(*envelope, args);
  if (json) {
    print_json(*envelope, verdict);
  } else {
    print_for_people(*envelope, verdict);
  }
  if (verdict.state != SignatureState::invalid) return exit_ok;
  std::cerr << "nodelock: " << verdict.explanation << '\n';
  return exit_code_for(verdict.code);
}

}  // namespace

const Command offline_inspect_command{
    "offline inspect",
    "show what a nodelock document file says, and whether it is intact",
    "Usage: nodelock offline inspect FILE [--pubkey FILE] [--json]\n\n"
    "Shows a document's type, signing key, headers and payload, and checks its\n"
    "signature: activation requests and deactivation receipts against the device key\n"
    "they carry, other documents against the vendor public key given with --pubkey\n"
    "(PEM, 64 hex digits or base64). Headers are never signed: do not rely on them.\n"
    "A request's license key is shown by its last group only (...-ZC8FA).\n"
    "With --json: {\"type\", \"headers\", \"kid\", \"payload\", \"signature\"}, where\n"
    "signature is \"valid\", \"invalid\" or \"unchecked\".\n"
    "Exit codes: 0 intact (or not checked), 2 usage, 4 unreadable, malformed or\n"
    "tampered file.\n",
    {{"--pubkey"}, {}},
    run_inspect};

}  // namespace nodelock::cli
