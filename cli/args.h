// Command-line arguments of one nodelock command: flags and positional words.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nodelock/crypto/result.h"

namespace nodelock::cli {

// What a command accepts: flags that take a value, and switches that do not.
struct ArgSpec {
  std::set<std::string> valued;    // e.g. {"--server", "--key"}
  std::set<std::string> switches;  // e.g. {"--json", "--wait"}
};

class Args {
 public:
  // Parses `words` (after the command's own name) against `spec`. Accepts
  // "--flag value" and "--flag=value"; "--" ends the flags. An unknown flag, a
  // missing value or a repeated flag is an invalid_argument error naming it.
  static Result<Args> parse(const std::vector<std::string>& words, const ArgSpec& spec);

  bool has(const std::string& flag) const;
  std::optional<std::string> get(const std::string& flag) const;
  // The value of a flag the command cannot do without; invalid_argument if absent.
  Result<std::string> require(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> switches_;
  std::vector<std::string> positional_;
};

}  // namespace nodelock::cli
