#include "nodelock/client/online.h"

#include <algorithm>
#include <filesystem>

#include "nodelock/activation/enrolment.h"
#include "nodelock/activation/local_store.h"
#include "vendor_keys.h"

namespace nodelock {
namespace {

// The server of the activation in `record` and the CA it was verified with,
// unless the command names others: a refresh or a deactivation without --ca
// trusts what the activation trusted.
ServerOptions server_of(const OnlineOptions& options, const ActivationRecord& record) {
  ServerOptions server = options.server;
  if (server.url.empty()) server.url = record.server_url;
  if (server.ca_file.empty() && server.url == record.server_url) server.ca_file = record.ca_file;
  return server;
}

// The server's check-in receipt in an answer, kept before anything else: the
// server moved its history on when it answered, whatever happens here after.
void keep_check_in_receipt(const LocalStore& store, const nlohmann::json& answer) {
  const auto found = answer.find("check_in");
  if (found == answer.end() || !found->is_object()) return;
  const auto counter = found->find("counter");
  const auto receipt = found->find("receipt");
  if (counter == found->end() || !counter->is_number_integer() || receipt == found->end() ||
      !receipt->is_string()) {
    return;
  }
  (void)store.save_check_in_state({counter->get<std::int64_t>(), receipt->get<std::string>(), {}});
}

// Sends a signed request and installs the license that answers it.
Result<ActivationOutcome> exchange(const OnlineOptions& options, const LocalStore& store,
                                   const ServerOptions& reached, const ServerClient& server,
                                   const Machine& machine, const SignedRequest& signed_request) {
  auto trusted = trusted_keys(options.vendor_keys, store, server);
  if (!trusted.ok()) return trusted.error();
  auto answer = server.post("/v1/activations", {{"request", signed_request.armored}});
  if (!answer.ok()) return answer.error();
  keep_check_in_receipt(store, *answer);
  if (!answer->contains("license") || !(*answer)["license"].is_string()) {
    return make_error(ErrorCode::server_error, "The server's answer holds no license.");
  }
  ActivationRecord record;
  record.server_url = server.url();
  if (!reached.ca_file.empty()) {
    std::error_code ignored;
    record.ca_file = std::filesystem::absolute(reached.ca_file, ignored).string();
  }
  record.license_key = signed_request.request.key;
  auto license = install_license(store, (*answer)["license"].get<std::string>(), *trusted,
                                 signed_request.request, machine, record);
  if (!license.ok()) return license.error();
  ActivationOutcome outcome;
  outcome.license = std::move(*license);
  outcome.machine_id = machine.machine_id;
  outcome.existing = answer->value("existing", false);
  if (answer->contains("seats") && (*answer)["seats"].is_object()) {
    outcome.seats_used = (*answer)["seats"].value("used", std::int64_t{0});
    const nlohmann::json& max = (*answer)["seats"]["max"];
    outcome.seats_max = max.is_number_integer() ? max.get<std::int64_t>() : 0;
  }
  return outcome;
}

}  // namespace

Result<ActivationOutcome> activate_online(const OnlineOptions& options, std::string_view typed_key,
                                          const std::string& product,
                                          std::optional<dongle::DongleBinding> dongle) {
  const LocalStore store(options.store_root, product);
  auto server = ServerClient::connect(options.server);
  if (!server.ok()) return server.error();
  auto machine = this_machine(product, options.sysroot);
  if (!machine.ok()) return machine.error();
  auto request = make_request(store, *machine, typed_key, product, RequestPurpose::activate,
                              std::nullopt, std::move(dongle), options.user);
  if (!request.ok()) return request.error();
  return exchange(options, store, options.server, *server, *machine, *request);
}

Result<ActivationOutcome> refresh_online(const OnlineOptions& options, const std::string& product) {
  const LocalStore store(options.store_root, product);
  auto record = store.read_record();
  if (!record.ok()) return record.error();
  const ServerOptions reached = server_of(options, *record);
  auto server = ServerClient::connect(reached);
  if (!server.ok()) return server.error();
  auto machine = this_machine(product, options.sysroot);
  if (!machine.ok()) return machine.error();
  std::optional<CheckInState> state = store.read_check_in_state();
  std::optional<CheckInHistory> history;
  if (state) history = CheckInHistory{state->counter + 1, state->receipt, state->unanswered};
  auto request =
      make_request(store, *machine, record->license_key, product, RequestPurpose::refresh,
                   record->activation_id, std::nullopt, std::nullopt, std::move(history));
  if (!request.ok()) return request.error();
  if (state) {
    // Should the answer be lost, the next check-in names this one, which the
    // server then recognises as ours rather than a copy's.
    state->unanswered = request->request.nonce;
    if (Status kept = store.save_check_in_state(*state); !kept.ok()) return kept.error();
  }
  auto outcome = exchange(options, store, reached, *server, *machine, *request);
  if (!outcome.ok() &&
      (outcome.code() == ErrorCode::suspended || outcome.code() == ErrorCode::revoked ||
       outcome.code() == ErrorCode::seat_reset || outcome.code() == ErrorCode::seat_reclaimed ||
       outcome.code() == ErrorCode::seat_transferred ||
       outcome.code() == ErrorCode::seat_released || outcome.code() == ErrorCode::user_disabled ||
       outcome.code() == ErrorCode::cloned)) {
    // Remembered so the application learns it offline, until a later check-in.
    (void)store.save_refusal({outcome.code(), outcome.message()});
  }
  return outcome;
}

Result<std::string> deactivate_online(const OnlineOptions& options, const std::string& product) {
  const LocalStore store(options.store_root, product);
  auto record = store.read_record();
  if (!record.ok()) return record.error();
  auto server = ServerClient::connect(server_of(options, *record));
  if (!server.ok()) return server.error();
  auto machine = this_machine(product, options.sysroot);
  if (!machine.ok()) return machine.error();
  auto receipt = sign_deactivation_receipt(store, *machine, product);
  if (!receipt.ok()) return receipt.error();
  // The license is destroyed only once the server has freed its seat: a
  // server that cannot be reached or verified must not cost the machine its
  // license while the seat stays taken. (An offline deactivation destroys it
  // first, since its receipt travels on paper.)
  auto answer = server->post("/v1/deactivations", {{"receipt", *receipt}});
  if (!answer.ok()) {
    return make_error(answer.code(),
                      answer.message() +
                          " The license stays on this machine and its seat stays taken; run "
                          "`nodelock deactivate` again once the server can be reached, or "
                          "deactivate offline with `nodelock offline deactivate`.");
  }
  if (Status removed = store.remove_activation(); !removed.ok()) {
    return make_error(removed.code(), "The server freed the seat, but " + removed.message() +
                                          "; delete the license store's files by hand.");
  }
  return record->activation_id;
}

}  // namespace nodelock
