#include "commands.h"

namespace nodelock::cli {

const std::vector<const Command*>& all_commands() {
  static const std::vector<const Command*> commands = {
      &activate_command,
      &status_command,
      &refresh_command,
      &deactivate_command,
  };
  return commands;
}

}  // namespace nodelock::cli
