// nodelock fingerprint: this machine (or a mounted system) as a license sees it.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/fingerprint/collect.h"
#include "nodelock/fingerprint/match.h"

namespace nodelock::cli {
namespace {

constexpr std::string_view kUsage =
    R"(Usage: nodelock fingerprint [--product P] [--sysroot DIR] [--raw] [--json]

Shows the machine ID support staff ask for, the environment (bare metal,
virtual machine or container), and each component of the fingerprint with its
label and the start of its hash. Hashes are salted per product, so the machine
ID differs per product; without --product a product-independent view is shown.
Raw serial numbers and addresses are never printed unless --raw is given, and
they never leave this machine.

Options:
  --product P    the product whose IDs to show (default: "default")
  --sysroot DIR  read a mounted system tree instead of this machine
  --raw          also show the raw values, for support on this machine
  --json         print {"machine_id", "product", "fingerprint", "warnings", ...}
)";

constexpr std::string_view kDefaultProduct = "default";
constexpr std::size_t kShortHashDigits = 8;

std::string environment_text(const fingerprint::Environment& environment) {
  switch (environment.type) {
    case fingerprint::EnvironmentType::bare_metal:
      return "bare metal";
    case fingerprint::EnvironmentType::virtual_machine:
      return "virtual machine (" + environment.name + ")";
    case fingerprint::EnvironmentType::container:
      return "container (" + environment.name + ")";
  }
  return environment.name;
}

void print_table(const fingerprint::Fingerprint& print,
                 const std::vector<fingerprint::Component>* raw) {
  std::cout << "\n  " << std::left << std::setw(12) << "KIND" << std::setw(22) << "LABEL"
            << "HASH\n";
  for (const auto& component : print.components()) {
    std::cout << "  " << std::setw(12) << fingerprint::kind_name(component.kind) << std::setw(22)
              << component.label << encoding::hex(component.hash).substr(0, kShortHashDigits)
              << '\n';
  }
  if (print.components().empty()) std::cout << "  (no components)\n";
  if (raw == nullptr) return;
  std::cout << "\nRaw values (shown on request; they never leave this machine):\n";
  for (const auto& component : *raw) {
    std::cout << "  " << std::setw(12) << fingerprint::kind_name(component.kind) << std::setw(22)
              << component.label << component.value << '\n';
  }
}

int run_fingerprint(const Args& args) {
  const bool json = args.has("--json");
  const bool raw = args.has("--raw");
  const auto product_flag = args.get("--product");
  if (product_flag && product_flag->empty()) {
    return report(make_error(ErrorCode::invalid_argument, "--product needs a product id"), json);
  }
  const std::string product = product_flag.value_or(std::string(kDefaultProduct));

  fingerprint::CollectOptions options;
  if (auto sysroot = args.get("--sysroot")) options.root = *sysroot;
  auto collected = fingerprint::collect(options);
  if (!collected.ok()) return report(collected.error(), json);
  const fingerprint::Fingerprint print = fingerprint::hash_components(*collected, product);
  const std::string machine_id = print.machine_id();
  const bool bindable =
      !fingerprint::binding_shortfall(print, fingerprint::MatchPolicy::standard()).has_value();

  if (json) {
    nlohmann::json out = {{"machine_id", machine_id},
                          {"product", product},
                          {"product_given", product_flag.has_value()},
                          {"fingerprint", fingerprint::to_json(print)},
                          {"bindable", bindable},
                          {"warnings", collected->warnings}};
    if (raw) {
      nlohmann::json values = nlohmann::json::array();
      for (const auto& component : collected->components) {
        values.push_back({{"kind", std::string(fingerprint::kind_name(component.kind))},
                          {"label", component.label},
                          {"value", component.value}});
      }
      out["raw"] = std::move(values);
    }
    std::cout << out.dump() << '\n';
    return exit_ok;
  }

  std::cout << "Machine ID:   " << machine_id << '\n'
            << "Product:      " << product
            << (product_flag ? "" : " (product-independent view; IDs differ per product)") << '\n'
            << "Environment:  " << environment_text(print.environment()) << '\n';
  print_table(print, raw ? &collected->components : nullptr);
  if (!collected->warnings.empty()) {
    std::cout << '\n';
    for (const std::string& warning : collected->warnings) {
      std::cout << "warning: " << warning << '\n';
    }
  }
  return exit_ok;
}

}  // namespace

const Command fingerprint_command = {
    "fingerprint",   "show this machine's ID and fingerprint components",
    kUsage,          {{"--product", "--sysroot"}, {"--raw"}},
    run_fingerprint,
};

}  // namespace nodelock::cli
