// Borrowing a floating seat for offline use, from the client's side: a laptop
// going on a trip takes a seat for some days and needs no server until then.
//
// The vendor-signed BORROW is kept as <store>/<product>/borrow.nlborrow
// (LocalStore::borrow_path(), 0600), where the Verifier accepts it offline
// until it expires when no license is installed. What returning it needs (the
// server, the lease's secret, the last sequence sent) is kept beside it as
// borrow.json (0600).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "nodelock/activation/payloads.h"
#include "nodelock/client/floating.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

struct HeldBorrow {
  Borrow borrow;        // the vendor-signed BORROW, verified
  std::string armored;  // as the server sent it
  std::string server_url;
  std::string secret;         // base64 of the lease's secret, which authenticates the return
  std::int64_t sequence = 0;  // of the last return sent
};

// Borrows a seat of the license of `typed_key` for `days`; `typed_key` empty:
// the license of the lease held in the store (`nodelock lease checkout`),
// with its server, user and project where `options` name none. The seat ends
// after `days`, or at the license's expiry when that comes first. Errors: invalid_key (before any
// round trip), not_found (no key and no lease held), already_exists (a seat is borrowed already:
// return it first), those of the server (borrow_not_allowed gives the license's maximum days,
// seats_exhausted lists who holds the seats), tampered or unknown_signer when the answer is not a
// BORROW for this request.
[[nodiscard]] Result<HeldBorrow> borrow_seat(const LeaseOptions& options,
                                             std::string_view typed_key, const std::string& product,
                                             std::int64_t days);

// Gives the borrowed seat back and removes the BORROW from the store; also
// removed when the server says the borrow already ended (expired or forced
// off). not_found when none is borrowed.
[[nodiscard]] Status return_borrowed_seat(const LeaseOptions& options, const std::string& product);

// The borrowed seat kept in the store; not_found when there is none.
[[nodiscard]] Result<HeldBorrow> read_held_borrow(const std::filesystem::path& store_root,
                                                  const std::string& product);

}  // namespace nodelock
