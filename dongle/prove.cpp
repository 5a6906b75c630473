// Enrolment, proofs of presence, and the proof cache.
#include <mutex>
#include <optional>
#include <utility>

#include "discovery.h"
#include "nldg.h"
#include "nodelock/dongle/binding.h"
#include "yubikey.h"

namespace nodelock::dongle {
namespace {

using Clock = std::chrono::steady_clock;

// What a search for one dongle saw, so a refusal can say why.
struct Findings {
  std::optional<Error> failure;     // a device that may be the bound one failed its exchange
  std::optional<Error> permission;  // a device could not be opened
  std::vector<std::string> others;  // devices that are not the bound one, and why

  void saw(const Error& error) {
    if (error.code == ErrorCode::forbidden) {
      if (!permission) permission = error;
    } else {
      others.push_back(error.message);
    }
  }
  void failed(const Error& error) {
    if (!failure) failure = error;
  }

  // `missing` says what is not plugged in and what to do.
  Error refusal(std::string missing) const {
    if (failure) return *failure;
    if (permission) return *permission;
    if (others.empty()) return make_error(ErrorCode::dongle_missing, missing);
    std::string message = std::move(missing) + "; found instead: ";
    for (std::size_t i = 0; i < others.size(); ++i) message += (i == 0 ? "" : "; ") + others[i];
    return make_error(ErrorCode::dongle_missing, message);
  }
};

crypto::Digest yubikey_answer_hash(const YubiKeyBinding& binding, yubikey::Response& response) {
  const crypto::Digest hash = crypto::hmac_sha256(binding.salt, response);
  crypto::wipe(response.data(), response.size());
  return hash;
}

DongleProof proof_of(const PluggedDongle& dongle) {
  return DongleProof{dongle.family, dongle.serial, Clock::now()};
}

// Whether `inspected`, an NLDG dongle that answers, is the bound one and proves it.
std::optional<DongleProof> prove_nldg(const NldgBinding& binding, Inspected& inspected,
                                      Findings& findings) {
  if (inspected.dongle.public_key != binding.public_key) {
    findings.others.push_back("the " + inspected.dongle.describe() + " holds another key (id " +
                              crypto::key_id(*inspected.dongle.public_key) + ")");
    return std::nullopt;
  }
  if (auto proven = nldg::prove_key(*inspected.handle, binding.public_key); !proven.ok()) {
    findings.failed(proven.error());
    return std::nullopt;
  }
  return proof_of(inspected.dongle);
}

std::optional<DongleProof> prove_yubikey(const YubiKeyBinding& binding, Inspected& inspected,
                                         Findings& findings) {
  auto response = yubikey::challenge_response(*inspected.handle, binding.challenge);
  if (!response.ok()) {
    findings.failed(response.error());
    return std::nullopt;
  }
  if (!crypto::constant_time_equal(yubikey_answer_hash(binding, *response).bytes,
                                   binding.response_hash.bytes)) {
    findings.others.push_back("the " + inspected.dongle.describe() +
                              " answers differently from the enrolled key: it is another "
                              "YubiKey, or its slot 2 was programmed again");
    return std::nullopt;
  }
  return proof_of(inspected.dongle);
}

Result<DongleBinding> bind(Inspected& chosen) {
  usb::Handle& handle = *chosen.handle;
  if (chosen.dongle.family == Family::nldg) {
    const crypto::PublicKey key = *chosen.dongle.public_key;
    if (auto proven = nldg::prove_key(handle, key); !proven.ok()) return proven.error();
    return DongleBinding{NldgBinding{key}};
  }
  YubiKeyBinding binding;
  crypto::random_bytes(binding.challenge.data(), binding.challenge.size());
  crypto::random_bytes(binding.salt.data(), binding.salt.size());
  auto response = yubikey::challenge_response(handle, binding.challenge);
  if (!response.ok()) return response.error();
  binding.response_hash = yubikey_answer_hash(binding, *response);
  return DongleBinding{binding};
}

}  // namespace

Result<DongleBinding> enrol(const EnrolOptions& options) {
  auto bus = usb::Bus::open();
  if (!bus.ok()) return bus.error();
  std::vector<usb::Candidate> candidates = bus->allow_listed(options.device.allow_list);
  Findings findings;
  std::vector<Inspected> answering;
  for (usb::Candidate& candidate : candidates) {
    Inspected inspected = inspect(candidate, options.device.timeout);
    if (!inspected.handle) {
      findings.saw(inspected.failure);
    } else if (options.serial.empty() || inspected.dongle.serial == options.serial) {
      answering.push_back(std::move(inspected));
    }
  }
  if (answering.empty()) {
    return findings.refusal(options.serial.empty()
                                ? std::string("no dongle is plugged in to bind the license to")
                                : "no dongle with serial " + options.serial + " is plugged in");
  }
  if (answering.size() > 1) {
    std::string serials;
    for (const Inspected& each : answering) {
      serials += (serials.empty() ? "" : ", ") +
                 (each.dongle.serial.empty() ? "(no serial)" : each.dongle.serial);
    }
    return make_error(ErrorCode::conflict,
                      std::to_string(answering.size()) + " dongles are plugged in (serials " +
                          serials +
                          "): unplug all but the one to bind to, or choose it by its serial");
  }
  return bind(answering.front());
}

Result<DongleProof> prove(const DongleBinding& binding, const DeviceOptions& options) {
  auto bus = usb::Bus::open();
  if (!bus.ok()) return bus.error();
  Findings findings;
  for (usb::Candidate& candidate : bus->allow_listed(options.allow_list)) {
    if (candidate.identity().family != binding.family()) continue;
    Inspected inspected = inspect(candidate, options.timeout);
    if (!inspected.handle) {
      findings.saw(inspected.failure);
      continue;
    }
    const std::optional<DongleProof> proof =
        binding.family() == Family::nldg
            ? prove_nldg(std::get<NldgBinding>(binding.key), inspected, findings)
            : prove_yubikey(std::get<YubiKeyBinding>(binding.key), inspected, findings);
    if (proof) return *proof;
  }
  return findings.refusal("the license needs " + binding.describe() +
                          ", which is not plugged in; plug it in and try again");
}

struct ProofCache::State {
  DongleBinding binding;
  DeviceOptions options;
  std::chrono::milliseconds lifetime{};
  std::mutex mutex;
  std::optional<DongleProof> last;
};

ProofCache::ProofCache(DongleBinding binding, DeviceOptions options,
                       std::chrono::milliseconds lifetime)
    : state_(std::make_unique<State>()) {
  state_->binding = std::move(binding);
  state_->options = std::move(options);
  state_->lifetime = lifetime;
}

ProofCache::ProofCache(ProofCache&&) noexcept = default;
ProofCache& ProofCache::operator=(ProofCache&&) noexcept = default;
ProofCache::~ProofCache() = default;

Result<DongleProof> ProofCache::check() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->last && Clock::now() - state_->last->proven_at < state_->lifetime) {
    return *state_->last;
  }
  auto proof = prove(state_->binding, state_->options);
  if (proof.ok()) state_->last = *proof;
  return proof;
}

const DongleBinding& ProofCache::binding() const { return state_->binding; }

}  // namespace nodelock::dongle
