// A nodelock CLI command, and the one table that turns errors into exit codes.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "args.h"
#include "nodelock/crypto/result.h"

namespace nodelock::cli {

// The exit codes docs/CLI.md documents; scripts and installers rely on them.
enum ExitCode : int {
  exit_ok = 0,
  exit_refused = 1,      // license problem, limit reached, invalid key
  exit_usage = 2,        // wrong flags or arguments
  exit_unreachable = 3,  // server unreachable or TLS failure
  exit_bad_input = 4,    // unreadable or tampered input file
};

int exit_code_for(ErrorCode code);

struct Command {
  std::string_view name;      // the words that select it, e.g. "offline inspect"
  std::string_view synopsis;  // one line for `nodelock --help`
  std::string_view usage;     // the full text for `nodelock <command> --help`
  ArgSpec spec;               // --help and --json are accepted by every command
  int (*run)(const Args& args);
};

// Prints `error` for people on stderr (and as {"error": {...}} on stdout when
// `json`), and returns its exit code.
int report(const Error& error, bool json);

// Shows a server's answer: its JSON on stdout with `json`, `print(answer)`
// for people otherwise; an error is reported with its exit code.
int show_answer(const Result<nlohmann::json>& answer, bool json,
                const std::function<void(const nlohmann::json& answer)>& print);

}  // namespace nodelock::cli
