// License users: the named people on a license ("add Anna to our licence").
//
// A license with no users admits any machine that has its key. Once it has
// users, each new activation must name one of them (`nodelock activate
// --user`), and a user may hold at most their own maximum of the license's
// activations. Disabling a user frees all their seats at once and refuses
// their machines until they are enabled again. On a floating license a user
// may have a reserved seat, kept free for them (reserved_seats.h); a license
// has at most as many reserved users as seats.
//
// Roles: viewer lists users; support and admin add, remove, disable, enable,
// reserve and unreserve them. Every change is recorded in the audit log with the caller's token.
// Like the admin service it knows nothing of HTTP, and may be called from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/admin_service.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server {

class LicenseUserService {
 public:
  explicit LicenseUserService(ServiceContext context);

  // The user as added, with a reserved seat when `reserved`. invalid_argument
  // for an address that is not one or a maximum above the license's; conflict
  // for a reservation on a license that is not floating or counts projects,
  // or with every seat reserved already; not_found (license), already_exists.
  [[nodiscard]] Result<LicenseUser> add(const AdminCaller& caller, std::string_view license_id,
                                        std::string_view email, std::optional<int> max_activations,
                                        bool reserved = false) const;
  // The license's users, oldest first, with the seats each holds. Every role
  // may read them, viewer included.
  [[nodiscard]] Result<std::vector<LicenseUser>> list(std::string_view license_id) const;
  // Removes, disables, enables, reserves a seat for or unreserves the user;
  // the outcome names the seats freed. conflict when removing a user who
  // holds seats without `free_seats`, reserving as for add or a user already
  // reserved, unreserving one who is not.
  [[nodiscard]] Result<UserChangeOutcome> change(const AdminCaller& caller,
                                                 std::string_view license_id,
                                                 std::string_view email, UserChangeKind kind,
                                                 bool free_seats) const;

 private:
  ServiceContext context_;
};

}  // namespace nodelock::server
