#include "nodelock/activation/payloads.h"

#include <algorithm>
#include <array>
#include <utility>

#include "nodelock/activation/json_fields.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/dongle/binding_json.h"
#include "payload_fields.h"

namespace nodelock {
namespace {

// The longest address SMTP can carry.
constexpr std::size_t kMaxEmailLength = 254;

constexpr std::array<std::pair<SeatModel, std::string_view>, 3> kSeatModels = {{
    {SeatModel::node_locked, "node-locked"},
    {SeatModel::floating, "floating"},
    {SeatModel::site, "site"},
}};
constexpr std::array<std::pair<Term, std::string_view>, 3> kTerms = {{
    {Term::perpetual, "perpetual"},
    {Term::subscription, "subscription"},
    {Term::trial, "trial"},
}};
constexpr std::array<std::pair<SeatScope, std::string_view>, 3> kScopes = {{
    {SeatScope::user, "user"},
    {SeatScope::device, "device"},
    {SeatScope::project, "project"},
}};
constexpr std::array<std::pair<RequestPurpose, std::string_view>, 2> kPurposes = {{
    {RequestPurpose::activate, "activate"},
    {RequestPurpose::refresh, "refresh"},
}};

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                         Enum value) {
  for (const auto& [known, name] : table) {
    if (known == value) return name;
  }
  return table[0].second;
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                             std::string_view name) {
  for (const auto& [value, known] : table) {
    if (known == name) return value;
  }
  return std::nullopt;
}

// The optional "history" field of refresh requests.
void read_history(FieldReader& in, std::optional<CheckInHistory>& out) {
  const nlohmann::json* json = in.optional_object("history");
  if (json == nullptr) return;
  FieldReader fields(*json, "check-in history");
  CheckInHistory history;
  history.counter = fields.integer("counter");
  history.receipt = fields.string("receipt");
  history.unanswered = fields.optional_string("unanswered");
  if (Status read = fields.finish(); !read.ok()) return in.fail(read.message());
  if (history.counter < 1) return in.fail("the check-in history's counter must be 1 or more");
  out = std::move(history);
}

}  // namespace

std::string_view seat_model_name(SeatModel model) { return name_of(kSeatModels, model); }
std::string_view term_name(Term term) { return name_of(kTerms, term); }
std::optional<SeatModel> seat_model_from_name(std::string_view name) {
  return value_of(kSeatModels, name);
}
std::optional<Term> term_from_name(std::string_view name) { return value_of(kTerms, name); }
std::string_view seat_scope_name(SeatScope scope) { return name_of(kScopes, scope); }
std::optional<SeatScope> seat_scope_from_name(std::string_view name) {
  return value_of(kScopes, name);
}

Result<std::string> license_user_email(std::string_view typed) {
  const auto first = typed.find_first_not_of(" \t");
  const auto last = typed.find_last_not_of(" \t");
  std::string email;
  if (first != std::string_view::npos) email = std::string(typed.substr(first, last - first + 1));
  for (char& c : email) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const auto at = email.find('@');
  const bool printable =
      std::all_of(email.begin(), email.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (email.empty() || email.size() > kMaxEmailLength || !printable || at == 0 ||
      at == std::string::npos || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string::npos) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + std::string(typed) +
                          "' is not an e-mail address; give the user's address, e.g. "
                          "anna@example.com");
  }
  return email;
}

std::string make_nonce() { return encoding::base64(crypto::random_bytes(16)); }

