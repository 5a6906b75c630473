#include "roles.h"

#include <string>

namespace nodelock::server {

Status require_role(AdminRole caller, AdminRole needed) {
  if (static_cast<int>(caller) >= static_cast<int>(needed)) return {};
  return make_error(ErrorCode::forbidden, "this needs an admin token with the " +
                                              std::string(name_of(needed)) + " role; this one is " +
                                              std::string(name_of(caller)));
}

}  // namespace nodelock::server
