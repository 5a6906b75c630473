// Online activation, refresh and deactivation over HTTP(S) against the real
// binary, with signed documents made as an installation makes them.
#include <algorithm>
#include <cstdlib>
#include <vector>

#include "nodelock/activation/document.h"
#include "nodelock/activation/license_key.h"
#include "nodelock/crypto/encoding.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

const std::string kProduct = "acme-cad";

TrustedKeys published_keys(ApiClient& client) {
  Reply keys = client.get("/v1/keys");
  TrustedKeys trusted;
  for (const auto& key : keys.body["keys"]) {
    auto bytes = encoding::from_base64(key["public_key"].get<std::string>()).value();
    crypto::PublicKey public_key;
    std::copy(bytes.begin(), bytes.end(), public_key.bytes.begin());
    trusted.add(public_key);
  }
  return trusted;
}

// The armored document with its envelope JSON rewritten by `edit`.
std::string with_envelope(const std::string& armored, std::string (*edit)(std::string)) {
  const auto body_start = armored.find("\n\n") + 2;
  const auto body_end = armored.find("-----END");
  std::string base64;
  for (char c : armored.substr(body_start, body_end - body_start)) {
    if (c != '\n') base64 += c;
  }
  const auto envelope = encoding::from_base64(base64).value();
  const std::string edited = edit(std::string(envelope.begin(), envelope.end()));
  const std::string encoded = encoding::base64(crypto::ByteView(edited));
  std::string wrapped;
  for (std::size_t i = 0; i < encoded.size(); i += 64) wrapped += encoded.substr(i, 64) + "\n";
  return armored.substr(0, body_start) + wrapped + armored.substr(body_end);
}

TEST_F(ServerTest, LicenseIsSignedByThePublishedKeyAndBoundToTheMachine) {
  const IssuedKey license = create_license({{"max_activations", 3}, {"features", {"export"}}});
  ApiClient client = anonymous();
  const TestMachine machine;
  Reply reply = activate(client, machine.activation_request(license.key, kProduct, unix_now()));
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["existing"], false);
  EXPECT_EQ(reply.body["seats"], (nlohmann::json{{"used", 1}, {"max", 3}}));
  EXPECT_EQ(reply.body["machine_id"], machine.fingerprint().machine_id());

  auto document = open_document(reply.body["license"].get<std::string>(), DocumentType::license,
                                published_keys(client));
  ASSERT_TRUE(document.ok()) << document.message();
  auto payload = license_from_payload(document->payload());
  ASSERT_TRUE(payload.ok()) << payload.message();
  EXPECT_EQ(payload->license_id, license.id);
  EXPECT_EQ(payload->activation_id, reply.body["activation_id"]);
  EXPECT_EQ(payload->fingerprint, machine.fingerprint());
  EXPECT_EQ(payload->device_public_key, machine.device_key().public_key());
  EXPECT_EQ(payload->features, std::vector<std::string>{"export"});
  EXPECT_GT(payload->refresh_by, payload->issued_at);
}

TEST_F(ServerTest, SeatsRunOutThenAReactivationCostsNothingAndADeactivationFreesOne) {
  const IssuedKey license = create_license({{"max_activations", 3}});
  ApiClient client = anonymous();
  const TestMachine machines[4];
  std::string activation_ids[3];
  for (int i = 0; i < 3; ++i) {
    Reply granted =
        activate(client, machines[i].activation_request(license.key, kProduct, unix_now()));
    ASSERT_EQ(granted.status, 200) << granted.body.dump();
    activation_ids[i] = granted.body["activation_id"];
  }
  Reply refused =
      activate(client, machines[3].activation_request(license.key, kProduct, unix_now()));
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.code(), "activation_limit");
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find("3 of 3 machines"), std::string::npos) << message;
  EXPECT_NE(message.find(license.key.substr(24)), std::string::npos) << message;
  EXPECT_NE(message.find("nodelock deactivate"), std::string::npos) << message;
  EXPECT_EQ(refused.body["error"]["details"], (nlohmann::json{{"used", 3}, {"max", 3}}));

  Reply again = activate(client, machines[0].activation_request(license.key, kProduct, unix_now()));
  ASSERT_EQ(again.status, 200) << again.body.dump();
  EXPECT_EQ(again.body["existing"], true);
  EXPECT_EQ(again.body["activation_id"], activation_ids[0]);
  EXPECT_EQ(again.body["seats"]["used"], 3);

  Reply freed = client.post(
      "/v1/deactivations", {{"receipt", machines[1].deactivation_receipt(
                                            activation_ids[1], license.id, kProduct, unix_now())}});
  ASSERT_EQ(freed.status, 200) << freed.body.dump();
  EXPECT_EQ(freed.body, (nlohmann::json{{"freed", true}, {"activation_id", activation_ids[1]}}));
  EXPECT_EQ(
      activate(client, machines[3].activation_request(license.key, kProduct, unix_now())).status,
      200);
  Reply shown = license_details(license.id);
  EXPECT_EQ(shown.body["seats"]["used"], 3);
  EXPECT_EQ(shown.body["activations"].size(), 4u);
}

