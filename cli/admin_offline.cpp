// nodelock admin deactivate --receipt: support freeing the seat of a machine that
// deactivated itself offline and sent its receipt.
#include <iostream>

#include "admin_client.h"
#include "nodelock/activation/document.h"
#include "nodelock/client/offline_exchange.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/offline/offline.h"

namespace nodelock::cli {
namespace {

int run_deactivate_receipt(const Args& args, const std::vector<std::string>&) {
  const bool json = args.has("--json");
  auto path = args.require("--receipt");
  if (!path.ok()) return report(path.error(), json);
  auto receipt = read_file(*path, kMaxDocumentSize);
  if (!receipt.ok()) return report(receipt.error(), json);
  return call_server(
      args,
      [&](const ServerClient& server) -> Result<nlohmann::json> {
        auto answer = submit_deactivation_receipt(server, *receipt);
        if (!answer.ok()) return answer.error();
        return nlohmann::json{{"answered", type_name(answer->answered)},
                              {"summary", answer->summary}};
      },
      [](const nlohmann::json& reply) {
        std::cout << reply["summary"].get<std::string>() << '\n';
      });
}

}  // namespace

const std::vector<AdminSubcommand>& admin_offline_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"deactivate",
       "deactivate --receipt FILE.nldeact          (frees the seat of an offline deactivation;\n"
       "                                             a receipt is accepted once)",
       {"--receipt"},
       run_deactivate_receipt},
  };
  return subcommands;
}

}  // namespace nodelock::cli
