// nodelock admin product create|list, and admin token create.
#include <iostream>

#include "admin_client.h"
#include "license_output.h"
#include "nodelock/crypto/utc_time.h"

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
        std::cout << "New " << reply["role"].get<std::string>() << " token "
                  << reply["id"].get<std::string>()
                  << " (shown only now; keep it safe): " << reply["token"].get<std::string>()
                  << "\nIts id " << reply["id"].get<std::string>()
                  << " names it in token list, token revoke and the audit log.\n";
      });
}

int run_token_list(const Args& args, const std::vector<std::string>&) {
  return call_server(
      args, [](const ServerClient& server) { return server.get("/v1/admin-tokens"); },
      [](const nlohmann::json& reply) {
        for (const auto& token : reply["tokens"]) {
          std::cout << token["id"].get<std::string>() << "  " << token["role"].get<std::string>()
                    << "  created " << utc_date(token["created_at"].get<std::int64_t>()) << '\n';
        }
      });
}

int run_token_revoke(const Args& args, const std::vector<std::string>& operands) {
  auto id = single_operand(operands, "token id");
  if (!id.ok()) return report(id.error(), args.has("--json"));
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/admin-tokens/" + *id + "/revoke", nlohmann::json::object());
      },
      [](const nlohmann::json& reply) {
        std::cout << "Revoked " << reply["revoked"]["role"].get<std::string>() << " token "
                  << reply["revoked"]["id"].get<std::string>()
                  << "; the server refuses it from now on.\n";
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
      {"token list",
       "token list                  (admin; ids, roles and dates, never secrets)",
       {},
       run_token_list},
      {"token revoke",
       "token revoke TOKEN_ID       (admin; refused by the server at once)",
       {},
       run_token_revoke,
       {},
       "token id"},
  };
  return subcommands;
}

}  // namespace nodelock::cli
