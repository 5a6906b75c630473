// `nodelock admin …`: one command with subcommands, so the server flags may come
// before or after the subcommand words (`nodelock admin --server URL --token T
// product create …`, as docs/CLI.md writes it), and the one way every subcommand
// calls the server and reports what it answered.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command.h"
#include "nodelock/client/server_client.h"

namespace nodelock::cli {

struct AdminSubcommand {
  std::string_view words;        // e.g. "license create"
  std::string_view usage;        // its synopsis line(s), after "nodelock admin"
  std::set<std::string> valued;  // its own flags; --server, --token and --ca are common
  // `operands`: the positional words after the subcommand's own; at most one,
  // and only when `operand` names it.
  int (*run)(const Args& args, const std::vector<std::string>& operands);
  std::set<std::string> switches = {};  // its own flags without a value
  std::string_view operand = {};        // its one positional word ("license id"); empty: none
};

const std::vector<AdminSubcommand>& admin_product_subcommands();
const std::vector<AdminSubcommand>& admin_license_subcommands();
const std::vector<AdminSubcommand>& admin_audit_subcommands();
const std::vector<AdminSubcommand>& admin_support_subcommands();
const std::vector<AdminSubcommand>& admin_user_subcommands();
const std::vector<AdminSubcommand>& admin_offline_subcommands();
const std::vector<AdminSubcommand>& admin_license_file_subcommands();
const std::vector<AdminSubcommand>& admin_report_subcommands();
const std::vector<AdminSubcommand>& admin_alert_subcommands();

// The server and admin token a support command talks to: --server, --ca, and
// --token or else $NODELOCK_ADMIN_TOKEN (which keeps the token out of the
// process list). invalid_argument when the server or the token is missing.
Result<ServerOptions> admin_server_options(const Args& args);
const std::vector<AdminSubcommand>& admin_site_subcommands();
const std::vector<AdminSubcommand>& admin_lease_subcommands();

// Sends one request with the admin token of --token (or $NODELOCK_ADMIN_TOKEN,
// which keeps it out of the process list) and prints the answer: the server's
// JSON with --json, `print` otherwise. Errors are reported with their exit code.
int call_server(const Args& args,
                const std::function<Result<nlohmann::json>(const ServerClient&)>& request,
                const std::function<void(const nlohmann::json& reply)>& print);

// `path` with the ?from=&to= query of --from and --to, when given; each a date
// YYYY-MM-DD or unix seconds, else invalid_argument.
Result<std::string> with_range(const Args& args, std::string path);
// "a,b, c" as ["a", "b", "c"].
std::vector<std::string> comma_list(const std::string& text);

// Adds the site flags of `license create --model site` to the order; the
// server checks them.
void add_site_order(const Args& args, nlohmann::json& order);
// "10.0.0.0/8, corp.example.com": where a site license's machines must be.
std::string site_summary(const nlohmann::json& site);

// The one operand a subcommand takes (a license id), or invalid_argument.
Result<std::string> single_operand(const std::vector<std::string>& operands, const char* what);

// The most any count flag of `admin` takes, as the server's API carries it.
// The license's own limits (at most so many seats, days, machines) are the
// server's to check, and its refusal names them.
inline constexpr int kMaxFlagNumber = 1000000000;

// The whole number, 0 to kMaxFlagNumber, that `flag` must be given with, or
// invalid_argument.
Result<int> whole_number(const Args& args, const char* flag);

}  // namespace nodelock::cli
