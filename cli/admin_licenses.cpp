// nodelock admin license create|list|show|suspend|resume|revoke, and admin devices.
#include <iostream>
#include <set>
#include <string>

#include "admin_client.h"
#include "device_output.h"
#include "license_output.h"
#include "nodelock/crypto/numbers.h"
#include "nodelock/crypto/utc_time.h"
#include "reclaim_flags.h"

namespace nodelock::cli {
namespace {

// Integer flags are sent as numbers; the server checks them against the
// license's limits, and its refusal names them.
Status add_number(const Args& args, const char* flag, const char* field, nlohmann::json& order) {
  const auto text = args.get(flag);
  if (!text) return {};
  auto value = parse_whole_number(*text, flag, 0, kMaxFlagNumber);
  if (!value.ok()) return value.error();
  order[field] = *value;
  return {};
}

// A date YYYY-MM-DD (the end of that day, UTC, as the server reads it) or unix
// seconds.
Status add_time(const Args& args, const char* flag, const char* field, nlohmann::json& order) {
  const auto text = args.get(flag);
  if (!text) return {};
  auto time = parse_time_or_date(*text, flag);
  if (!time.ok()) return time.error();
  if (time->is_date) {
    order[field] = *text;
  } else {
    order[field] = time->unix_time;
  }
  return {};
}

// --project-tokens team=N,mono=N (either may be left out, meaning 0) as
// {"team", "mono"}; the server checks the numbers.
Result<nlohmann::json> project_tokens(const std::string& text) {
  const Error usage = make_error(ErrorCode::invalid_argument,
                                 "--project-tokens takes team=N,mono=N, e.g. team=1,mono=2");
  nlohmann::json tokens = {{"team", 0}, {"mono", 0}};
  std::set<std::string> given;
  for (const std::string& item : comma_list(text)) {
    const std::size_t equals = item.find('=');
    if (equals == std::string::npos) return usage;
    const std::string kind = item.substr(0, equals);
    if ((kind != "team" && kind != "mono") || !given.insert(kind).second) return usage;
    auto count =
        parse_whole_number(item.substr(equals + 1), "--project-tokens " + kind, 0, kMaxFlagNumber);
    if (!count.ok()) return count.error();
    tokens[kind] = *count;
  }
  if (given.empty()) return usage;
  return tokens;
}

Result<nlohmann::json> license_order(const Args& args) {
  auto product = args.require("--product");
  if (!product.ok()) return product.error();
  nlohmann::json order = {{"product", *product},
                          {"model", args.get("--model").value_or("node-locked")}};
  for (const auto& [flag, field] :
       {std::pair{"--max-activations", "max_activations"},
        {"--trial-days", "trial_days"},
        {"--grace-days", "grace_days"},
        {"--max-version", "max_version"},
        {"--refresh-days", "refresh_days"},
        {"--max-resets-per-year", "max_resets_per_year"},
        {"--max-transfers-per-year", "max_transfers_per_year"},
        {"--transfer-cooldown-days", "transfer_cooldown_days"},
        {"--self-service-releases-per-month", "self_service_releases_per_month"},
        {"--seats", "max_activations"},
        {"--grace-seats", "grace_seats"},
        {"--lease-ttl", "lease_ttl"},
        {"--max-borrow-days", "max_borrow_days"}}) {
    if (Status added = add_number(args, flag, field, order); !added.ok()) return added.error();
  }
  if (args.has("--seats") && args.has("--max-activations")) {
    return make_error(ErrorCode::invalid_argument,
                      "--seats (floating) and --max-activations (node-locked) name the same "
                      "limit; give one");
  }
  if (auto tokens = args.get("--project-tokens")) {
    auto parsed = project_tokens(*tokens);
    if (!parsed.ok()) return parsed.error();
    order["project_tokens"] = *parsed;
    // One seat per token, unless --seats says otherwise (and the server refuses it).
    if (!order.contains("max_activations")) {
      order["max_activations"] =
          (*parsed)["team"].get<std::int64_t>() + (*parsed)["mono"].get<std::int64_t>();
    }
  }
  // A site license has no limit; the server refuses site flags on the others.
  add_site_order(args, order);
  if (order["model"] != "site" && !order.contains("max_activations")) order["max_activations"] = 1;
  if (auto scope = args.get("--seat-scope")) order["seat_scope"] = *scope;
  if (auto after = args.get("--reclaim-after")) {
    auto seconds = reclaim_seconds(*after, "--reclaim-after");
    if (!seconds.ok()) return seconds.error();
    order["reclaim_after_seconds"] = *seconds;
  }
  for (const auto& [flag, field] :
       {std::pair{"--expires", "expires"}, {"--maintenance-end", "maintenance_end"}}) {
    if (Status added = add_time(args, flag, field, order); !added.ok()) return added.error();
  }
  if (auto features = args.get("--features")) order["features"] = comma_list(*features);
  if (auto licensee = args.get("--licensee")) order["licensee"] = *licensee;
  if (auto policy = args.get("--match-policy")) {
    order["match_policy"] = nlohmann::json::parse(*policy, nullptr, false);
    if (!order["match_policy"].is_object()) {
      return make_error(
          ErrorCode::invalid_argument,
          "--match-policy takes a JSON object such as "
          "'{\"required\":[],\"threshold\":3,\"weights\":{\"cpu\":1,\"machine_id\":2}}'");
    }
  }
  return order;
}

void print_license_line(const nlohmann::json& license) {
  std::cout << text_of(license["id"]) << "  " << text_of(license["product"]) << "  "
            << text_of(license["key_hint"]) << "  " << text_of(license["status"]) << "  ";
  if (license.contains("site")) {
    std::cout << license["seats_used"] << " machines in " << site_summary(license["site"]) << "  ";
  } else {
    std::cout << license["seats_used"] << "/" << license["max_activations"] << " seats  ";
  }
  std::cout << text_of(license["term"]);
  if (license.contains("expires_at")) std::cout << " until " << utc_date(license["expires_at"]);
  if (!license["licensee"].get<std::string>().empty()) {
    std::cout << "  " << text_of(license["licensee"]);
  }
  std::cout << '\n';
}

void print_floating_terms(const nlohmann::json& floating) {
  std::cout << "floating: seat scope " << text_of(floating["seat_scope"]) << ", lease TTL "
            << floating["lease_ttl_seconds"] << " s, " << floating["grace_seats"]
            << " grace seats, borrowing up to " << floating["max_borrow_days"] << " days";
  if (floating.contains("project_tokens")) {
    const auto& tokens = floating["project_tokens"];
    std::cout << ", project tokens: " << tokens["team"] << " team (any number of users), "
              << tokens["mono"] << " mono (one user at a time)";
  }
  std::cout << '\n';
}

void print_reservations(const nlohmann::json& reserved_for, int seats) {
  if (reserved_for.empty()) return;
  std::cout << "reserved seats: " << reserved_for.size() << " of " << seats << ", for ";
  for (std::size_t i = 0; i < reserved_for.size(); ++i) {
    std::cout << (i == 0 ? "" : ", ") << text_of(reserved_for[i]);
  }
  std::cout << '\n';
}

// What support may do for the license's machines on their own authority.
void print_support_policy(const nlohmann::json& license) {
  const auto per_year = [&](const char* field) {
    return license.contains(field) ? "at most " + license[field].dump() + " in 365 days"
                                   : std::string("no limit");
  };
  std::cout << "support: resets " << per_year("max_resets_per_year") << ", transfers "
            << per_year("max_transfers_per_year");
  const int cooldown = license.value("transfer_cooldown_days", 0);
  if (cooldown > 0) std::cout << ", a seat moves again " << cooldown << " days after its last";
  std::cout << '\n';
  const int releases = license.value("self_service_releases_per_month", 0);
  std::cout << "self-service: ";
  if (releases > 0) {
    std::cout << "the license holder may release " << releases
              << " machines in 30 days (nodelock release-device)\n";
  } else {
    std::cout << "the license holder may list machines, not release them\n";
  }
}

int run_license_create(const Args& args, const std::vector<std::string>&) {
  auto order = license_order(args);
  if (!order.ok()) return report(order.error(), args.has("--json"));
  if (args.has("--json")) {
    // Scripts get exactly the id and the key, as docs/CLI.md promises.
    return call_server(
        args,
        [&](const ServerClient& server) -> Result<nlohmann::json> {
          auto created = server.post("/v1/licenses", *order);
          if (!created.ok()) return created.error();
          return nlohmann::json{{"id", (*created)["id"]}, {"key", (*created)["key"]}};
        },
        [](const nlohmann::json&) {});
  }
  return call_server(
      args, [&](const ServerClient& server) { return server.post("/v1/licenses", *order); },
      [](const nlohmann::json& created) {
        std::cout << "Created license ";
        print_license_line(created["license"]);
        std::cout << "License key (shown only now; give it to the customer): "
                  << text_of(created["key"]) << '\n';
      });
}

int run_license_list(const Args& args, const std::vector<std::string>&) {
  const std::string product = args.get("--product").value_or("");
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.get(product.empty() ? "/v1/licenses" : "/v1/licenses?product=" + product);
      },
      [](const nlohmann::json& reply) {
        if (reply["licenses"].empty()) std::cout << "No licenses.\n";
        for (const auto& license : reply["licenses"]) print_license_line(license);
      });
}

