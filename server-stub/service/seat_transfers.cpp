// Support moving a seat from a replaced machine to its successor: who may,
// and the license's yearly allowance and cool-down that hold support back
// (seat_transfer_rules.h).
#include <string>

#include "identifiers.h"
#include "nodelock/server/admin_service.h"
#include "seat_transfer_rules.h"

namespace nodelock::server {

Result<SeatTransfer> AdminService::transfer_activation(const AdminCaller& caller,
                                                       std::string_view activation_id,
                                                       std::string_view to_machine_id,
                                                       bool override_limit) const {
  if (Status allowed = require_support(caller.role, override_limit,
                                       "transfer beyond a license's transfer limit or cool-down");
      !allowed.ok()) {
    return allowed.error();
  }
  const auto machine = canonical_machine_id(to_machine_id);
  if (!machine) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + std::string(to_machine_id).substr(0, 64) +
                          "' is not a machine ID; the new machine shows its ID, "
                          "NL-XXXX-XXXX-XXXX-XXXX, with `nodelock fingerprint`");
  }
  const UnixTime now = context_.clock();
  SeatTransferOrder order;
  order.activation_id = std::string(activation_id);
  order.to_machine_id = *machine;
  order.held_until = now + context_.transfer_hold_seconds;
  order.by = {caller.token_id, now};
  order.counted_since = now - kAllowanceYear;
  order.admit = [&order, override_limit, now](const TransferringSeat& transfer) {
    return admit_transfer(transfer, order.to_machine_id, override_limit, now);
  };
  order.refusal = [&order](const SeatRefusal& refusal) {
    return transfer_refusal_message(refusal, order.to_machine_id);
  };
  return context_.store.transfer_seat(order);
}

}  // namespace nodelock::server
