#include "json_text.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nodelock::server {

namespace {

std::string quoted_key(const std::string& key) {
  constexpr std::size_t kShownLength = 40;
  if (key.size() <= kShownLength) return "'" + key + "'";
  return "'" + key.substr(0, kShownLength) + "...'";
}

}  // namespace

Result<nlohmann::json> parse_json_text(std::string_view text) {
  using Event = nlohmann::json::parse_event_t;
  std::vector<std::set<std::string>> open_objects;
  std::optional<std::string> repeated;
  const auto watch_keys = [&](int, Event event, nlohmann::json& parsed) {
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      open_objects.pop_back();
    } else if (event == Event::key && !repeated &&
               !open_objects.back().insert(parsed.get<std::string>()).second) {
      repeated = parsed.get<std::string>();
    }
    return true;
  };
  auto value = nlohmann::json::parse(text.begin(), text.end(), watch_keys, false);
  if (value.is_discarded()) return make_error(ErrorCode::malformed, "not valid JSON");
  if (repeated) {
    return make_error(ErrorCode::malformed, "the key " + quoted_key(*repeated) +
                                                " appears twice in one object; give it once");
  }
  return value;
}

}  // namespace nodelock::server