int run_license_show(const Args& args, const std::vector<std::string>& operands) {
  auto id = single_operand(operands, "license id");
  if (!id.ok()) return report(id.error(), args.has("--json"));
  return call_server(
      args, [&](const ServerClient& server) { return server.get("/v1/licenses/" + *id); },
      [](const nlohmann::json& reply) {
        const auto& license = reply["license"];
        print_license_line(license);
        if (!license["features"].empty())
          std::cout << "features: " << license["features"].dump() << '\n';
        if (license["model"] == "node-locked" && license.contains("reclaim_after_seconds")) {
          std::cout << "seat reclamation: " << reclaim_policy_text(license["reclaim_after_seconds"])
                    << '\n';
        }
        print_support_policy(license);
        if (!reply["seats"].contains("max")) {
          std::cout << "machines activated: " << reply["seats"]["used"]
                    << " (a site license has no limit)\n";
        } else {
          std::cout << "seats in use: " << reply["seats"]["used"] << " of " << reply["seats"]["max"]
                    << '\n';
        }
        if (license.contains("floating")) print_floating_terms(license["floating"]);
        print_reservations(reply.value("reserved_for", nlohmann::json::array()),
                           reply["seats"].value("max", 0));
        print_activations(reply["activations"]);
        if (reply.contains("activations_next")) {
          std::cout << "(the first " << reply["activations"].size()
                    << " machines; all of them: nodelock admin devices --license "
                    << text_of(license["id"]) << ")\n";
        }
      });
}

