#include "admin_client.h"

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <utility>

#include "nodelock/crypto/numbers.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {

Result<ServerOptions> admin_server_options(const Args& args) {
  ServerOptions options;
  auto url = args.require("--server");
  if (!url.ok()) return url.error();
  options.url = *url;
  options.ca_file = args.get("--ca").value_or("");
  const char* token_from_environment = std::getenv("NODELOCK_ADMIN_TOKEN");
  options.bearer_token =
      args.get("--token").value_or(token_from_environment ? token_from_environment : "");
  if (options.bearer_token.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "missing --token (or NODELOCK_ADMIN_TOKEN): this command needs an admin "
                      "token");
  }
  return options;
}

int call_server(const Args& args,
                const std::function<Result<nlohmann::json>(const ServerClient&)>& request,
                const std::function<void(const nlohmann::json& reply)>& print) {
  const bool json = args.has("--json");
  auto options = admin_server_options(args);
  if (!options.ok()) return report(options.error(), json);
  auto client = ServerClient::connect(*options);
  if (!client.ok()) return report(client.error(), json);
  return show_answer(request(*client), json, print);
}

Result<std::string> with_range(const Args& args, std::string path) {
  char separator = path.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [flag, name] : {std::pair{"--from", "from"}, {"--to", "to"}}) {
    if (auto value = args.get(flag)) {
      // Checked here, so a typo is a usage error told before any request and
      // the value cannot carry more of the query than itself.
      if (auto time = parse_time_or_date(*value, flag); !time.ok()) return time.error();
      path += separator + std::string(name) + "=" + *value;
      separator = '&';
    }
  }
  return path;
}

Result<std::string> single_operand(const std::vector<std::string>& operands, const char* what) {
  if (operands.size() != 1) {
    return make_error(ErrorCode::invalid_argument, std::string("give exactly one ") + what);
  }
  return operands[0];
}

Result<int> whole_number(const Args& args, const char* flag) {
  auto text = args.require(flag);
  if (!text.ok()) return text.error();
  auto number = parse_whole_number(*text, flag, 0, kMaxFlagNumber);
  if (!number.ok()) return number.error();
  return static_cast<int>(*number);
}

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto first = item.find_first_not_of(' ');
    if (first != std::string::npos)
      items.push_back(item.substr(first, item.find_last_not_of(' ') - first + 1));
  }
  return items;
}

}  // namespace nodelock::cli
