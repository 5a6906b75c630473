// Every command of the nodelock CLI; main.cpp dispatches over this list.
#pragma once

#include <vector>

#include "command.h"

namespace nodelock::cli {

const std::vector<const Command*>& all_commands();

}  // namespace nodelock::cli
