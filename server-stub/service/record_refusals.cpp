#include "record_refusals.h"

#include <string>

namespace nodelock::server {

Error request_replayed() {
  return make_error(ErrorCode::replayed,
                    "this signed request was already used; a request is accepted once, so make a "
                    "new one");
}

Error license_exists() {
  return make_error(ErrorCode::already_exists, "a license with this id or key already exists");
}

Result<ActivationPage> activation_page(Store& store, std::string_view license_id,
                                       const ActivationPageRequest& page) {
  auto listed = store.activation_page(license_id, page);
  if (!listed.ok() && listed.code() == ErrorCode::invalid_argument) {
    return make_error(ErrorCode::invalid_argument,
                      "'after' names no activation of license " + std::string(license_id) +
                          "; pass the 'next' value of the previous page");
  }
  return listed;
}

}  // namespace nodelock::server
