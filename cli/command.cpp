#include "command.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace nodelock::cli {

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return exit_usage;
    case ErrorCode::unreachable:
    case ErrorCode::tls_failure:
      return exit_unreachable;
    case ErrorCode::malformed:
    case ErrorCode::tampered:
    case ErrorCode::unknown_signer:
    case ErrorCode::wrong_document:
    case ErrorCode::io_error:
    case ErrorCode::payload_too_large:
      return exit_bad_input;
    default:
      return exit_refused;
  }
}

int report(const Error& error, bool json) {
  if (json) {
    nlohmann::json body;
    body["error"] = {{"code", std::string(code_name(error.code))}, {"message", error.message}};
    std::cout << body.dump() << '\n';
  }
  std::cerr << "nodelock: " << error.message << '\n';
  return exit_code_for(error.code);
}

int show_answer(const Result<nlohmann::json>& answer, bool json,
                const std::function<void(const nlohmann::json& answer)>& print) {
  if (!answer.ok()) return report(answer.error(), json);
  if (json) {
    std::cout << answer->dump() << '\n';
  } else {
    print(*answer);
  }
  return exit_ok;
}

}  // namespace nodelock::cli
