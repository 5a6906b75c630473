#include "device_output.h"

#include <cstdint>
#include <iostream>

#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {

namespace {

// Both ends of a seat transfer: where an ended seat went, where a seat came from.
void print_transfers(const nlohmann::json& activation) {
  const nlohmann::json to = activation.value("transferred_to", nlohmann::json());
  if (to.is_object()) {
    std::cout << "  transferred to " << text_of(to["to_machine_id"]) << " on "
              << utc_date(to["transferred_at"]);
    if (to["to_activation_id"].is_string()) {
      std::cout << ", taken by " << text_of(to["to_activation_id"]);
    } else {
      std::cout << ", seat held for it until " << utc_date(to["held_until"]);
    }
  }
  const nlohmann::json from = activation.value("transferred_from", nlohmann::json());
  if (from.is_object()) {
    std::cout << "  transferred from " << text_of(from["from_machine_id"]) << " ("
              << text_of(from["from_activation_id"]) << ") on " << utc_date(from["transferred_at"]);
  }
}

}  // namespace

std::string text_of(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void print_activations(const nlohmann::json& activations) {
  if (activations.empty()) std::cout << "No machines activated.\n";
  for (const auto& activation : activations) {
    std::cout << text_of(activation["id"]) << "  " << text_of(activation["machine_id"]) << "  "
              << text_of(activation["hostname"]) << "  " << text_of(activation["environment"])
              << "  " << text_of(activation["mode"]) << "  " << text_of(activation["status"])
              << "  activated " << utc_date(activation["activated_at"]) << ", last seen "
              << utc_date(activation["last_seen_at"]);
    const std::string user = activation.value("user", "");
    if (!user.empty()) std::cout << "  user " << user;
    if (activation.contains("reclaimed_at") && activation["reclaimed_at"].is_number_integer()) {
      const std::int64_t at = activation["reclaimed_at"];
      std::cout << "  reclaimed " << utc_timestamp(at) << " after "
                << duration_text(at - activation["last_seen_at"].get<std::int64_t>())
                << " without a check-in";
    }
    if (activation.contains("cloned_at") && activation["cloned_at"].is_number_integer()) {
      std::cout << "  CLONED since " << utc_date(activation["cloned_at"])
                << " (two machines check in as this one; see docs/SUPPORT.md)";
    }
    print_transfers(activation);
    std::cout << '\n';
  }
}

}  // namespace nodelock::cli
