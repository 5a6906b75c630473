#include "nodelock/activation/local_store.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "nodelock/activation/json_fields.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/crypto/key_file.h"

namespace nodelock {
namespace fs = std::filesystem;
namespace {

constexpr fs::perms kPrivate = fs::perms::owner_read | fs::perms::owner_write;
constexpr fs::perms kReadable = kPrivate | fs::perms::group_read | fs::perms::others_read;

Result<nlohmann::json> read_json(const fs::path& path) {
  auto text = read_file(path, 64 * 1024);
  if (!text.ok()) return text.error();
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) {
    return make_error(ErrorCode::malformed, path.string() +
                                                " is damaged (not JSON); "
                                                "activate again to replace it");
  }
  return json;
}

const char* chosen_root() {
  const char* chosen = std::getenv("NODELOCK_STORE");
  return chosen != nullptr && *chosen != 0 ? chosen : nullptr;
}

fs::path user_root() {
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data == '/') {
    return fs::path(data) / "nodelock";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    return fs::path(home) / ".local" / "share" / "nodelock";
  }
  return fs::temp_directory_path() / ("nodelock-" + std::to_string(::geteuid()));
}

}  // namespace

fs::path LocalStore::default_root() {
  if (const char* chosen = chosen_root()) return chosen;
  return ::geteuid() == 0 ? machine_root() : user_root();
}

fs::path LocalStore::machine_root() {
  const char* packaged = std::getenv("NODELOCK_MACHINE_STORE");
  return packaged != nullptr && *packaged == '/' ? fs::path(packaged) : "/var/lib/nodelock";
}

std::vector<fs::path> LocalStore::search_roots() {
  if (const char* chosen = chosen_root()) return {chosen};
  if (::geteuid() == 0) return {machine_root()};
  return {user_root(), machine_root()};
}

Result<fs::path> LocalStore::root_for(const std::string& product) {
  const std::vector<fs::path> roots = search_roots();
  std::string looked;
  for (const fs::path& root : roots) {
    const LocalStore store(root, product);
    if (::access(store.license_path().c_str(), F_OK) == 0 ||
        ::access(store.borrow_path().c_str(), F_OK) == 0) {
      return root;
    }
    looked += (looked.empty() ? "" : " nor in ") + store.directory().string();
  }
  return make_error(ErrorCode::not_activated,
                    "This machine is not activated (no license in " + looked +
                        "). Run `nodelock activate` or `nodelock offline request`.");
}

std::vector<std::string> LocalStore::products_in(const fs::path& root) {
  std::vector<std::string> products;
  for (const fs::path& searched : root.empty() ? search_roots() : std::vector<fs::path>{root}) {
    std::error_code error;
    for (fs::directory_iterator entry(searched, error), end; !error && entry != end;
         entry.increment(error)) {
      if (entry->is_directory(error)) products.push_back(entry->path().filename().string());
    }
  }
  std::sort(products.begin(), products.end());
  products.erase(std::unique(products.begin(), products.end()), products.end());
  return products;
}

LocalStore::LocalStore(fs::path root, std::string product)
    : directory_((root.empty() ? default_root() : root) / product),
      root_(directory_.parent_path()) {}

fs::path LocalStore::license_path() const { return directory_ / "license.nllic"; }
fs::path LocalStore::device_key_path() const { return directory_ / "device.key"; }
fs::path LocalStore::refusal_path() const { return directory_ / "refusal.json"; }
fs::path LocalStore::site_id_path() const { return root_ / "site-id"; }
fs::path LocalStore::borrow_path() const { return directory_ / "borrow.nlborrow"; }

namespace {

fs::path check_in_path(const fs::path& directory) { return directory / "check-in.json"; }

}  // namespace

bool LocalStore::has_license() const {
  std::error_code error;
  return fs::exists(license_path(), error);
}

Status LocalStore::ensure_directory() const {
  std::error_code error;
  fs::create_directories(directory_, error);
  if (error) {
    return make_error(ErrorCode::io_error, "cannot create the license store " +
                                               directory_.string() + ": " + error.message() +
                                               "; choose another with --store DIR");
  }
  return {};
}

