// The host side of the YubiKey OTP interface: challenge-response and the
// device serial, as 8-byte HID feature reports over control transfers.
//
// A command is one 70-byte frame (64 payload bytes, the command byte, CRC-16
// of the payload little-endian, 3 zero bytes) sent as ten 7-byte parts, each in
// a report whose last byte is 0x80 | part number; all-zero parts other than
// the first and last are skipped. The key clears 0x80 when it has taken a part.
// Its answer comes back in reports flagged 0x40 | part number, followed by the
// ones' complement of the answer's CRC-16, so that the CRC over answer and
// trailer gives the fixed residual 0xF0B8.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"
#include "usb.h"

namespace nodelock::dongle::yubikey {

using Report = std::array<std::uint8_t, 8>;
using Challenge = std::array<std::uint8_t, 64>;
using Response = std::array<std::uint8_t, 20>;

inline constexpr std::uint8_t command_challenge_slot2 = 0x38;  // HMAC-SHA1, slot 2
inline constexpr std::uint8_t command_device_serial = 0x10;
inline constexpr std::uint16_t crc_residual = 0xF0B8;

// CRC-16 with polynomial 0x8408 (reflected 0x1021), initial value 0xFFFF and
// no final XOR (CRC-16/MCRF4XX).
std::uint16_t crc16(crypto::ByteView data);

// The reports that carry `command` with `payload` (at most 64 bytes).
std::vector<Report> frame_reports(std::uint8_t command, crypto::ByteView payload);

// The first `size` bytes of a reassembled answer whose CRC trailer checks;
// io_error naming `device` otherwise.
[[nodiscard]] Result<crypto::Bytes> checked_answer(crypto::ByteView answer, std::size_t size,
                                                   const std::string& device);

struct KeyStatus {
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::uint8_t build = 0;
  std::uint8_t programming_sequence = 0;

  std::string firmware() const;  // "5.4.3"
};

// Claims the OTP interface (0) and reads the key's status report.
[[nodiscard]] Result<KeyStatus> open(usb::Handle& handle);

// HMAC-SHA1 of `challenge` with the secret programmed into slot 2.
[[nodiscard]] Result<Response> challenge_response(usb::Handle& handle, const Challenge& challenge);

// The key's serial number; fails on keys configured to keep it hidden.
[[nodiscard]] Result<std::uint32_t> serial_number(usb::Handle& handle);

}  // namespace nodelock::dongle::yubikey
