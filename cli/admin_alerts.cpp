// nodelock admin alerts and webhook add|list|remove: what the server raised
// about licenses, and where it posts it.
#include <iostream>

#include "admin_client.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {
namespace {

int run_alerts(const Args& args, const std::vector<std::string>&) {
  std::string path = "/v1/alerts";
  if (auto license = args.get("--license")) path += "?license=" + *license;
  auto ranged = with_range(args, path);
  if (!ranged.ok()) return report(ranged.error(), args.has("--json"));
  return call_server(
      args, [&](const ServerClient& server) { return server.get(*ranged); },
      [](const nlohmann::json& reply) {
        if (reply["alerts"].empty()) std::cout << "No alerts.\n";
        for (const auto& alert : reply["alerts"]) {
          std::cout << utc_timestamp(alert["raised_at"].get<std::int64_t>()) << "  "
                    << alert["kind"].get<std::string>() << "  "
                    << alert["license_id"].get<std::string>() << "  "
                    << alert["message"].get<std::string>() << '\n';
        }
      });
}

int run_webhook_add(const Args& args, const std::vector<std::string>&) {
  auto url = args.require("--url");
  if (!url.ok()) return report(url.error(), args.has("--json"));
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/webhooks", {{"url", *url}});
      },
      [](const nlohmann::json& reply) {
        std::cout << "Webhook " << reply["webhook"]["id"].get<std::string>() << " posts alerts to "
                  << reply["webhook"]["url"].get<std::string>() << ".\nIts signing secret "
                  << "(shown only now; give it to the receiver to check X-Nodelock-Signature): "
                  << reply["secret"].get<std::string>() << '\n';
      });
}

int run_webhook_list(const Args& args, const std::vector<std::string>&) {
  return call_server(
      args, [](const ServerClient& server) { return server.get("/v1/webhooks"); },
      [](const nlohmann::json& reply) {
        if (reply["webhooks"].empty()) std::cout << "No webhooks.\n";
        for (const auto& webhook : reply["webhooks"]) {
          std::cout << webhook["id"].get<std::string>() << "  " << webhook["url"].get<std::string>()
                    << "  since " << utc_date(webhook["created_at"].get<std::int64_t>()) << '\n';
        }
      });
}

int run_webhook_remove(const Args& args, const std::vector<std::string>& operands) {
  auto id = single_operand(operands, "webhook id");
  if (!id.ok()) return report(id.error(), args.has("--json"));
  return call_server(
      args, [&](const ServerClient& server) { return server.del("/v1/webhooks/" + *id); },
      [](const nlohmann::json& reply) {
        std::cout << "Removed webhook " << reply["removed"]["id"].get<std::string>()
                  << "; alerts not yet delivered to it are dropped.\n";
      });
}

}  // namespace

const std::vector<AdminSubcommand>& admin_alert_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"alerts",
       "alerts [--license ID] [--from D] [--to D]   (viewer; seats exhausted, expiring,\n"
       "      high utilisation)",
       {"--license", "--from", "--to"},
       run_alerts},
      {"webhook add",
       "webhook add --url URL   (admin; alerts are posted there, signed with the secret shown)",
       {"--url"},
       run_webhook_add},
      {"webhook list", "webhook list          (admin)", {}, run_webhook_list},
      {"webhook remove",
       "webhook remove WEBHOOK_ID   (admin)",
       {},
       run_webhook_remove,
       {},
       "webhook id"},
  };
  return subcommands;
}

}  // namespace nodelock::cli
