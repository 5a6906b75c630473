#include "args.h"

namespace nodelock::cli {

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
      return make_error(ErrorCode::invalid_argument, "unknown option " + flag);
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
