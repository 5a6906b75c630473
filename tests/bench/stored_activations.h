// A license database that already holds many activations, made in bulk with
// SQL, so the server's memory and speed can be measured on a store the size
// of a large vendor's (docs/BENCHMARKS.md: under 100 MB RSS with 1 million stored).
#pragma once

#include <filesystem>
#include <string>

namespace nodelock::server::testing {

// Adds `count` active seats to license `license_id` in the SQLite database at
// `database`, which no server may have open: each with its own id, machine ID,
// device key and five seat keys (device, disk, two NICs, machine-id), all
// enrolled with `fingerprint_json`, and counts them in the license's
// seats_used. Returns an empty string, or what failed.
std::string add_stored_activations(const std::filesystem::path& database,
                                   const std::string& license_id, int count,
                                   const std::string& fingerprint_json);

}  // namespace nodelock::server::testing