TEST_F(ServerTest, ActivationsAreListedPageByPage) {
  const IssuedKey license = create_license({{"max_activations", 5}});
  ApiClient client = anonymous();
  const TestMachine machines[5];
  std::vector<std::string> activated;
  for (const TestMachine& machine : machines) {
    Reply granted = activate(client, machine.activation_request(license.key, kProduct, unix_now()));
    ASSERT_EQ(granted.status, 200) << granted.body.dump();
    activated.push_back(granted.body["activation_id"]);
  }
  const std::string listing = "/v1/licenses/" + license.id + "/activations";
  std::vector<std::string> listed;
  std::string path = listing + "?limit=2";
  for (int pages = 1;; ++pages) {
    Reply page = admin().get(path);
    ASSERT_EQ(page.status, 200) << page.body.dump();
    EXPECT_LE(page.body["activations"].size(), 2u);
    for (const auto& activation : page.body["activations"]) listed.push_back(activation["id"]);
    if (!page.body.contains("next")) {
      EXPECT_EQ(pages, 3);
      break;
    }
    path = listing + "?limit=2&after=" + page.body["next"].get<std::string>();
  }
  std::vector<std::string> expected = activated;
  std::sort(expected.begin(), expected.end());
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, expected) << "every activation once";
  EXPECT_EQ(admin().get(listing).body["activations"].size(), 5u);
  EXPECT_FALSE(license_details(license.id).body.contains("activations_next"));

  for (const std::string bad : {"?limit=0", "?limit=1001", "?limit=abc", "?limit=", "?limit=-1",
                                "?limit=99999999999", "?after=act_nothing"}) {
    Reply refused = admin().get(listing + bad);
    EXPECT_EQ(refused.status, 400) << bad << ": " << refused.body.dump();
    EXPECT_EQ(refused.code(), "invalid_argument") << bad;
  }
  EXPECT_EQ(admin().get("/v1/licenses/lic_nothing/activations").code(), "not_found");
}

TEST_F(ServerTest, ReplayedRequestsAndReceiptsAreRefused) {
  const IssuedKey license = create_license({{"max_activations", 3}});
  ApiClient client = anonymous();
  const TestMachine machine;
  const std::string request = machine.activation_request(license.key, kProduct, unix_now());
  Reply first = activate(client, request);
  ASSERT_EQ(first.status, 200);
  Reply replay = activate(client, request);
  EXPECT_EQ(replay.status, 409);
  EXPECT_EQ(replay.code(), "replayed");

  const std::string receipt =
      machine.deactivation_receipt(first.body["activation_id"], license.id, kProduct, unix_now());
  EXPECT_EQ(client.post("/v1/deactivations", {{"receipt", receipt}}).status, 200);
  Reply again = client.post("/v1/deactivations", {{"receipt", receipt}});
  EXPECT_EQ(again.code(), "replayed");
}

TEST_F(ServerTest, OnlyTheSeatsDeviceKeyCanFreeIt) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  ApiClient client = anonymous();
  const TestMachine holder;
  Reply granted = activate(client, holder.activation_request(license.key, kProduct, unix_now()));
  ASSERT_EQ(granted.status, 200);
  Reply forged = client.post(
      "/v1/deactivations",
      {{"receipt", TestMachine().deactivation_receipt(granted.body["activation_id"], license.id,
                                                      kProduct, unix_now())}});
  EXPECT_EQ(forged.status, 422);
  EXPECT_EQ(forged.code(), "tampered");
  EXPECT_EQ(license_details(license.id).body["seats"]["used"], 1);
}

