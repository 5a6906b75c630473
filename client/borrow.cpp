#include "nodelock/client/borrow.h"

#include <nlohmann/json.hpp>

#include "lease_calls.h"
#include "nodelock/activation/document.h"
#include "nodelock/activation/json_fields.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock {
namespace {

constexpr std::size_t kMaxBorrowFile = 128 * 1024;

std::filesystem::path record_path(const LocalStore& store) {
  return store.directory() / "borrow.json";
}

// What returning the borrowed seat needs, with the last sequence sent.
Status save_record(const LocalStore& store, const HeldBorrow& held) {
  const nlohmann::json record = {{"server_url", held.server_url},
                                 {"lease_id", held.borrow.lease_id},
                                 {"secret", held.secret},
                                 {"sequence", held.sequence}};
  return write_file_atomic(record_path(store), record.dump());
}

// The record first: a BORROW is never kept without what returns it.
Status save_held_borrow(const LocalStore& store, const HeldBorrow& held) {
  std::error_code ignored;
  std::filesystem::create_directories(store.directory(), ignored);
  if (Status saved = save_record(store, held); !saved.ok()) return saved;
  return write_file_atomic(store.borrow_path(), held.armored);
}

// The BORROW goes first: whatever happens after, it is no longer usable.
Status forget_held_borrow(const LocalStore& store) {
  for (const std::filesystem::path& path : {store.borrow_path(), record_path(store)}) {
    std::error_code error;
    std::filesystem::remove(path, error);
    if (error) {
      return make_error(ErrorCode::io_error,
                        "cannot remove " + path.string() + ": " + error.message());
    }
  }
  return {};
}

Result<Borrow> open_borrow(std::string_view armored, const TrustedKeys& trusted) {
  auto document = open_document(armored, DocumentType::borrow, trusted);
  if (!document.ok()) return document.error();
  return borrow_from_payload(document->payload());
}

// The key to borrow with: the one typed, else that of the lease held in the
// store, whose server, user and project then fill in those `options` leave
// empty, so the borrow takes the seat the lease holds.
Result<std::string> key_to_borrow_with(LeaseOptions& options, std::string_view typed_key,
                                       const std::string& product) {
  if (!typed_key.empty()) return std::string(typed_key);
  auto held = read_held_lease(options.store_root, product);
  if (!held.ok()) {
    if (held.code() != ErrorCode::not_found) return held.error();
    return make_error(ErrorCode::not_found,
                      "no floating lease is held for " + product +
                          " to borrow from; give --server, --key and --product");
  }
  if (held->key.empty()) {
    return make_error(ErrorCode::not_found,
                      "the lease held for " + product +
                          " does not name its license key (it was checked out by an older "
                          "client); give --server and --key");
  }
  if (options.server.url.empty()) options.server.url = held->server_url;
  if (!options.user) options.user = held->lease.user;
  if (!options.project) options.project = held->lease.project;
  return held->key;
}

}  // namespace

Result<HeldBorrow> borrow_seat(const LeaseOptions& given, std::string_view typed_key,
                               const std::string& product, std::int64_t days) {
  const LocalStore store(given.store_root, product);
  if (std::filesystem::exists(store.borrow_path())) {
    return make_error(ErrorCode::already_exists,
                      "a floating seat of " + product +
                          " is borrowed on this machine already; return it with `nodelock "
                          "lease return` before borrowing again");
  }
  LeaseOptions options = given;
  auto key = key_to_borrow_with(options, typed_key, product);
  if (!key.ok()) return key.error();
  nlohmann::json details;
  auto asked = ask_for_seat(options, *key, product, days, nlohmann::json::object(), details);
  if (!asked.ok()) return asked.error();
  FieldReader in(asked->answer, "borrow answer");
  HeldBorrow held;
  held.armored = in.string("borrow");
  held.secret = in.string("secret");
  // A seat this machine already held comes back with the sequence its calls
  // reached; the return must go above it.
  held.sequence = in.optional_integer("sequence").value_or(0);
  if (in.failed()) {
    return make_error(ErrorCode::server_error, "The server's answer holds no borrowed seat.");
  }
  auto borrow = open_borrow(held.armored, asked->trusted);
  if (!borrow.ok()) return borrow.error();
  const LeaseRequest& request = asked->request;
  if (borrow->request_nonce != request.nonce || borrow->product != product ||
      borrow->device_public_key != request.device_public_key ||
      borrow->fingerprint != request.borrow->fingerprint) {
    return make_error(ErrorCode::tampered,
                      "the server's borrowed seat does not answer this machine's request; it "
                      "was not kept");
  }
  held.borrow = std::move(*borrow);
  held.server_url = asked->server_url;
  if (Status saved = save_held_borrow(store, held); !saved.ok()) return saved.error();
  return held;
}

