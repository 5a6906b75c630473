// Every command of the nodelock CLI; main.cpp dispatches over this list.
#pragma once

#include <vector>

#include "command.h"

namespace nodelock::cli {

// Each command is defined in the file that implements it.
extern const Command fingerprint_command;
extern const Command keygen_command;
extern const Command activate_command;
extern const Command status_command;
extern const Command refresh_command;
extern const Command deactivate_command;
extern const Command offline_request_command;
extern const Command offline_respond_command;
extern const Command offline_install_command;
extern const Command offline_deactivate_command;
extern const Command offline_inspect_command;
extern const Command dongle_list_command;
extern const Command lease_checkout_command;
extern const Command lease_heartbeat_command;
extern const Command lease_release_command;
extern const Command lease_status_command;
extern const Command lease_borrow_command;
extern const Command lease_return_command;
extern const Command devices_command;
extern const Command release_device_command;
extern const Command admin_command;

const std::vector<const Command*>& all_commands();

}  // namespace nodelock::cli