Result<std::string> LocalStore::read_license() const {
  if (!has_license()) {
    return make_error(ErrorCode::not_activated,
                      "This machine is not activated (no license in " + directory_.string() +
                          "). Run `nodelock activate` or `nodelock offline request`.");
  }
  return read_file(license_path(), kMaxLicenseSize);
}

Result<crypto::SigningKey> LocalStore::read_device_key() const {
  return crypto::read_private_key_file(device_key_path());
}

Result<crypto::SigningKey> LocalStore::device_key_for_request() const {
  std::error_code error;
  if (fs::exists(device_key_path(), error)) return read_device_key();
  if (auto status = ensure_directory(); !status.ok()) return status.error();
  crypto::SigningKey key = crypto::SigningKey::generate();
  if (auto status = crypto::write_private_key_file(device_key_path(), key); !status.ok()) {
    return status.error();
  }
  return key;
}

Result<ActivationRecord> LocalStore::read_record() const {
  auto json = read_json(directory_ / "activation.json");
  if (!json.ok()) {
    if (json.code() != ErrorCode::io_error) return json.error();
    return make_error(ErrorCode::not_activated,
                      "This machine has no online activation to refresh or deactivate; "
                      "run `nodelock activate`.");
  }
  FieldReader in(*json, "activation record");
  ActivationRecord record;
  record.server_url = in.string("server_url");
  record.ca_file = in.optional_string("ca_file").value_or("");
  record.license_key = in.string("license_key");
  record.license_id = in.string("license_id");
  record.activation_id = in.string("activation_id");
  if (auto status = in.finish(); !status.ok()) return status.error();
  return record;
}

Result<std::vector<crypto::PublicKey>> LocalStore::read_vendor_keys() const {
  const fs::path path = directory_ / "vendor-keys.json";
  std::error_code error;
  if (!fs::exists(path, error)) return std::vector<crypto::PublicKey>{};
  auto json = read_json(path);
  if (!json.ok()) return json.error();
  std::vector<crypto::PublicKey> keys;
  if (!json->is_array()) return make_error(ErrorCode::malformed, path.string() + " is damaged");
  for (const auto& item : *json) {
    auto bytes = item.is_string() ? encoding::from_base64(item.get<std::string>())
                                  : Result<crypto::Bytes>(make_error(ErrorCode::malformed, ""));
    if (!bytes.ok() || bytes->size() != 32) {
      return make_error(ErrorCode::malformed, path.string() + " holds a damaged key");
    }
    crypto::PublicKey key;
    std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
    keys.push_back(key);
  }
  return keys;
}

Status LocalStore::save_vendor_keys(const std::vector<crypto::PublicKey>& keys) const {
  if (auto status = ensure_directory(); !status.ok()) return status;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& key : keys) list.push_back(encoding::base64(key.bytes));
  return write_file_atomic(directory_ / "vendor-keys.json", list.dump(2) + "\n", kReadable);
}

std::optional<Refusal> LocalStore::read_refusal() const {
  auto json = read_json(refusal_path());
  if (!json.ok()) return std::nullopt;
  FieldReader in(*json, "refusal");
  Refusal refusal;
  const std::string code = in.string("code");
  // A seat freed for want of check-ins, or released by the license holder, is
  // no fault of the license: the machine is simply no longer activated, and
  // activating again takes a free seat. Calling it revoked alarms for nothing.
  if (code == "suspended") {
    refusal.code = ErrorCode::suspended;
  } else if (code == code_name(ErrorCode::seat_reclaimed) ||
             code == code_name(ErrorCode::seat_released)) {
    refusal.code = ErrorCode::not_activated;
  } else {
    refusal.code = ErrorCode::revoked;
  }
  refusal.message = in.string("message");
  if (!in.finish().ok()) return Refusal{ErrorCode::revoked, "This license was revoked."};
  return refusal;
}

Status LocalStore::save_refusal(const Refusal& refusal) const {
  const nlohmann::json json = {{"code", code_name(refusal.code)}, {"message", refusal.message}};
  return write_file_atomic(refusal_path(), json.dump(2) + "\n", kReadable);
}

