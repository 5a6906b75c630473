#include "args.h"

#include <algorithm>

namespace nodelock::cli {
namespace {

// Levenshtein distance: how many letters to add, drop or change.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown option --sever; did you mean --server?": the suggestion is the
// nearest flag the command takes, when a typo or two away.
Error unknown_option(const std::string& flag, const ArgSpec& spec) {
  constexpr std::size_t kMaxTypos = 2;
  std::string nearest;
  std::size_t best = kMaxTypos + 1;
  for (const auto* flags : {&spec.valued, &spec.switches}) {
    for (const std::string& known : *flags) {
      const std::size_t distance = edit_distance(flag, known);
      if (distance < best) {
        best = distance;
        nearest = known;
      }
    }
  }
  return make_error(
      ErrorCode::invalid_argument,
      "unknown option " + flag + (nearest.empty() ? "" : "; did you mean " + nearest + "?"));
}

}  // namespace

Result<Args> Args::parse(const std::vector<std::string>& words, const ArgSpec& spec) {
  Args args;
  bool flags_ended = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (flags_ended || word.size() < 2 || word.compare(0, 2, "--") != 0) {
      args.positional_.push_back(word);
      continue;
    }
    if (word == "--") {
      flags_ended = true;
      continue;
    }
    const auto equals = word.find('=');
    const std::string flag = word.substr(0, equals);
    if (spec.switches.count(flag) != 0) {
      if (equals != std::string::npos) {
        return make_error(ErrorCode::invalid_argument, flag + " takes no value");
      }
      args.switches_.insert(flag);
      continue;
    }
    if (spec.valued.count(flag) == 0) {
      return unknown_option(flag, spec);
    }
    if (args.values_.count(flag) != 0) {
      return make_error(ErrorCode::invalid_argument, flag + " is given twice");
    }
    if (equals != std::string::npos) {
      args.values_[flag] = word.substr(equals + 1);
    } else if (i + 1 < words.size()) {
      args.values_[flag] = words[++i];
    } else {
      return make_error(ErrorCode::invalid_argument, flag + " needs a value");
    }
  }
  return args;
}

bool Args::has(const std::string& flag) const {
  return switches_.count(flag) != 0 || values_.count(flag) != 0;
}

std::optional<std::string> Args::get(const std::string& flag) const {
  const auto found = values_.find(flag);
  if (found == values_.end()) return std::nullopt;
  return found->second;
}

Result<std::string> Args::require(const std::string& flag) const {
  auto value = get(flag);
  if (!value || value->empty()) {
    return make_error(ErrorCode::invalid_argument, "missing " + flag);
  }
  return *value;
}

}  // namespace nodelock::cli