TEST_F(ServerTest, RefreshRenewsTheLicenseOfTheSeat) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  ApiClient client = anonymous();
  const TestMachine machine;
  Reply granted = activate(client, machine.activation_request(license.key, kProduct, unix_now()));
  ASSERT_EQ(granted.status, 200);
  const std::string activation_id = granted.body["activation_id"];
  Reply renewed =
      activate(client, machine.refresh_request(license.key, kProduct, activation_id, unix_now()));
  ASSERT_EQ(renewed.status, 200) << renewed.body.dump();
  EXPECT_EQ(renewed.body["activation_id"], activation_id);
  EXPECT_NE(renewed.body["license"], granted.body["license"]);

  admin().post("/v1/licenses/" + license.id + "/suspend", nlohmann::json::object());
  Reply suspended =
      activate(client, machine.refresh_request(license.key, kProduct, activation_id, unix_now()));
  EXPECT_EQ(suspended.status, 403);
  EXPECT_EQ(suspended.code(), "suspended");
  EXPECT_EQ(
      activate(client, TestMachine().activation_request(license.key, kProduct, unix_now())).code(),
      "suspended");
}

TEST_F(ServerTest, ForgedAndDamagedRequestsAreRefusedAndChangeNothing) {
  const IssuedKey license = create_license({{"max_activations", 5}});
  ApiClient client = anonymous();
  const TestMachine machine;
  const std::string good = machine.activation_request(license.key, kProduct, unix_now());

  // Signed by another key than the device key the request names.
  const TestMachine impostor;
  Reply forged =
      activate(client, impostor.sign(machine.request(license.key, kProduct, unix_now())));
  EXPECT_EQ(forged.status, 422) << forged.body.dump();
  EXPECT_EQ(forged.code(), "tampered");

  // A request that is not canonical JSON, though every field is right.
  Reply spaced = activate(
      client, with_envelope(good, [](std::string envelope) { return envelope.insert(1, " "); }));
  EXPECT_EQ(spaced.code(), "malformed");

  // A payload byte changed after signing.
  Reply changed = activate(client, with_envelope(good, [](std::string envelope) {
                             const auto at = envelope.find("\"hostname\":\"") + 12;
                             envelope[at] = envelope[at] == 'w' ? 'x' : 'w';
                             return envelope;
                           }));
  EXPECT_EQ(changed.code(), "tampered");

  // Every character of the armored body changed in turn.
  const auto body_start = good.find("\n\n") + 2;
  for (std::size_t at = body_start; at < good.find("-----END"); at += 7) {
    if (good[at] == '\n') continue;
    std::string damaged = good;
    damaged[at] = damaged[at] == 'A' ? 'B' : 'A';
    Reply reply = activate(client, damaged);
    EXPECT_TRUE(reply.code() == "malformed" || reply.code() == "tampered")
        << "byte " << at << ": " << reply.body.dump();
  }

  Reply wrong_type =
      activate(client, machine.deactivation_receipt("act_x", license.id, kProduct, unix_now()));
  EXPECT_EQ(wrong_type.code(), "wrong_document");

  EXPECT_EQ(license_details(license.id).body["seats"]["used"], 0);
  EXPECT_EQ(activate(client, good).status, 200) << "a refused copy used up the nonce";
}

TEST_F(ServerTest, WrongProductTypoAndUnknownKeyHaveTheirOwnErrors) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  ApiClient client = anonymous();
  const TestMachine machine;
  Reply other_product =
      activate(client, machine.activation_request(license.key, "acme-viewer", unix_now()));
  EXPECT_EQ(other_product.status, 422);
  EXPECT_EQ(other_product.code(), "product_mismatch");

  std::string typo = license.key;
  typo[3] = typo[3] == 'A' ? 'B' : 'A';
  Reply mistyped = activate(client, machine.activation_request(typo, kProduct, unix_now()));
  EXPECT_EQ(mistyped.status, 400);
  EXPECT_EQ(mistyped.code(), "invalid_key");

  Reply unknown = activate(
      client, machine.activation_request(LicenseKey::generate().text(), kProduct, unix_now()));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "not_found");
  EXPECT_EQ(license_details(license.id).body["seats"]["used"], 0);
}

TEST_F(ServerTest, KeyGuessingIsRateLimitedPerAddress) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  ApiClient client = anonymous();
  const TestMachine machine;
  for (int attempt = 0; attempt < 10; ++attempt) {
    Reply guess = activate(
        client, machine.activation_request(LicenseKey::generate().text(), kProduct, unix_now()));
    ASSERT_EQ(guess.code(), "not_found") << "attempt " << attempt;
  }
  Reply limited = activate(
      client, machine.activation_request(LicenseKey::generate().text(), kProduct, unix_now()));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.code(), "rate_limited");
  EXPECT_GT(std::atoi(limited.retry_after.c_str()), 0);
  EXPECT_EQ(activate(client, machine.activation_request(license.key, kProduct, unix_now())).status,
            429);
  EXPECT_EQ(license_details(license.id).body["seats"]["used"], 0);
}

}  // namespace
}  // namespace nodelock::server::testing
