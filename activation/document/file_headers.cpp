#include "nodelock/activation/file_headers.h"

namespace nodelock {

std::string with_header(const std::string& armored, std::string_view name, std::string_view value) {
  const auto end_of_headers = armored.find("\n\n");
  if (end_of_headers == std::string::npos) return armored;
  return armored.substr(0, end_of_headers + 1) + std::string(name) + ": " + std::string(value) +
         "\n" + armored.substr(end_of_headers + 1);
}

std::string claimed_machine(const Envelope& envelope) {
  const nlohmann::json& payload = envelope.unverified_payload();
  const auto machine = payload.find("machine_id");
  return machine != payload.end() && machine->is_string() ? machine->get<std::string>() : "";
}

Error wrong_file(const Envelope& envelope, const std::string& what_is_needed) {
  return make_error(
      ErrorCode::wrong_document,
      "This file is of type " + std::string(armor_label(envelope.type())) + "; " + what_is_needed);
}

}  // namespace nodelock
