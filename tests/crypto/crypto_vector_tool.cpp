// Built once per crypto backend, so that two processes with different backends
// can check each other's Ed25519 signatures (one library holds only one backend).
//
//   messages N   print N test cases "seed message" (hex, "-" for an empty message):
//                random seeds, messages from empty to 64 KiB
//   sign         read cases, print "public_key message signature" (hex)
//   verify       read signed lines; exit 1 unless every signature verifies and
//                no tampered copy does
#include <array>
#include <iostream>
#include <sstream>
#include <string>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace {

using nodelock::crypto::Bytes;

// Fills `fixed` from hex; false when the text is not exactly its size in hex.
template <std::size_t N>
bool from_hex(const std::string& text, std::array<std::uint8_t, N>& fixed) {
  const auto bytes = nodelock::encoding::from_hex(text);
  if (!bytes.ok() || bytes->size() != N) return false;
  std::copy(bytes->begin(), bytes->end(), fixed.begin());
  return true;
}

// An empty message is written "-" so that every line has all its fields.
std::string message_field(const Bytes& message) {
  return message.empty() ? "-" : nodelock::encoding::hex(message);
}

nodelock::Result<Bytes> parse_message_field(const std::string& field) {
  return nodelock::encoding::from_hex(field == "-" ? "" : field);
}

std::size_t message_size(int index) {
  constexpr std::size_t kFixed[] = {0, 1, 31, 32, 33, 64, 127, 1023, 1024, 65536};
  constexpr int kCount = sizeof kFixed / sizeof kFixed[0];
  if (index < kCount) return kFixed[index];
  Bytes random = nodelock::crypto::random_bytes(2);
  return (std::size_t{random[0]} << 8 | random[1]) % 4096;
}

int print_messages(int count) {
  for (int i = 0; i < count; ++i) {
    std::cout << nodelock::encoding::hex(nodelock::crypto::random_bytes(32)) << ' '
              << message_field(nodelock::crypto::random_bytes(message_size(i))) << '\n';
  }
  return 0;
}

int sign_messages() {
  std::string seed_hex, message_hex;
  while (std::cin >> seed_hex >> message_hex) {
    const auto seed = nodelock::encoding::from_hex(seed_hex);
    const auto message = parse_message_field(message_hex);
    if (!seed.ok() || !message.ok()) {
      std::cerr << "sign: a line is not hex\n";
      return 1;
    }
    auto key = nodelock::crypto::SigningKey::from_seed(*seed);
    if (!key.ok()) {
      std::cerr << "sign: " << key.message() << '\n';
      return 1;
    }
    std::cout << nodelock::encoding::hex(key->public_key().bytes) << ' ' << message_hex << ' '
              << nodelock::encoding::hex(key->sign(*message).bytes) << '\n';
  }
  return 0;
}

int verify_signatures() {
  std::string line;
  int line_number = 0, failures = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    std::istringstream fields(line);
    std::string key_hex, message_hex, signature_hex;
    fields >> key_hex >> message_hex >> signature_hex;
    nodelock::crypto::PublicKey key;
    nodelock::crypto::Signature signature;
    auto message = parse_message_field(message_hex);
    if (!from_hex(key_hex, key.bytes) || !from_hex(signature_hex, signature.bytes) ||
        !message.ok()) {
      std::cerr << "verify: line " << line_number << " is not a signed case\n";
      return 1;
    }
    nodelock::crypto::Signature tampered_signature = signature;
    tampered_signature.bytes[line_number % 64] ^= 0x01;
    Bytes tampered_message = *message;
    tampered_message.push_back(0);
    const bool genuine = nodelock::crypto::verify(key, *message, signature);
    const bool forged = nodelock::crypto::verify(key, *message, tampered_signature) ||
                        nodelock::crypto::verify(key, tampered_message, signature);
    if (!genuine || forged) {
      std::cerr << "verify: line " << line_number
                << (genuine ? ": a tampered copy verified\n" : ": the signature is rejected\n");
      ++failures;
    }
  }
  std::cerr << "verify: " << line_number << " signatures checked with "
            << nodelock::crypto::backend_name() << ", " << failures << " failures\n";
  return failures == 0 && line_number > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "messages" && argc == 3) return print_messages(std::stoi(argv[2]));
  if (mode == "sign" && argc == 2) return sign_messages();
  if (mode == "verify" && argc == 2) return verify_signatures();
  std::cerr << "usage: " << argv[0] << " messages N | sign | verify\n";
  return 2;
}
