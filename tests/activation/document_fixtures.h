// Documents for the activation tests: realistic payloads, and an independent
// writer of the armor and envelope that follows docs/FORMATS.md by hand, so tests
// can craft documents the library itself would refuse to make.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodelock/activation/document.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock::testing {

// A license payload of about 1 KB, shaped like the ones the server issues.
inline nlohmann::json license_payload() {
  return {
      {"v", 1},
      {"type", "license"},
      {"license_id", "lic_01HV7K2MQ9XD4TRB0WHE5N3PZC"},
      {"activation_id", "act_01HV7K3A8Q2W6YV1BNX4KD9FJT"},
      {"product", "acme-cad"},
      {"licensee", "Müller & Söhne Ingenieure GmbH"},
      {"model", "node-locked"},
      {"term", "subscription"},
      {"features", nlohmann::json::array({"export-dwg", "render", "scripting", "cloud-sync"})},
      {"issued_at", 1767225600},
      {"refresh_by", 1769817600},
      {"expires_at", 1798761600},
      {"grace_days", 14},
      {"max_version", 4},
      {"machine_id", "NL-7K2M-Q9XD-4TRB-0WHE"},
      {"fingerprint",
       {{"cpu", nlohmann::json::array({"q1JrWZbq2S6n0pZ0WjJ9uXo5u5m0Hn1o2w0kq8lq0V4="})},
        {"disk", nlohmann::json::array({"Z1c3vKz7F2m8wQp0aU9yJr4tB6nX5eD1hG3iK7lM9oA="})},
        {"mac", nlohmann::json::array({"7xQ2mN4pR6sT8uV0wY1zA3bC5dE7fG9hJ1kL3mN5pQ=",
                                       "pR6sT8uV0wY1zA3bC5dE7fG9hJ1kL3mN5pQ7xQ2mN4="})},
        {"machine_id", nlohmann::json::array({"bC5dE7fG9hJ1kL3mN5pQ7xQ2mN4pR6sT8uV0wY1zA3="})}}},
      {"match_policy",
       {{"threshold", 60},
        {"required", nlohmann::json::array({"disk"})},
        {"weights", {{"cpu", 10}, {"disk", 35}, {"mac", 25}, {"machine_id", 20}, {"board", 30}}}}},
      {"device_public_key", "yA3bC5dE7fG9hJ1kL3mN5pQ7xQ2mN4pR6sT8uV0wY1z="},
      {"request_nonce", "k3mN5pQ7xQ2mN4pR6sT8uQ=="},
  };
}

inline std::vector<Header> license_headers() {
  return {{"Product", "Acme CAD 4"},
          {"Licensee", "Müller & Söhne Ingenieure GmbH"},
          {"Machine", "NL-7K2M-Q9XD-4TRB-0WHE"}};
}

// The bytes a document's signature covers.
inline std::string signing_message(std::string_view label, std::string_view payload_text) {
  return "nodelock-v1 " + std::string(label) + "\n" + std::string(payload_text);
}

// An envelope text exactly as given, base64-encoded and wrapped in armor.
inline std::string armor(std::string_view label, std::string_view envelope_text,
                         std::string_view header_lines = "") {
  const std::string body = encoding::base64(envelope_text);
  std::string text =
      "-----BEGIN NODELOCK " + std::string(label) + "-----\n" + std::string(header_lines) + "\n";
  for (std::size_t at = 0; at < body.size(); at += 64) text += body.substr(at, 64) + "\n";
  return text + "-----END NODELOCK " + std::string(label) + "-----\n";
}

// A document assembled by hand: `payload_text` is signed as it is, whatever it
// holds, by `key` under `label`, and claims key id `kid`.
inline std::string hand_signed(std::string_view label, std::string_view payload_text,
                               const crypto::SigningKey& key, const std::string& kid) {
  const crypto::Signature signature = key.sign(signing_message(label, payload_text));
  const std::string envelope = R"({"alg":"ed25519","kid":")" + kid + R"(","payload":)" +
                               std::string(payload_text) + R"(,"sig":")" +
                               encoding::base64(signature.bytes) + R"("})";
  return armor(label, envelope);
}

}  // namespace nodelock::testing