Result<HeldBorrow> read_held_borrow(const std::filesystem::path& store_root,
                                    const std::string& product) {
  const LocalStore store(store_root, product);
  if (!std::filesystem::exists(store.borrow_path())) {
    return make_error(ErrorCode::not_found, "no floating seat of " + product +
                                                " is borrowed on this machine; borrow one with "
                                                "`nodelock lease borrow --days N`");
  }
  HeldBorrow held;
  auto armored = read_file(store.borrow_path(), LocalStore::kMaxLicenseSize);
  if (!armored.ok()) return armored.error();
  held.armored = std::move(*armored);
  auto pinned = store.read_vendor_keys();
  if (!pinned.ok()) return pinned.error();
  auto borrow = open_borrow(held.armored, TrustedKeys(*pinned));
  if (!borrow.ok()) return borrow.error();
  // The BORROW still runs the application whatever became of its record;
  // only its return needs the record, and support can free the seat without.
  const auto damaged = [&](const Error& error) {
    return make_error(error.code, record_path(store).string() + " is damaged (" + error.message +
                                      "): the seat borrowed as lease " + borrow->lease_id +
                                      " runs offline until " + utc_timestamp(borrow->expires_at) +
                                      " but cannot be returned from this machine; ask support "
                                      "to release that lease");
  };
  auto text = read_file(record_path(store), kMaxBorrowFile);
  if (!text.ok()) return damaged(text.error());
  auto record = nlohmann::json::parse(*text, nullptr, false);
  if (!record.is_object()) record = nlohmann::json::object();
  FieldReader in(record, "borrow record");
  held.server_url = in.string("server_url");
  const std::string lease_id = in.string("lease_id");
  held.secret = in.string("secret");
  held.sequence = in.integer("sequence");
  if (Status read = in.finish(); !read.ok()) return damaged(read.error());
  if (lease_id != borrow->lease_id) {
    return damaged(make_error(ErrorCode::tampered, "it names lease " + lease_id));
  }
  held.borrow = std::move(*borrow);
  return held;
}

Status return_borrowed_seat(const LeaseOptions& options, const std::string& product) {
  const LocalStore store(options.store_root, product);
  auto held = read_held_borrow(options.store_root, product);
  if (!held.ok()) return held.error();
  auto server = connect_for(options, held->server_url);
  if (!server.ok()) return server.error();
  held->sequence += 1;
  if (Status saved = save_record(store, *held); !saved.ok()) return saved;
  auto answer = post_lease_call(*server, LeaseCall::return_borrow, held->borrow.lease_id,
                                held->secret, held->sequence);
  // A seat the server no longer holds (it expired, support released it, or
  // the server forgot it) cannot be returned: the BORROW is removed all the
  // same, and the server's reason reported.
  const bool ended = !answer.ok() && (answer.code() == ErrorCode::lease_ended ||
                                      answer.code() == ErrorCode::not_found);
  if (!answer.ok() && !ended) return answer.error();
  Status forgotten = forget_held_borrow(store);
  if (!forgotten.ok()) return forgotten;
  if (ended) {
    return make_error(answer.code(),
                      "the server no longer holds the seat borrowed as lease " +
                          held->borrow.lease_id +
                          ", so there was nothing to return; it was removed from this machine "
                          "(the server says: " +
                          answer.message() + ")");
  }
  return {};
}

}  // namespace nodelock
