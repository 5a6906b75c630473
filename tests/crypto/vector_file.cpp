#include "vector_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "nodelock/crypto/encoding.h"

namespace nodelock::test {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

std::vector<VectorRecord> read_vector_file(const std::string& name) {
  const std::string path = std::string(NODELOCK_TESTS_DIR) + "/vectors/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::vector<VectorRecord> records;
  VectorRecord record;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    const auto equals = line.find('=');
    if (equals == std::string::npos) {
      if (!record.empty()) records.push_back(std::move(record));
      record.clear();
      continue;
    }
    record[trimmed(line.substr(0, equals))] = trimmed(line.substr(equals + 1));
  }
  if (!record.empty()) records.push_back(std::move(record));
  return records;
}

crypto::Bytes hex_field(const VectorRecord& record, const std::string& field) {
  const auto found = record.find(field);
  EXPECT_NE(found, record.end()) << "vector record has no field " << field;
  if (found == record.end()) return {};
  auto bytes = encoding::from_hex(found->second);
  EXPECT_TRUE(bytes.ok()) << field << ": " << (bytes.ok() ? "" : bytes.message());
  return bytes.ok() ? *bytes : crypto::Bytes{};
}

}  // namespace nodelock::test
