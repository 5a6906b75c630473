// A key given twice in one JSON object could mean the first value to one
// reader and the last to another: the server refuses such a request body or
// import file as malformed, naming the key, and changes nothing.
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class RepeatedKeys : public ServerTest {};

TEST_F(RepeatedKeys, ARequestBodyWithAKeyTwiceIsMalformedAndCreatesNothing) {
  const Reply refused = admin().post_raw(
      "/v1/licenses",
      R"({"product":"acme-cad","model":"node-locked","max_activations":1,"max_activations":500})");
  EXPECT_EQ(refused.status, 400) << refused.body.dump();
  EXPECT_EQ(refused.code(), "malformed");
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find("'max_activations' appears twice"), std::string::npos) << message;
  EXPECT_EQ(admin().get("/v1/licenses").body["licenses"].size(), 0u);
}

TEST_F(RepeatedKeys, AKeyTwiceInANestedObjectIsFoundToo) {
  const Reply refused = admin().post_raw(
      "/v1/licenses", R"({"product":"acme-cad","model":"floating","max_activations":2,)"
                      R"("project_tokens":{"team":1,"mono":1,"team":2}})");
  EXPECT_EQ(refused.code(), "malformed") << refused.body.dump();
  EXPECT_EQ(admin().get("/v1/licenses").body["licenses"].size(), 0u);
}

TEST_F(RepeatedKeys, TheSameKeyInDifferentObjectsIsFine) {
  const Reply created = admin().post_raw(
      "/v1/licenses", R"({"product":"acme-cad","model":"floating","max_activations":2,)"
                      R"("seat_scope":"project","project_tokens":{"team":1,"mono":1}})");
  EXPECT_EQ(created.status, 201) << created.body.dump();
}

TEST_F(RepeatedKeys, AnImportFileWithAKeyTwiceIsRefusedWhole) {
  const TempDir dir;
  const std::filesystem::path file = dir.path() / "licenses.json";
  write_text(file, R"([{"v":1,"product":"acme-cad","max_activations":1,"max_activations":9}])");
  const ProcessResult imported = admin_cli("license import " + file.string());
  EXPECT_NE(imported.exit_code, 0) << imported.out;
  EXPECT_NE((imported.out + imported.err).find("'max_activations' appears twice"),
            std::string::npos)
      << imported.out << imported.err;
  EXPECT_EQ(admin().get("/v1/licenses").body["licenses"].size(), 0u);
}

}  // namespace
}  // namespace nodelock::server::testing
