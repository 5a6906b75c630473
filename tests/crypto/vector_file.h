// Reads the shared test vector files in tests/vectors/: records of "field = value"
// lines separated by blank lines, '#' starting a comment line.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "nodelock/crypto/crypto.h"

namespace nodelock::test {

using VectorRecord = std::map<std::string, std::string>;

// The records of tests/vectors/<name>; fails the calling test when unreadable.
std::vector<VectorRecord> read_vector_file(const std::string& name);

// The bytes of a hex field of `record`; fails the calling test when it is absent.
crypto::Bytes hex_field(const VectorRecord& record, const std::string& field);

}  // namespace nodelock::test
