// nodelock: the command installers, site admins and support staff run.
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/version.h"

namespace nodelock::cli {
namespace {

// Resolved for this run: it depends on running as root and on $NODELOCK_STORE.
std::string default_store_note() {
  std::string note = "Default store: " + LocalStore::default_root().string() +
                     " (give --store DIR, or set $NODELOCK_STORE, to use another).\n";
  if (LocalStore::search_roots().size() > 1) {
    note += "`status` also looks in the per-machine store " + LocalStore::machine_root().string() +
            " when this one holds no license.\n";
  }
  return note;
}

// The commands whose name starts with `group` ("" for all of them).
void print_commands(std::ostream& out, const std::string& group) {
  for (const Command* command : all_commands()) {
    std::string name(command->name);
    if (name.rfind(group, 0) != 0) continue;
    name.resize(std::max<std::size_t>(name.size() + 2, 22), ' ');
    out << "  " << name << command->synopsis << '\n';
  }
}

void print_overview(std::ostream& out) {
  out << "nodelock: bind software licenses to machines\n\n"
         "Usage: nodelock <command> [options]\n\n"
         "Commands:\n";
  print_commands(out, "");
  out << "\nRun `nodelock <command> --help` for a command's options.\n"
         "Exit codes: 0 success, 1 refused or invalid, 2 usage, 3 server unreachable,\n"
         "4 unreadable or tampered input file.\n"
      << default_store_note() << "Run `nodelock --version` for the version.\n";
}

// The command whose name is the longest run of leading words, e.g. "offline inspect".
const Command* find_command(const std::vector<std::string>& words, std::size_t& consumed) {
  const Command* best = nullptr;
  for (const Command* command : all_commands()) {
    std::string joined;
    for (std::size_t n = 0; n < words.size(); ++n) {
      joined += (n == 0 ? "" : " ") + words[n];
      if (joined == command->name && (best == nullptr || n + 1 > consumed)) {
        best = command;
        consumed = n + 1;
      }
    }
  }
  return best;
}

// Whether `word` starts the names of several commands, as "offline" does.
bool is_group(const std::string& word) {
  const std::string prefix = word + " ";
  return std::any_of(all_commands().begin(), all_commands().end(), [&](const Command* command) {
    return std::string_view(command->name).substr(0, prefix.size()) == prefix;
  });
}

// Words go into JSON bodies, JSON output and messages, none of which can carry
// bytes that are not UTF-8; refused here, in one place, they need no care later.
std::optional<std::size_t> first_not_utf8(const std::vector<std::string>& words) {
  for (std::size_t n = 0; n < words.size(); ++n) {
    if (!encoding::is_valid_utf8(words[n])) return n + 1;
  }
  return std::nullopt;
}

int run(const std::vector<std::string>& words) {
  if (const auto bad = first_not_utf8(words)) {
    std::cerr << "nodelock: argument " << *bad
              << " is not valid UTF-8 text; give names, values and paths in UTF-8\n";
    return exit_usage;
  }
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    print_overview(words.empty() ? std::cerr : std::cout);
    return words.empty() ? exit_usage : exit_ok;
  }
  if (words[0] == "--version") {
    std::cout << "nodelock " << NODELOCK_VERSION_STRING << '\n';
    return exit_ok;
  }
  std::size_t consumed = 0;
  const Command* command = find_command(words, consumed);
  if (command == nullptr && is_group(words[0])) {
    // `nodelock offline --help` lists the offline commands; a missing or
    // unknown subcommand is a usage error that lists them too.
    const bool help = words.size() == 2 && (words[1] == "--help" || words[1] == "-h");
    std::ostream& out = help ? std::cout : std::cerr;
    if (!help) {
      out << "nodelock " << words[0] << ": "
          << (words.size() == 1 ? "give a command"
                                : "unknown command '" + words[0] + " " + words[1] + "'")
          << "; the " << words[0] << " commands are:\n";
    }
    print_commands(out, words[0] + " ");
    out << "Run `nodelock " << words[0] << " <command> --help` for a command's options.\n";
    return help ? exit_ok : exit_usage;
  }
  if (command == nullptr) {
    std::cerr << "nodelock: unknown command '" << words[0] << "'\n"
              << "Run `nodelock --help` for the list of commands.\n";
    return exit_usage;
  }
  const std::vector<std::string> rest(words.begin() + static_cast<long>(consumed), words.end());
  ArgSpec spec = command->spec;
  spec.switches.insert({"--help", "--json"});
  auto args = Args::parse(rest, spec);
  if (!args.ok()) {
    std::cerr << "nodelock " << command->name << ": " << args.message() << " (`nodelock "
              << command->name << " --help` shows its usage)\n";
    return exit_usage;
  }
  if (args->has("--help")) {
    std::cout << command->usage;
    if (command->spec.valued.count("--store") != 0) std::cout << '\n' << default_store_note();
    return exit_ok;
  }
  return command->run(*args);
}

}  // namespace
}  // namespace nodelock::cli

int main(int argc, char** argv) {
  return nodelock::cli::run(std::vector<std::string>(argv + 1, argv + argc));
}
