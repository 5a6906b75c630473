#include "yubikey.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace nodelock::dongle::yubikey {
namespace {

// HID class requests to interface 0 for feature report 0.
constexpr usb::ControlRequest kSetReport{0x21, 0x09, 0x0300, 0};
constexpr usb::ControlRequest kGetReport{0xA1, 0x01, 0x0300, 0};
constexpr int kOtpInterface = 0;

constexpr std::size_t kPartSize = 7;
constexpr std::size_t kPayloadSize = 64;
constexpr std::size_t kFrameSize = 70;  // payload, command, CRC (2), filler (3)
constexpr std::size_t kMaxAnswerParts = 10;

constexpr std::uint8_t kWritePending = 0x80;
constexpr std::uint8_t kResponsePending = 0x40;
constexpr std::uint8_t kWaitingForTouch = 0x20;
constexpr std::uint8_t kSequenceMask = 0x1F;
// Written after an answer has been read, so the key leaves its answer mode.
constexpr std::uint8_t kResetAnswer = 0x8F;

using Clock = std::chrono::steady_clock;

Result<Report> read_report(usb::Handle& handle, std::string_view step) {
  auto bytes = handle.control_in(kGetReport, sizeof(Report), step);
  if (!bytes.ok()) return bytes.error();
  Report report;
  std::copy(bytes->begin(), bytes->end(), report.begin());
  return report;
}

Status write_report(usb::Handle& handle, const Report& report, std::string_view step) {
  return handle.control_out(kSetReport, report, step);
}

Error timed_out(const usb::Handle& handle, bool touch) {
  return make_error(
      ErrorCode::io_error,
      "the " + handle.description() + " did not answer within " +
          std::to_string(handle.timeout().count()) + " ms" +
          (touch ? ": it waits for a touch; touch it when asked, or program slot 2 without "
                   "the touch requirement"
                 : ""));
}

// Waits until the key has taken the previous part of a frame.
Status await_writable(usb::Handle& handle, Clock::time_point deadline) {
  while (true) {
    auto report = read_report(handle, "a status report");
    if (!report.ok()) return report.error();
    if (((*report)[7] & kWritePending) == 0) return {};
    if (Clock::now() > deadline) return timed_out(handle, false);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

Result<crypto::Bytes> read_answer(usb::Handle& handle, Clock::time_point deadline,
                                  std::string_view rejected) {
  crypto::Bytes answer;
  std::uint8_t next_part = 0;
  bool touch = false;
  while (true) {
    auto report = read_report(handle, "the answer");
    if (!report.ok()) return report.error();
    const std::uint8_t flags = (*report)[7];
    if ((flags & kResponsePending) != 0) {
      const std::uint8_t part = flags & kSequenceMask;
      if (part == 0 && next_part > 0) break;
      if (part != next_part || next_part == kMaxAnswerParts) {
        return make_error(ErrorCode::io_error,
                          "the " + handle.description() + " sent its answer out of sequence");
      }
      answer.insert(answer.end(), report->begin(), report->begin() + kPartSize);
      ++next_part;
      continue;
    }
    if (flags == 0) {
      return make_error(ErrorCode::io_error,
                        next_part > 0
                            ? "the " + handle.description() + " broke off its answer"
                            : "the " + handle.description() + " " + std::string(rejected));
    }
    touch = touch || (flags & kWaitingForTouch) != 0;
    if (Clock::now() > deadline) return timed_out(handle, touch);
    std::this_thread::sleep_for(std::chrono::milliseconds(touch ? 20 : 1));
  }
  Report reset{};
  reset[7] = kResetAnswer;
  if (auto written = write_report(handle, reset, "the end of the answer"); !written.ok()) {
    return written.error();
  }
  return answer;
}

// Sends `command` and returns its checked `answer_size`-byte answer; `rejected`
// completes "the YubiKey …" when the key refuses the command.
Result<crypto::Bytes> exchange(usb::Handle& handle, std::uint8_t command, crypto::ByteView payload,
                               std::size_t answer_size, std::string_view rejected) {
  const Clock::time_point deadline = Clock::now() + handle.timeout();
  for (const Report& report : frame_reports(command, payload)) {
    if (auto ready = await_writable(handle, deadline); !ready.ok()) return ready.error();
    if (auto written = write_report(handle, report, "the challenge"); !written.ok()) {
      return written.error();
    }
  }
  auto answer = read_answer(handle, deadline, rejected);
  if (!answer.ok()) return answer.error();
  return checked_answer(*answer, answer_size, handle.description());
}

}  // namespace

std::uint16_t crc16(crypto::ByteView data) {
  std::uint16_t crc = 0xFFFF;
  for (const std::uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) {
      const bool carry = (crc & 1) != 0;
      crc >>= 1;
      if (carry) crc ^= 0x8408;
    }
  }
  return crc;
}

std::vector<Report> frame_reports(std::uint8_t command, crypto::ByteView payload) {
  std::array<std::uint8_t, kFrameSize> frame{};
  std::copy_n(payload.begin(), std::min(payload.size(), kPayloadSize), frame.begin());
  frame[kPayloadSize] = command;
  const std::uint16_t crc = crc16(crypto::ByteView(frame.data(), kPayloadSize));
  frame[kPayloadSize + 1] = static_cast<std::uint8_t>(crc & 0xFF);
  frame[kPayloadSize + 2] = static_cast<std::uint8_t>(crc >> 8);

  std::vector<Report> reports;
  const std::size_t parts = kFrameSize / kPartSize;
  for (std::size_t part = 0; part < parts; ++part) {
    Report report{};
    std::copy_n(frame.begin() + static_cast<long>(part * kPartSize), kPartSize, report.begin());
    const bool blank = std::all_of(report.begin(), report.begin() + kPartSize,
                                   [](std::uint8_t byte) { return byte == 0; });
    if (blank && part != 0 && part != parts - 1) continue;
    report[7] = static_cast<std::uint8_t>(kWritePending | part);
    reports.push_back(report);
  }
  return reports;
}

Result<crypto::Bytes> checked_answer(crypto::ByteView answer, std::size_t size,
                                     const std::string& device) {
  if (answer.size() < size + 2) {
    return make_error(ErrorCode::io_error, "the " + device + " answered " +
                                               std::to_string(answer.size()) + " bytes where " +
                                               std::to_string(size + 2) + " were expected");
  }
  if (crc16(crypto::ByteView(answer.data(), size + 2)) != crc_residual) {
    return make_error(ErrorCode::io_error,
                      "the " + device + " sent an answer that fails its checksum");
  }
  return crypto::Bytes(answer.begin(), answer.begin() + static_cast<long>(size));
}

std::string KeyStatus::firmware() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(build);
}

