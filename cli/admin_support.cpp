// nodelock admin reset, transfer, license set-limit, set-self-service and
// set-reclaim: what support does for a lost, stolen, rebuilt or replaced
// machine, for a customer who needs more or fewer seats or releases, and for
// seats held by machines nobody uses.
#include <iostream>

#include "admin_client.h"
#include "nodelock/crypto/utc_time.h"
#include "reclaim_flags.h"

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

int run_transfer(const Args& args, const std::vector<std::string>&) {
  const bool json = args.has("--json");
  auto id = args.require("--device");
  if (!id.ok()) return report(id.error(), json);
  auto machine = args.require("--to-machine");
  if (!machine.ok()) return report(machine.error(), json);
  nlohmann::json body = {{"to_machine_id", *machine}};
  if (args.has("--override")) body["override"] = true;
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/activations/" + *id + "/transfer", body);
      },
      [](const nlohmann::json& reply) {
        const auto& moved = reply["transfer"];
        std::cout << "Transferred activation " << moved["from_activation_id"].get<std::string>()
                  << " (" << moved["from_machine_id"].get<std::string>() << ") to "
                  << moved["to_machine_id"].get<std::string>()
                  << ": the old machine is refused at its next check-in, and the seat is held "
                     "for the new machine until "
                  << utc_date(moved["held_until"].get<std::int64_t>())
                  << ". Have the customer run `nodelock activate` on it with the same key.\n";
      });
}

int run_set_limit(const Args& args, const std::vector<std::string>& operands) {
  const bool json = args.has("--json");
  auto id = single_operand(operands, "license id");
  if (!id.ok()) return report(id.error(), json);
  auto max = whole_number(args, "--max-activations");
  if (!max.ok()) return report(max.error(), json);
  const nlohmann::json body = {{"max_activations", *max}};
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/licenses/" + *id + "/limit", body);
      },
      [](const nlohmann::json& reply) {
        const auto& license = reply["license"];
        std::cout << "License " << license["id"].get<std::string>() << " now admits "
                  << license["max_activations"] << " machines (" << license["seats_used"]
                  << " activated).\n";
        if (license["seats_used"].get<int>() > license["max_activations"].get<int>()) {
          std::cout << "More machines are activated than the new limit: none is dropped, "
                       "and new activations are refused until enough are freed.\n";
        }
      });
}

int run_set_self_service(const Args& args, const std::vector<std::string>& operands) {
  const bool json = args.has("--json");
  auto id = single_operand(operands, "license id");
  if (!id.ok()) return report(id.error(), json);
  auto releases = whole_number(args, "--releases-per-month");
  if (!releases.ok()) return report(releases.error(), json);
  const nlohmann::json body = {{"self_service_releases_per_month", *releases}};
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/licenses/" + *id + "/self-service", body);
      },
      [](const nlohmann::json& reply) {
        const auto& license = reply["license"];
        std::cout << "License " << license["id"].get<std::string>()
                  << " now lets its holder release " << license["self_service_releases_per_month"]
                  << " machines in any 30 days with `nodelock release-device`.\n";
      });
}

int run_set_reclaim(const Args& args, const std::vector<std::string>& operands) {
  const bool json = args.has("--json");
  auto id = single_operand(operands, "license id");
  if (!id.ok()) return report(id.error(), json);
  auto text = args.require("--after");
  if (!text.ok()) return report(text.error(), json);
  nlohmann::json body = {{"after_seconds", nullptr}};
  if (*text != "off") {
    auto seconds = reclaim_seconds(*text, "--after");
    if (!seconds.ok()) return report(seconds.error(), json);
    body["after_seconds"] = *seconds;
  }
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/licenses/" + *id + "/reclaim", body);
      },
      [](const nlohmann::json& reply) {
        const auto& license = reply["license"];
        std::cout << "License " << license["id"].get<std::string>() << " now "
                  << reclaim_policy_text(license["reclaim_after_seconds"]) << ".\n";
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
      {"transfer",
       "transfer --device ACTIVATION_ID --to-machine NL-XXXX-XXXX-XXXX-XXXX [--override]\n"
       "      (support; moves a replaced machine's seat: the old machine's next check-in is\n"
       "      refused, and the seat is held for the new machine, even on a full license, until\n"
       "      it activates or the hold lapses (30 days unless the server says otherwise);\n"
       "      --override, admin only, goes beyond --max-transfers-per-year and\n"
       "      --transfer-cooldown-days)",
       {"--device", "--to-machine"},
       run_transfer,
       {"--override"}},
      {"license set-limit",
       "license set-limit LICENSE_ID --max-activations N   (support may lower, admin raise;\n"
       "      machines already activated are never dropped)",
       {"--max-activations"},
       run_set_limit,
       {},
       "license id"},
      {"license set-reclaim",
       "license set-reclaim LICENSE_ID --after DURATION|off   (30d, 12h, 5s; the server frees\n"
       "      the seat of a machine with no check-in for longer; support may lengthen or\n"
       "      switch it off, an admin also switch it on or shorten it)",
       {"--after"},
       run_set_reclaim,
       {},
       "license id"},
      {"license set-self-service",
       "license set-self-service LICENSE_ID --releases-per-month N   (support may lower, admin\n"
       "      raise; the license holder frees up to N lost machines in any 30 days with\n"
       "      `nodelock release-device`, without a support ticket; 0: never)",
       {"--releases-per-month"},
       run_set_self_service,
       {},
       "license id"},
  };
  return subcommands;
}

}  // namespace nodelock::cli
