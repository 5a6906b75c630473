// How `nodelock admin devices` and `license show` print a license's
// activations for people: one line each, with what happened to the seat.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace nodelock::cli {

// A JSON string as its text, anything else as JSON.
std::string text_of(const nlohmann::json& value);

// One line per activation object of GET /v1/licenses/{id}/activations, or a
// line saying there are none.
void print_activations(const nlohmann::json& activations);

}  // namespace nodelock::cli