Result<KeyStatus> open(usb::Handle& handle) {
  if (auto claimed = handle.claim_interface(kOtpInterface); !claimed.ok()) return claimed.error();
  auto report = read_report(handle, "its status report");
  if (!report.ok()) return report.error();
  if (((*report)[7] & kResponsePending) != 0) {
    // Another program left an answer unread; drop it so this exchange starts clean.
    Report reset{};
    reset[7] = kResetAnswer;
    if (auto written = write_report(handle, reset, "a reset"); !written.ok()) {
      return written.error();
    }
    report = read_report(handle, "its status report");
    if (!report.ok()) return report.error();
  }
  KeyStatus status;
  status.major = (*report)[1];
  status.minor = (*report)[2];
  status.build = (*report)[3];
  status.programming_sequence = (*report)[4];
  return status;
}

Result<Response> challenge_response(usb::Handle& handle, const Challenge& challenge) {
  Response response;
  auto answer = exchange(handle, command_challenge_slot2, challenge, response.size(),
                         "refused the challenge: program its slot 2 for HMAC-SHA1 "
                         "challenge-response (ykman otp chalresp --generate 2)");
  if (!answer.ok()) return answer.error();
  std::copy(answer->begin(), answer->end(), response.begin());
  return response;
}

Result<std::uint32_t> serial_number(usb::Handle& handle) {
  auto answer = exchange(handle, command_device_serial, crypto::ByteView(), 4,
                         "keeps its serial number hidden");
  if (!answer.ok()) return answer.error();
  return static_cast<std::uint32_t>((*answer)[0]) << 24 |
         static_cast<std::uint32_t>((*answer)[1]) << 16 |
         static_cast<std::uint32_t>((*answer)[2]) << 8 | static_cast<std::uint32_t>((*answer)[3]);
}

}  // namespace nodelock::dongle::yubikey