nlohmann::json to_payload(const ActivationRequest& request) {
  nlohmann::json payload = {
      {"v", 1},
      {"type", "activation_request"},
      {"purpose", name_of(kPurposes, request.purpose)},
      {"key", request.key},
      {"product", request.product},
      {"fingerprint", fingerprint::to_json(request.fingerprint)},
      {"machine_id", request.machine_id},
      {"device_public_key", base64_key(request.device_public_key)},
      {"nonce", request.nonce},
      {"created_at", request.created_at},
      {"client_version", request.client_version},
      {"hostname", request.hostname},
  };
  if (request.activation_id) payload["activation_id"] = *request.activation_id;
  if (request.dongle) payload["dongle"] = dongle::to_json(*request.dongle);
  if (request.user) payload["user"] = *request.user;
  if (request.history) {
    nlohmann::json history = {{"counter", request.history->counter},
                              {"receipt", request.history->receipt}};
    if (request.history->unanswered) history["unanswered"] = *request.history->unanswered;
    payload["history"] = std::move(history);
  }
  return payload;
}

Result<ActivationRequest> activation_request_from_payload(const nlohmann::json& payload) {
  FieldReader in(payload, "activation request");
  ActivationRequest request;
  read_header(in, "activation_request");
  const auto purpose = value_of(kPurposes, in.string("purpose"));
  if (!in.failed() && !purpose) in.fail("the activation request has an unknown purpose");
  request.purpose = purpose.value_or(RequestPurpose::activate);
  request.key = in.string("key");
  request.product = in.string("product");
  read_fingerprint(in, "fingerprint", request.fingerprint);
  request.machine_id = in.string("machine_id");
  request.device_public_key = in.public_key("device_public_key");
  request.nonce = in.string("nonce");
  request.created_at = in.integer("created_at");
  request.client_version = in.string("client_version");
  read_hostname(in, request.hostname);
  request.activation_id = in.optional_string("activation_id");
  read_dongle(in, request.dongle);
  read_user(in, request.user, "activation request");
  read_history(in, request.history);
  if (!in.failed() && request.purpose == RequestPurpose::refresh && !request.activation_id) {
    in.fail("a refresh request must name its activation_id");
  }
  if (!in.failed() && request.purpose == RequestPurpose::activate && request.history) {
    in.fail("only a refresh request carries a check-in history");
  }
  if (auto status = in.finish(); !status.ok()) return status.error();
  return request;
}

// Members are placed one by one rather than from an initializer list, which
// builds and copies a temporary array per member: the server makes one of
// these for every activation and refresh it answers.
nlohmann::json to_payload(const License& license) {
  nlohmann::json payload = nlohmann::json::object();
  const auto put = [&payload](const char* name, auto&& value) {
    payload.emplace(name, std::forward<decltype(value)>(value));
  };
  put("v", 1);
  put("type", "license");
  put("license_id", license.license_id);
  put("activation_id", license.activation_id);
  put("product", license.product);
  put("licensee", license.licensee);
  put("model", seat_model_name(license.model));
  put("term", term_name(license.term));
  put("features", license.features);
  put("issued_at", license.issued_at);
  put("refresh_by", license.refresh_by);
  put("grace_days", license.grace_days);
  put("fingerprint", fingerprint::to_json(license.fingerprint));
  put("match_policy", fingerprint::to_json(license.match_policy));
  put("machine_id", license.machine_id);
  put("device_public_key", base64_key(license.device_public_key));
  put("request_nonce", license.request_nonce);
  if (license.expires_at) put("expires_at", *license.expires_at);
  if (license.max_version) put("max_version", *license.max_version);
  if (license.maintenance_end) put("maintenance_end", *license.maintenance_end);
  if (license.dongle) put("dongle", dongle::to_json(*license.dongle));
  return payload;
}

