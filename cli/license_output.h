// How the CLI shows a license to people and to scripts.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "nodelock/activation/payloads.h"

namespace nodelock::cli {

nlohmann::json license_json(const License& license);
void print_license(std::ostream& out, const License& license);

}  // namespace nodelock::cli
