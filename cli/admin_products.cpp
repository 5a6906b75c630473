// nodelock admin product create|list, and admin token create.
#include <iostream>

#include "admin_client.h"

namespace nodelock::cli {
namespace {

int run_product_create(const Args& args, const std::vector<std::string>&) {
  auto id = args.require("--id");
  auto name = args.require("--name");
  if (!id.ok() || !name.ok())
    return report(!id.ok() ? id.error() : name.error(), args.has("--json"));
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/products", {{"id", *id}, {"name", *name}});
      },
      [](const nlohmann::json& product) {
        std::cout << "Created product " << product["id"].get<std::string>() << " ("
                  << product["name"].get<std::string>() << ").\n";
      });
}

int run_product_list(const Args& args, const std::vector<std::string>&) {
  return call_server(
      args, [](const ServerClient& server) { return server.get("/v1/products"); },
      [](const nlohmann::json& reply) {
        if (reply["products"].empty()) std::cout << "No products yet.\n";
        for (const auto& product : reply["products"]) {
          std::cout << product["id"].get<std::string>() << "  "
                    << product["name"].get<std::string>() << '\n';
        }
      });
}

int run_token_create(const Args& args, const std::vector<std::string>&) {
  auto role = args.require("--role");
  if (!role.ok()) return report(role.error(), args.has("--json"));
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/admin-tokens", {{"role", *role}});
      },
      [](const nlohmann::json& reply) {
        std::cout << "New " << reply["role"].get<std::string>()
                  << " token (shown only now; keep it safe): " << reply["token"].get<std::string>()
                  << '\n';
      });
}

}  // namespace

const std::vector<AdminSubcommand>& admin_product_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"product create",
       "product create --id ID --name NAME       (admin)",
       {"--id", "--name"},
       run_product_create},
      {"product list", "product list", {}, run_product_list},
      {"token create",
       "token create --role admin|support|viewer   (admin; viewer reads, support also\n"
       "                                             suspends, resumes and revokes)",
       {"--role"},
       run_token_create},
  };
  return subcommands;
}

}  // namespace nodelock::cli
