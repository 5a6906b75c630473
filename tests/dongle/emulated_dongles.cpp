#include "emulated_dongles.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace nodelock::dongle::testing {
namespace {

// NLDG v1, docs/dongle-protocol.md.
constexpr std::uint8_t kVendorInInterface = 0xC1;
constexpr std::uint8_t kVendorOutInterface = 0x41;
constexpr std::uint8_t kGetInfo = 0x01;
constexpr std::uint8_t kGetPublicKey = 0x02;
constexpr std::uint8_t kSign = 0x03;
constexpr std::uint8_t kReadSignature = 0x04;

// YubiKey OTP interface: HID feature report 0 on interface 0.
constexpr std::uint8_t kHidSetReport = 0x09;
constexpr std::uint8_t kHidGetReport = 0x01;
constexpr std::uint16_t kFeatureReport0 = 0x0300;
constexpr std::uint8_t kSlot2Challenge = 0x38;
constexpr std::uint8_t kDeviceSerial = 0x10;

std::uint16_t yubikey_crc(const std::uint8_t* data, std::size_t size) {
  std::uint16_t crc = 0xFFFF;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ 0x8408 : crc >> 1;
  }
  return crc;
}

}  // namespace

EmulatedNldg::EmulatedNldg(std::string fixture, std::string serial)
    : EmulatedDevice(std::move(fixture),
                     {"Nodelock Test Vendor", "NLDG Test Dongle", std::move(serial)}),
      key_(crypto::SigningKey::generate()) {}

Answer EmulatedNldg::request(const Setup& setup, const Bytes& data_out) {
  if (setup.value != 0 || setup.index != 0) return Answer::stalled();
  if (setup.request_type == kVendorInInterface) {
    switch (setup.request) {
      case kGetInfo: {
        if (setup.length != 8) return Answer::stalled();
        const std::uint8_t version = fault_ == Fault::protocol_version_2 ? 2 : 1;
        if (fault_ == Fault::short_info) return Answer::with({'N', 'L', 'D', 'G', 1});
        return Answer::with({'N', 'L', 'D', 'G', version, 1, 0, 0});
      }
      case kGetPublicKey:
        if (setup.length != 32) return Answer::stalled();
        return Answer::with(Bytes(key_.public_key().bytes.begin(), key_.public_key().bytes.end()));
      case kReadSignature:
        if (setup.length != 64) return Answer::stalled();
        return read_signature();
      default:
        return Answer::stalled();
    }
  }
  if (setup.request_type == kVendorOutInterface && setup.request == kSign && setup.length == 32) {
    return sign(data_out);
  }
  return Answer::stalled();
}

std::vector<Bytes> EmulatedNldg::challenges() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return challenges_;
}

Answer EmulatedNldg::sign(const Bytes& challenge) {
  if (fault_ == Fault::stall_sign) return Answer::stalled();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    challenges_.push_back(challenge);
  }
  Bytes message = {'N', 'L', 'D', 'G', 0x01};
  message.insert(message.end(), challenge.begin(), challenge.end());
  crypto::Signature signature = key_.sign(message);
  if (!first_) first_ = signature;
  if (fault_ == Fault::replay) signature = *first_;
  if (fault_ == Fault::wrong_signature) signature.bytes[10] ^= 0x01;
  pending_ = signature;
  ++signatures_made_;
  return Answer::done();
}

Answer EmulatedNldg::read_signature() {
  if (!pending_) return Answer::stalled();
  const Bytes signature(pending_->bytes.begin(), pending_->bytes.end());
  pending_.reset();
  switch (fault_.load()) {
    case Fault::silent_signature:
      return Answer::none();
    case Fault::unplug_on_read:
      return Answer::vanished();
    case Fault::short_signature:
      return Answer::with(Bytes(signature.begin(), signature.begin() + 40));
    default:
      return Answer::with(signature);
  }
}

EmulatedYubiKey::EmulatedYubiKey(std::array<std::uint8_t, 20> secret)
    : EmulatedDevice("yubikey.umockdev", {"Yubico", "YubiKey OTP+FIDO+CCID", ""}),
      secret_(secret) {}

Bytes EmulatedYubiKey::expected_response(const Bytes& challenge) const {
  Bytes mac(EVP_MAX_MD_SIZE);
  unsigned size = 0;
  HMAC(EVP_sha1(), secret_.data(), static_cast<int>(secret_.size()), challenge.data(),
       challenge.size(), mac.data(), &size);
  mac.resize(size);
  return mac;
}

Answer EmulatedYubiKey::request(const Setup& setup, const Bytes& data_out) {
  if (setup.value != kFeatureReport0 || setup.index != 0 || setup.length != 8) {
    return Answer::stalled();
  }
  if (setup.request_type == 0x21 && setup.request == kHidSetReport) {
    take_report(data_out);
    return Answer::done();
  }
  if (setup.request_type == 0xA1 && setup.request == kHidGetReport) {
    return Answer::with(next_report());
  }
  return Answer::stalled();
}

// A part of a frame (flag 0x80 | part number), or the reset that ends an answer.
void EmulatedYubiKey::take_report(const Bytes& report) {
  const std::uint8_t flags = report[7];
  if (flags == 0x8F) {
    answering_ = false;
    return;
  }
  if ((flags & 0x80) == 0) return;
  const std::size_t part = flags & 0x1F;
  if (part >= 10) return;
  if (part == 0) frame_.fill(0);
  std::copy(report.begin(), report.begin() + 7, frame_.begin() + static_cast<long>(part * 7));
  if (part == 9) run_command();
}

void EmulatedYubiKey::run_command() {
  const std::uint16_t crc = yubikey_crc(frame_.data(), 64);
  const bool intact = frame_[65] == (crc & 0xFF) && frame_[66] == (crc >> 8);
  Bytes result;
  if (intact && frame_[64] == kSlot2Challenge && !slot2_empty_) {
    result = expected_response(Bytes(frame_.begin(), frame_.begin() + 64));
    // OpenSSL keeps state per thread, and umockdev's handler thread may still
    // run when the leak checker looks at exit: hand it back after each use.
    OPENSSL_thread_stop();
    ++challenges_answered_;
  } else if (intact && frame_[64] == kDeviceSerial) {
    for (const int shift : {24, 16, 8, 0})
      result.push_back(static_cast<std::uint8_t>(serial >> shift));
  } else {
    answering_ = false;  // refused: the next report is a plain status report
    return;
  }
  const std::uint16_t trailer =
      static_cast<std::uint16_t>(~yubikey_crc(result.data(), result.size()));
  result.push_back(trailer & 0xFF);
  result.push_back(trailer >> 8);
  result.resize((result.size() + 6) / 7 * 7, 0);
  answer_ = result;
  answer_part_ = 0;
  answering_ = true;
}

// While answering: the parts flagged 0x40 | part number, then 0x40 alone.
// Otherwise the status report: firmware 5.4.3, programming sequence 1.
Bytes EmulatedYubiKey::next_report() {
  if (!answering_) return {0, 5, 4, 3, 1, 0x05, 0x07, 0};
  Bytes report(8, 0);
  if (answer_part_ * 7 < answer_.size()) {
    std::copy_n(answer_.begin() + static_cast<long>(answer_part_ * 7), 7, report.begin());
    report[7] = static_cast<std::uint8_t>(0x40 | answer_part_);
    ++answer_part_;
  } else {
    report[7] = 0x40;
  }
  return report;
}

}  // namespace nodelock::dongle::testing
