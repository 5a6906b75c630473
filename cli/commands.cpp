#include "commands.h"

namespace nodelock::cli {

const std::vector<const Command*>& all_commands() {
  static const std::vector<const Command*> commands = {
  };
  return commands;
}

}  // namespace nodelock::cli
