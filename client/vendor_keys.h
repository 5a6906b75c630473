// The vendor keys a client trusts for what a server sends it.
#pragma once

#include <vector>

#include "nodelock/activation/document.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/client/server_client.h"
#include "nodelock/crypto/crypto.h"

namespace nodelock {

// `given` (--pubkey) when not empty, else the keys pinned in `store`, else
// (first contact) those `server` publishes; whichever are used are pinned.
[[nodiscard]] Result<TrustedKeys> trusted_keys(const std::vector<crypto::PublicKey>& given,
                                               const LocalStore& store, const ServerClient& server);

}  // namespace nodelock
