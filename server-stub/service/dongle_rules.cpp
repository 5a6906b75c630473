#include "dongle_rules.h"

#include "license_rules.h"
#include "nodelock/dongle/binding_json.h"

namespace nodelock::server {
namespace {

std::string described(const std::optional<dongle::DongleBinding>& binding) {
  return binding ? binding->describe() : std::string("no dongle");
}

}  // namespace

std::string stored_dongle(const std::optional<dongle::DongleBinding>& binding) {
  return binding ? dongle::to_json(*binding).dump() : std::string();
}

Result<std::optional<dongle::DongleBinding>> dongle_of(const Activation& seat) {
  if (seat.dongle.empty()) return std::optional<dongle::DongleBinding>();
  auto binding =
      dongle::dongle_binding_from_json(nlohmann::json::parse(seat.dongle, nullptr, false));
  if (!binding.ok()) {
    return make_error(ErrorCode::server_error, "the dongle binding of activation " + seat.id +
                                                   " is stored unreadably; contact the vendor");
  }
  return std::optional<dongle::DongleBinding>(std::move(*binding));
}

Status require_dongle(const License& license, const fingerprint::MatchPolicy& policy,
                      const ActivationRequest& request) {
  if (request.dongle || !policy.is_required(fingerprint::Kind::dongle)) return {};
  return make_error(ErrorCode::dongle_missing,
                    "license " + key_display(license) +
                        " must be bound to a dongle: plug in the dongle and run `nodelock "
                        "activate` (or `nodelock offline request`) with --dongle");
}

Status keeps_its_dongle(Store& store, const ActivationRequest& request) {
  auto seat = store.activation(*request.activation_id);
  if (!seat.ok()) return {};
  if (seat->dongle == stored_dongle(request.dongle)) return {};
  auto held = dongle_of(*seat);
  if (!held.ok()) return held.error();
  return make_error(ErrorCode::machine_mismatch,
                    "activation " + seat->id + " is bound to " + described(*held) +
                        ", but this refresh names " + described(request.dongle) +
                        "; a refresh keeps the seat's dongle: refresh from the installation "
                        "that holds the license, or activate again with --dongle to bind "
                        "another dongle");
}

}  // namespace nodelock::server
