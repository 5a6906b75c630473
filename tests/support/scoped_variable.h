// Sets an environment variable for one test, and puts back what was there
// when it ends: the programs the test starts and the library calls it makes
// read it meanwhile.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace nodelock::testing {

class ScopedVariable {
 public:
  // `value` empty: the variable is unset for the test.
  ScopedVariable(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* was = std::getenv(name)) was_ = was;
    set(value);
  }
  ~ScopedVariable() { set(was_); }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

 private:
  void set(const std::optional<std::string>& value) const {
    if (value) {
      ::setenv(name_, value->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

  const char* name_;
  std::optional<std::string> was_;
};

}  // namespace nodelock::testing