Result<License> license_from_payload(const nlohmann::json& payload) {
  FieldReader in(payload, "license");
  License license;
  read_header(in, "license");
  license.license_id = in.string("license_id");
  license.activation_id = in.string("activation_id");
  license.product = in.string("product");
  license.licensee = in.string("licensee");
  const auto model = seat_model_from_name(in.string("model"));
  const auto term = term_from_name(in.string("term"));
  if (!in.failed() && (!model || !term)) in.fail("the license has an unknown model or term");
  license.model = model.value_or(SeatModel::node_locked);
  license.term = term.value_or(Term::perpetual);
  license.features = in.string_list("features");
  license.issued_at = in.integer("issued_at");
  license.refresh_by = in.integer("refresh_by");
  license.grace_days = in.integer("grace_days");
  license.expires_at = in.optional_integer("expires_at");
  license.max_version = in.optional_integer("max_version");
  license.maintenance_end = in.optional_integer("maintenance_end");
  read_fingerprint(in, "fingerprint", license.fingerprint);
  read_match_policy(in, license.match_policy);
  license.machine_id = in.string("machine_id");
  license.device_public_key = in.public_key("device_public_key");
  license.request_nonce = in.string("request_nonce");
  read_dongle(in, license.dongle);
  if (auto status = in.finish(); !status.ok()) return status.error();
  return license;
}

nlohmann::json to_payload(const DeactivationReceipt& receipt) {
  return {
      {"v", 1},
      {"type", "deactivation_receipt"},
      {"activation_id", receipt.activation_id},
      {"license_id", receipt.license_id},
      {"product", receipt.product},
      {"machine_id", receipt.machine_id},
      {"device_public_key", base64_key(receipt.device_public_key)},
      {"nonce", receipt.nonce},
      {"created_at", receipt.created_at},
  };
}

Result<DeactivationReceipt> deactivation_receipt_from_payload(const nlohmann::json& payload) {
  FieldReader in(payload, "deactivation receipt");
  DeactivationReceipt receipt;
  read_header(in, "deactivation_receipt");
  receipt.activation_id = in.string("activation_id");
  receipt.license_id = in.string("license_id");
  receipt.product = in.string("product");
  receipt.machine_id = in.string("machine_id");
  receipt.device_public_key = in.public_key("device_public_key");
  receipt.nonce = in.string("nonce");
  receipt.created_at = in.integer("created_at");
  if (auto status = in.finish(); !status.ok()) return status.error();
  return receipt;
}

bool is_identifier(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  };
  return std::all_of(text.begin(), text.end(), allowed) && text.front() != '-' &&
         text.front() != '.';
}

nlohmann::json to_payload(const SiteLicense& license) {
  nlohmann::json payload = {
      {"v", 1},
      {"type", "site_license"},
      {"license_id", license.license_id},
      {"product", license.product},
      {"licensee", license.licensee},
      {"site_id", license.site_id},
      {"model", seat_model_name(SeatModel::site)},
      {"term", term_name(license.term)},
      {"features", license.features},
      {"issued_at", license.issued_at},
      {"grace_days", license.grace_days},
  };
  if (license.expires_at) payload["expires_at"] = *license.expires_at;
  if (license.max_version) payload["max_version"] = *license.max_version;
  if (license.maintenance_end) payload["maintenance_end"] = *license.maintenance_end;
  return payload;
}

Result<SiteLicense> site_license_from_payload(const nlohmann::json& payload) {
  FieldReader in(payload, "site license");
  SiteLicense license;
  read_header(in, "site_license");
  license.license_id = in.string("license_id");
  license.product = in.string("product");
  license.licensee = in.string("licensee");
  license.site_id = in.string("site_id");
  if (!in.failed() && !is_identifier(license.site_id)) {
    in.fail("the site license has a bad site_id");
  }
  if (!in.failed() && in.string("model") != seat_model_name(SeatModel::site)) {
    in.fail("a site license has model site");
  }
  const auto term = term_from_name(in.string("term"));
  if (!in.failed() && !term) in.fail("the site license has an unknown term");
  license.term = term.value_or(Term::perpetual);
  license.features = in.string_list("features");
  license.issued_at = in.integer("issued_at");
  license.grace_days = in.integer("grace_days");
  license.expires_at = in.optional_integer("expires_at");
  license.max_version = in.optional_integer("max_version");
  license.maintenance_end = in.optional_integer("maintenance_end");
  if (auto status = in.finish(); !status.ok()) return status.error();
  return license;
}

}  // namespace nodelock
