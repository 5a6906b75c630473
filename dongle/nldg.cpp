#include "nldg.h"

#include <algorithm>

namespace nodelock::dongle::nldg {
namespace {

// Vendor requests to interface 0 (bmRequestType: direction | type vendor | recipient interface).
constexpr std::uint8_t kVendorIn = 0xC1;
constexpr std::uint8_t kVendorOut = 0x41;
constexpr std::uint16_t kInterface = 0;

constexpr std::uint8_t kGetInfo = 0x01;
constexpr std::uint8_t kGetPublicKey = 0x02;
constexpr std::uint8_t kSign = 0x03;
constexpr std::uint8_t kReadSignature = 0x04;

constexpr std::uint8_t kMagic[] = {'N', 'L', 'D', 'G'};
constexpr std::uint8_t kProtocolVersion = 0x01;
constexpr std::uint8_t kKeyTypeEd25519 = 0x01;

usb::ControlRequest in_request(std::uint8_t request) { return {kVendorIn, request, 0, kInterface}; }

}  // namespace

crypto::Bytes signed_message(const Challenge& challenge) {
  crypto::Bytes message(std::begin(kMagic), std::end(kMagic));
  message.push_back(kProtocolVersion);
  message.insert(message.end(), challenge.begin(), challenge.end());
  return message;
}

Status check_info(crypto::ByteView info, const std::string& device) {
  if (info.size() != info_size || !std::equal(std::begin(kMagic), std::end(kMagic), info.begin())) {
    return make_error(ErrorCode::io_error, "the " + device +
                                               " does not identify as an NLDG dongle: it is "
                                               "another vendor's device with the same USB id");
  }
  if (info.data()[4] != kProtocolVersion) {
    return make_error(ErrorCode::io_error, "the " + device + " speaks NLDG version " +
                                               std::to_string(info.data()[4]) +
                                               "; this nodelock speaks version 1: update nodelock");
  }
  if (info.data()[5] != kKeyTypeEd25519) {
    return make_error(ErrorCode::io_error, "the " + device + " uses key type " +
                                               std::to_string(info.data()[5]) +
                                               "; this nodelock knows only Ed25519 (1)");
  }
  return {};
}

Status identify(usb::Handle& handle) {
  if (auto claimed = handle.claim_interface(kInterface); !claimed.ok()) return claimed;
  auto info = handle.control_in(in_request(kGetInfo), info_size, "GET_INFO");
  if (!info.ok()) return info.error();
  return check_info(*info, handle.description());
}

Result<crypto::PublicKey> public_key(usb::Handle& handle) {
  crypto::PublicKey key;
  auto bytes = handle.control_in(in_request(kGetPublicKey), key.bytes.size(), "GET_PUBLIC_KEY");
  if (!bytes.ok()) return bytes.error();
  std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
  return key;
}

Result<crypto::Signature> sign(usb::Handle& handle, const Challenge& challenge) {
  const usb::ControlRequest sign_request{kVendorOut, kSign, 0, kInterface};
  if (auto sent = handle.control_out(sign_request, challenge, "SIGN"); !sent.ok()) {
    return sent.error();
  }
  crypto::Signature signature;
  auto bytes =
      handle.control_in(in_request(kReadSignature), signature.bytes.size(), "READ_SIGNATURE");
  if (!bytes.ok()) return bytes.error();
  std::copy(bytes->begin(), bytes->end(), signature.bytes.begin());
  return signature;
}

Status prove_key(usb::Handle& handle, const crypto::PublicKey& key) {
  Challenge challenge;
  crypto::random_bytes(challenge.data(), challenge.size());
  auto signature = sign(handle, challenge);
  if (!signature.ok()) return signature.error();
  if (!crypto::verify(key, signed_message(challenge), *signature)) {
    return make_error(ErrorCode::tampered,
                      "the " + handle.description() +
                          " answered the challenge with a signature that does not verify: it "
                          "is not the genuine dongle (or it replayed an old answer)");
  }
  return {};
}

}  // namespace nodelock::dongle::nldg