int change_state(const Args& args, const std::vector<std::string>& operands,
                 const std::string& action) {
  auto id = single_operand(operands, "license id");
  if (!id.ok()) return report(id.error(), args.has("--json"));
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/licenses/" + *id + "/" + action, nlohmann::json::object());
      },
      [](const nlohmann::json& reply) {
        std::cout << "License " << text_of(reply["license"]["id"]) << " is now "
                  << text_of(reply["license"]["status"]) << ".\n";
      });
}

int run_license_suspend(const Args& args, const std::vector<std::string>& operands) {
  return change_state(args, operands, "suspend");
}
int run_license_resume(const Args& args, const std::vector<std::string>& operands) {
  return change_state(args, operands, "resume");
}
int run_license_revoke(const Args& args, const std::vector<std::string>& operands) {
  return change_state(args, operands, "revoke");
}

int run_devices(const Args& args, const std::vector<std::string>&) {
  auto id = args.require("--license");
  if (!id.ok()) return report(id.error(), args.has("--json"));
  const auto state = args.get("--state");
  // The server checks the state's name, so its message lists the states.
  const std::string path =
      "/v1/licenses/" + *id + "/activations?" + (state ? "state=" + *state + "&" : "");
  return call_server(
      args,
      [&](const ServerClient& server) -> Result<nlohmann::json> {
        // Page through a license of any size; the listing is the same as one
        // page would be, so --json output keeps its shape.
        nlohmann::json all = nlohmann::json::array();
        std::string after;
        for (;;) {
          std::string page_path = path + "limit=1000";
          if (!after.empty()) page_path += "&after=" + after;
          auto page = server.get(page_path);
          if (!page.ok()) return page.error();
          for (auto& activation : (*page)["activations"]) all.push_back(std::move(activation));
          if (!page->contains("next")) return nlohmann::json{{"activations", std::move(all)}};
          after = (*page)["next"].get<std::string>();
        }
      },
      [&state](const nlohmann::json& reply) {
        if (state && reply["activations"].empty()) {
          std::cout << "No machines " << *state << ".\n";
          return;
        }
        print_activations(reply["activations"]);
      });
}

}  // namespace

