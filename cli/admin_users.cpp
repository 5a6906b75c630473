// nodelock admin users: the named people on a license, for support's "add
// Anna to our licence".
#include <iostream>
#include <string>

#include "admin_client.h"

namespace nodelock::cli {
namespace {

// --license and --email, which every users subcommand but list takes.
Result<nlohmann::json> user_body(const Args& args) {
  auto email = args.require("--email");
  if (!email.ok()) return email.error();
  return nlohmann::json{{"email", *email}};
}

std::string limit_text(const nlohmann::json& user) {
  std::string text =
      user["max_activations"].is_null()
          ? "no limit of their own"
          : "at most " + std::to_string(user["max_activations"].get<int>()) + " activations";
  if (user.value("reserved", false)) text += ", a reserved floating seat";
  return text;
}

int run_users_add(const Args& args, const std::vector<std::string>&) {
  const bool json = args.has("--json");
  auto license = args.require("--license");
  if (!license.ok()) return report(license.error(), json);
  auto body = user_body(args);
  if (!body.ok()) return report(body.error(), json);
  if (args.has("--max-activations")) {
    auto max = whole_number(args, "--max-activations");
    if (!max.ok()) return report(max.error(), json);
    (*body)["max_activations"] = *max;
  }
  if (args.has("--reserved")) (*body)["reserved"] = true;
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/licenses/" + *license + "/users", *body);
      },
      [](const nlohmann::json& reply) {
        const auto& user = reply["user"];
        std::cout << "Added " << user["email"].get<std::string>() << " to license "
                  << user["license_id"].get<std::string>() << " (" << limit_text(user)
                  << "). They activate with: nodelock activate --user "
                  << user["email"].get<std::string>() << " ...\n";
      });
}

int run_users_list(const Args& args, const std::vector<std::string>&) {
  auto license = args.require("--license");
  if (!license.ok()) return report(license.error(), args.has("--json"));
  return call_server(
      args,
      [&](const ServerClient& server) { return server.get("/v1/licenses/" + *license + "/users"); },
      [](const nlohmann::json& reply) {
        if (reply["users"].empty()) {
          std::cout << "No named users: any machine with the license key may activate.\n";
        }
        for (const auto& user : reply["users"]) {
          std::cout << user["email"].get<std::string>() << "  "
                    << (user["disabled"].get<bool>() ? "disabled" : "enabled") << "  "
                    << user["seats_used"] << " activated, " << limit_text(user) << '\n';
        }
      });
}

int change_user(const Args& args, const std::string& action) {
  const bool json = args.has("--json");
  auto license = args.require("--license");
  if (!license.ok()) return report(license.error(), json);
  auto body = user_body(args);
  if (!body.ok()) return report(body.error(), json);
  if (args.has("--free-seats")) (*body)["free_seats"] = true;
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/licenses/" + *license + "/users/" + action, *body);
      },
      [action](const nlohmann::json& reply) {
        const auto& user = reply["user"];
        const std::size_t freed = reply["freed"].size();
        if (action == "reserve" || action == "unreserve") {
          std::cout << (action == "reserve" ? "Reserved a floating seat for "
                                            : "Removed the reserved seat of ")
                    << user["email"].get<std::string>() << " on license "
                    << user["license_id"].get<std::string>()
                    << (action == "reserve" ? ": it is kept free for them.\n"
                                            : "; others may take it now.\n");
          return;
        }
        std::cout << (action == "remove"    ? "Removed "
                      : action == "disable" ? "Disabled "
                                            : "Enabled ")
                  << user["email"].get<std::string>() << " on license "
                  << user["license_id"].get<std::string>();
        const std::size_t ended = reply.value("ended_leases", nlohmann::json::array()).size();
        if (freed > 0) std::cout << "; " << freed << " of their seats are free now";
        if (ended > 0) std::cout << "; " << ended << " of their floating leases ended";
        std::cout << ".\n";
      });
}

int run_users_remove(const Args& args, const std::vector<std::string>&) {
  return change_user(args, "remove");
}
int run_users_disable(const Args& args, const std::vector<std::string>&) {
  return change_user(args, "disable");
}
int run_users_enable(const Args& args, const std::vector<std::string>&) {
  return change_user(args, "enable");
}
int run_users_reserve(const Args& args, const std::vector<std::string>&) {
  return change_user(args, "reserve");
}
int run_users_unreserve(const Args& args, const std::vector<std::string>&) {
  return change_user(args, "unreserve");
}

}  // namespace

const std::vector<AdminSubcommand>& admin_user_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"users add",
       "users add --license ID --email E [--max-activations N] [--reserved]   (support; once a\n"
       "      license has users, only they may activate it, with `nodelock activate --user E`;\n"
       "      --reserved keeps a floating seat free for them, see users reserve)",
       {"--license", "--email", "--max-activations"},
       run_users_add,
       {"--reserved"}},
      {"users list", "users list --license ID", {"--license"}, run_users_list},
      {"users remove",
       "users remove --license ID --email E [--free-seats]   (support; ends their floating\n"
       "      leases; refused while the user holds seats, unless --free-seats frees them)",
       {"--license", "--email"},
       run_users_remove,
       {"--free-seats"}},
      {"users disable",
       "users disable --license ID --email E   (support; frees all their seats and ends their\n"
       "      floating leases at once, and refuses their machines until enabled)",
       {"--license", "--email"},
       run_users_disable},
      {"users enable",
       "users enable --license ID --email E",
       {"--license", "--email"},
       run_users_enable},
      {"users reserve",
       "users reserve --license ID --email E   (support; on a floating license, keeps a seat\n"
       "      free for them: others are refused rather than take it, and they get in even\n"
       "      when every other seat is held or machines wait; at most one per seat)",
       {"--license", "--email"},
       run_users_reserve},
      {"users unreserve",
       "users unreserve --license ID --email E   (support; gives their reserved seat to all)",
       {"--license", "--email"},
       run_users_unreserve},
  };
  return subcommands;
}

}  // namespace nodelock::cli