std::optional<CheckInState> LocalStore::read_check_in_state() const {
  std::error_code error;
  if (!fs::exists(check_in_path(directory_), error)) return std::nullopt;
  auto json = read_json(check_in_path(directory_));
  if (!json.ok()) return std::nullopt;
  FieldReader in(*json, "check-in state");
  CheckInState state;
  state.counter = in.integer("counter");
  state.receipt = in.string("receipt");
  state.unanswered = in.optional_string("unanswered");
  if (!in.finish().ok()) return std::nullopt;
  return state;
}

Status LocalStore::save_check_in_state(const CheckInState& state) const {
  if (auto status = ensure_directory(); !status.ok()) return status;
  nlohmann::json json = {{"counter", state.counter}, {"receipt", state.receipt}};
  if (state.unanswered) json["unanswered"] = *state.unanswered;
  return write_file_atomic(check_in_path(directory_), json.dump(2) + "\n", kPrivate);
}

Result<std::string> LocalStore::read_pending_request() const {
  const fs::path path = directory_ / "pending.nlreq";
  std::error_code error;
  if (!fs::exists(path, error)) {
    return make_error(ErrorCode::not_found,
                      "No offline request is pending on this machine; make one with "
                      "`nodelock offline request` first.");
  }
  return read_file(path, 64 * 1024);
}

Status LocalStore::save_pending_request(const std::string& armored) const {
  if (auto status = ensure_directory(); !status.ok()) return status;
  return write_file_atomic(directory_ / "pending.nlreq", armored, kPrivate);
}

Status LocalStore::save_activation(const std::string& license,
                                   const ActivationRecord& record) const {
  if (auto status = ensure_directory(); !status.ok()) return status;
  nlohmann::json json = {{"server_url", record.server_url},
                         {"license_key", record.license_key},
                         {"license_id", record.license_id},
                         {"activation_id", record.activation_id}};
  if (!record.ca_file.empty()) json["ca_file"] = record.ca_file;
  if (auto status =
          write_file_atomic(directory_ / "activation.json", json.dump(2) + "\n", kPrivate);
      !status.ok()) {
    return status;
  }
  if (auto status = write_file_atomic(license_path(), license, kReadable); !status.ok()) {
    return status;
  }
  std::error_code ignored;
  fs::remove(directory_ / "pending.nlreq", ignored);
  fs::remove(refusal_path(), ignored);
  return {};
}

std::string_view LocalStore::site_id_in(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

Result<std::string> LocalStore::read_site_id() const {
  std::error_code error;
  if (!fs::exists(site_id_path(), error)) return std::string();
  auto text = read_file(site_id_path(), kMaxSiteIdFileSize);
  if (!text.ok()) return text.error();
  return std::string(site_id_in(*text));
}

Status LocalStore::save_site_id(std::string_view site_id) const {
  if (!is_identifier(site_id)) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + std::string(site_id) +
                          "' is not a site id: 1-64 of a-z, 0-9, '-', '_' and '.', such as "
                          "acme-hq");
  }
  if (auto status = ensure_directory(); !status.ok()) return status;
  return write_file_atomic(site_id_path(), std::string(site_id) + "\n", kReadable);
}

Status LocalStore::save_site_license(const std::string& license) const {
  if (auto status = ensure_directory(); !status.ok()) return status;
  if (auto status = write_file_atomic(license_path(), license, kReadable); !status.ok()) {
    return status;
  }
  std::error_code ignored;
  fs::remove(refusal_path(), ignored);
  return {};
}

Status LocalStore::remove_activation() const {
  for (const fs::path& path :
       {license_path(), device_key_path(), directory_ / "activation.json", refusal_path(),
        check_in_path(directory_), directory_ / "pending.nlreq"}) {
    std::error_code error;
    fs::remove(path, error);
    if (error) {
      return make_error(ErrorCode::io_error,
                        "cannot remove " + path.string() + ": " + error.message());
    }
  }
  return {};
}

}  // namespace nodelock