const std::vector<AdminSubcommand>& admin_license_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"license create",
       "license create --product P [--model node-locked|floating] [--max-activations N] (admin)\n"
       "      [--expires YYYY-MM-DD | --trial-days N] [--grace-days N] [--features a,b]\n"
       "      [--max-version MAJOR] [--maintenance-end YYYY-MM-DD] [--licensee NAME]\n"
       "      [--refresh-days N] [--match-policy JSON] [--max-resets-per-year N]\n"
       "      [--max-transfers-per-year N] [--transfer-cooldown-days D]\n"
       "      [--self-service-releases-per-month N]  (the holder frees lost machines)\n"
       "      [--allowed-networks CIDR,... | --domain SUFFIX | --site-match all|any |\n"
       "       --offline-only]          (--model site: where its machines must be)\n"
       "      --expires makes a subscription, --trial-days a trial counted from the first\n"
       "      activation, neither a perpetual license; --match-policy sets how far a\n"
       "      machine may change (docs/FINGERPRINT.md). --json prints {\"id\", \"key\"}.\n"
       "      Floating: --seats N concurrent seats [--grace-seats N] [--lease-ttl SECONDS]\n"
       "      [--seat-scope user|device|project] [--max-borrow-days N]\n"
       "      [--project-tokens team=N,mono=N]  (scope project: a mono token admits one user\n"
       "      per project at a time, a team token any number; --seats is their total).\n"
       "      Node-locked: --reclaim-after DURATION (30d, 12h, 5s) frees the seat of a\n"
       "      machine with no check-in for longer; without it seats are never reclaimed.",
       {"--product",
        "--model",
        "--max-activations",
        "--expires",
        "--trial-days",
        "--grace-days",
        "--features",
        "--max-version",
        "--maintenance-end",
        "--licensee",
        "--refresh-days",
        "--match-policy",
        "--max-resets-per-year",
        "--max-transfers-per-year",
        "--transfer-cooldown-days",
        "--self-service-releases-per-month",
        "--allowed-networks",
        "--domain",
        "--site-match",
        "--seats",
        "--grace-seats",
        "--lease-ttl",
        "--seat-scope",
        "--max-borrow-days",
        "--project-tokens",
        "--reclaim-after"},
       run_license_create,
       {"--offline-only"}},
      {"license list", "license list [--product P]", {"--product"}, run_license_list},
      {"license show", "license show LICENSE_ID", {}, run_license_show, {}, "license id"},
      {"license suspend",
       "license suspend LICENSE_ID                (support)",
       {},
       run_license_suspend,
       {},
       "license id"},
      {"license resume",
       "license resume LICENSE_ID                 (support)",
       {},
       run_license_resume,
       {},
       "license id"},
      {"license revoke",
       "license revoke LICENSE_ID                 (support; final)",
       {},
       run_license_revoke,
       {},
       "license id"},
      {"devices",
       "devices --license LICENSE_ID\n"
       "      [--state active|deactivated|reset|revoked|reclaimed|transferred|released]\n"
       "      (every machine, or those in one state: reclaimed lists the seats the server\n"
       "      freed after their machine stopped checking in, transferred the machines\n"
       "      support moved a seat away from, with where it went)",
       {"--license", "--state"},
       run_devices},
  };
  return subcommands;
}

}  // namespace nodelock::cli
