// The server's request body readers (json_mapping.h), as every endpoint reads
// its body: parse_body() and then the reader the first input byte picks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "json_mapping.h"
#include "nodelock/server/floating_policy.h"

namespace {

namespace server = nodelock::server;

// The readers of a parsed body, in the order the first byte picks them.
void read_body(std::uint8_t pick, const nlohmann::json& body) {
  switch (pick % 13) {
    case 0:
      (void)server::product_from_json(body);
      break;
    case 1:
      (void)server::license_order_from_json(body);
      break;
    case 2:
      (void)server::role_from_json(body);
      break;
    case 3:
      (void)server::transfer_request_from_json(body);
      break;
    case 4:
      (void)server::limit_from_json(body, "max_activations");
      break;
    case 5:
      (void)server::reclaim_after_from_json(body);
      break;
    case 6:
      (void)server::user_addition_from_json(body);
      break;
    case 7:
      (void)server::user_change_from_json(body);
      break;
    case 8:
      (void)server::checkout_body_from_json(body);
      break;
    case 9:
      (void)server::lease_proof_from_json(body, "lse_01a2527e7b0e193e11ee43");
      break;
    case 10:
      (void)server::only_string_field(body, "request");
      break;
    case 11:
      (void)server::floating_policy_from_json(body);
      break;
    default:
      (void)server::project_tokens_from_json(body);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // The readers that take the raw text rather than a parsed object.
  (void)server::reset_override_from_json(text);
  const auto split = text.find('\n');
  if (split != std::string_view::npos) {
    (void)server::audit_range_from_query(std::string(text.substr(0, split)),
                                         std::string(text.substr(split + 1)));
  }
  const auto body = server::parse_body(text);
  if (body) read_body(data[0], *body);
  return 0;
}
