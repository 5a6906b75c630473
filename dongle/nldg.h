// The host side of NLDG v1, byte for byte as docs/dongle-protocol.md specifies.
#pragma once

#include <array>
#include <cstdint>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"
#include "usb.h"

namespace nodelock::dongle::nldg {

using Challenge = std::array<std::uint8_t, 32>;

inline constexpr std::size_t info_size = 8;

// "NLDG", 0x01, then the challenge: what the dongle signs. The prefix keeps the
// dongle's key from ever signing bytes that could mean something elsewhere.
crypto::Bytes signed_message(const Challenge& challenge);

// Checks a GET_INFO answer: magic "NLDG", protocol version 1, key type 1
// (Ed25519); the two reserved bytes are ignored. `device` names it in errors.
[[nodiscard]] Status check_info(crypto::ByteView info, const std::string& device);

// Claims interface 0 and asks GET_INFO: the device is an NLDG v1 Ed25519 dongle.
[[nodiscard]] Status identify(usb::Handle& handle);

[[nodiscard]] Result<crypto::PublicKey> public_key(usb::Handle& handle);

// SIGN with `challenge`, then READ_SIGNATURE.
[[nodiscard]] Result<crypto::Signature> sign(usb::Handle& handle, const Challenge& challenge);

// Has the dongle sign a fresh random challenge and checks the signature with
// `key`: tampered when it does not verify.
[[nodiscard]] Status prove_key(usb::Handle& handle, const crypto::PublicKey& key);

}  // namespace nodelock::dongle::nldg
