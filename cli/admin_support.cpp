// nodelock admin reset: what support does for a lost, stolen or rebuilt machine.
#include <iostream>

#include "admin_client.h"

namespace nodelock::cli {
namespace {

int run_reset(const Args& args, const std::vector<std::string>&) {
  auto id = args.require("--device");
  if (!id.ok()) return report(id.error(), args.has("--json"));
  nlohmann::json body = nlohmann::json::object();
  if (args.has("--override")) body["override"] = true;
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/activations/" + *id + "/reset", body);
      },
      [](const nlohmann::json& reply) {
        const auto& freed = reply["activation"];
        std::cout << "Reset activation " << freed["id"].get<std::string>() << " ("
                  << freed["machine_id"].get<std::string>() << ", "
                  << freed["hostname"].get<std::string>()
                  << "): its seat is free now, and that machine will be refused at its next "
                     "check-in.\n";
      });
}

}  // namespace

const std::vector<AdminSubcommand>& admin_support_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"reset",
       "reset --device ACTIVATION_ID [--override]   (support; frees a lost machine's seat at\n"
       "      once, its next check-in is refused; --override, admin only, goes beyond the\n"
       "      license's --max-resets-per-year)",
       {"--device"},
       run_reset,
       {"--override"}},
  };
  return subcommands;
}

}  // namespace nodelock::cli
