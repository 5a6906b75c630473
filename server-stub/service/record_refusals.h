// What people read when the store refuses a call on a record with a code
// alone: a request seen before, a record that exists already, a page cursor
// that names nothing.
#pragma once

#include <string_view>

#include "nodelock/crypto/result.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

// The store's replayed for a signed request whose nonce it has seen.
Error request_replayed();

// The store's already_exists for a license. The key is not named: it would
// help someone matching keys to licenses.
Error license_exists();

// A page of the license's activations; invalid_argument when `page.after`
// names none of them.
Result<ActivationPage> activation_page(Store& store, std::string_view license_id,
                                       const ActivationPageRequest& page);

}  // namespace nodelock::server
