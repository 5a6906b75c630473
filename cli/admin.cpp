// nodelock admin: finds the subcommand among the positional words and checks
// that every flag given is one it takes.
#include <iostream>
#include <sstream>

#include "admin_client.h"
#include "commands.h"

namespace nodelock::cli {
namespace {

const std::set<std::string> kCommonFlags = {"--server", "--token", "--ca"};

std::vector<const AdminSubcommand*> all_subcommands() {
  std::vector<const AdminSubcommand*> all;
  for (const auto* table :
       {&admin_product_subcommands(), &admin_license_subcommands(), &admin_audit_subcommands(),
        &admin_support_subcommands(), &admin_offline_subcommands(), &admin_user_subcommands(),
        &admin_report_subcommands(), &admin_alert_subcommands(), &admin_license_file_subcommands(),
        &admin_site_subcommands(), &admin_lease_subcommands()}) {
    for (const AdminSubcommand& subcommand : *table) all.push_back(&subcommand);
  }
  return all;
}

std::string describe_subcommands() {
  std::ostringstream usage;
  usage << "Usage: nodelock admin --server URL --token T [--ca FILE] [--json] SUBCOMMAND ...\n"
           "The token may also come from $NODELOCK_ADMIN_TOKEN. Subcommands:\n";
  for (const AdminSubcommand* subcommand : all_subcommands()) {
    usage << "  " << subcommand->usage << '\n';
  }
  return usage.str();
}

// Command keeps a view of its usage text, so the text lives as long as the program.
const std::string& admin_usage() {
  static const std::string usage = describe_subcommands();
  return usage;
}

ArgSpec admin_spec() {
  ArgSpec spec{kCommonFlags, {}};
  for (const AdminSubcommand* subcommand : all_subcommands()) {
    spec.valued.insert(subcommand->valued.begin(), subcommand->valued.end());
    spec.switches.insert(subcommand->switches.begin(), subcommand->switches.end());
  }
  return spec;
}

// The subcommand named by the longest run of leading positional words.
const AdminSubcommand* find_subcommand(const std::vector<std::string>& words,
                                       std::size_t& consumed) {
  const AdminSubcommand* best = nullptr;
  for (const AdminSubcommand* subcommand : all_subcommands()) {
    std::string joined;
    for (std::size_t n = 0; n < words.size() && n < 2; ++n) {
      joined += (n == 0 ? "" : " ") + words[n];
      if (joined == subcommand->words && n + 1 > consumed) {
        best = subcommand;
        consumed = n + 1;
      }
    }
  }
  return best;
}

int usage_error(const std::string& message) {
  std::cerr << "nodelock admin: " << message
            << " (`nodelock admin --help` lists the subcommands and their options)\n";
  return exit_usage;
}

int run_admin(const Args& args) {
  const std::vector<std::string>& words = args.positional();
  std::size_t consumed = 0;
  const AdminSubcommand* subcommand = find_subcommand(words, consumed);
  if (subcommand == nullptr && words.empty()) {
    std::cerr << "nodelock admin: which subcommand?\n\n" << admin_usage();
    return exit_usage;
  }
  if (subcommand == nullptr) return usage_error("unknown subcommand '" + words[0] + "'");
  for (const std::string& flag : admin_spec().valued) {
    if (args.has(flag) && kCommonFlags.count(flag) == 0 && subcommand->valued.count(flag) == 0) {
      return usage_error(flag + " does not apply to admin " + std::string(subcommand->words));
    }
  }
  for (const std::string& flag : admin_spec().switches) {
    if (args.has(flag) && subcommand->switches.count(flag) == 0) {
      return usage_error(flag + " does not apply to admin " + std::string(subcommand->words));
    }
  }
  const std::vector<std::string> operands(words.begin() + static_cast<long>(consumed), words.end());
  // A word the subcommand does not use is refused rather than ignored: `admin
  // license suspend lic_1 lic_2` must not suspend one and say nothing of the other.
  const std::size_t allowed = subcommand->operand.empty() ? 0 : 1;
  if (operands.size() > allowed) {
    const std::string takes = allowed == 0 ? "takes no word after its name"
                                           : "takes one " + std::string(subcommand->operand);
    const std::string_view usage = subcommand->usage.substr(0, subcommand->usage.find('\n'));
    std::cerr << "nodelock admin: admin " << subcommand->words << " " << takes << "; '"
              << operands[allowed] << "' is one too many.\nUsage: nodelock admin " << usage << "\n";
    return exit_usage;
  }
  return subcommand->run(args, operands);
}

}  // namespace

const Command admin_command{"admin", "products, licenses and machines on a server (support)",
                            admin_usage(), admin_spec(), run_admin};

}  // namespace nodelock::cli
