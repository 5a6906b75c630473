#include "commands.h"

namespace nodelock::cli {

const std::vector<const Command*>& all_commands() {
  static const std::vector<const Command*> commands = {
      &fingerprint_command,     &keygen_command,
      &activate_command,        &status_command,
      &refresh_command,         &deactivate_command,
      &offline_request_command, &offline_respond_command,
      &offline_install_command, &offline_deactivate_command,
      &offline_inspect_command, &dongle_list_command,
      &lease_checkout_command,  &lease_heartbeat_command,
      &lease_release_command,   &lease_status_command,
      &lease_borrow_command,    &lease_return_command,
      &devices_command,         &release_device_command,
      &admin_command,
  };
  return commands;
}

}  // namespace nodelock::cli
