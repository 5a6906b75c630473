// Requests no client of ours would send, written byte for byte to the socket:
// each is refused with a clear error, and the server goes on answering and
// keeps what it stored.
#include "raw_connection.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class HostileRequest : public ServerTest {
 protected:
  std::string get(const std::string& target, const std::string& extra_header = "") {
    return exchange(port_of(server_.url()), "GET " + target +
                                                " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                "Authorization: Bearer " +
                                                server_.admin_token() + "\r\n" + extra_header +
                                                "Connection: close\r\n\r\n");
  }

  void expect_refused_as_not_utf8(const std::string& answer, const std::string& what) {
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << what << ": " << answer;
    EXPECT_NE(answer.find("\"code\":\"malformed\""), std::string::npos) << what << ": " << answer;
    EXPECT_NE(answer.find("not valid UTF-8"), std::string::npos) << what << ": " << answer;
    EXPECT_EQ(anonymous().get("/v1/health").status, 200) << "the server died after " << what;
  }
};

// One unauthenticated request with a percent-encoded 0xFF in an unknown path
// used to end the process: the not-found answer quoted the path into JSON.
TEST_F(HostileRequest, InvalidUtf8InAnUnknownPathIsRefusedAndTheServerLives) {
  const std::string unauthenticated =
      exchange(port_of(server_.url()),
               "GET /v1/x%FF HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  expect_refused_as_not_utf8(unauthenticated, "GET /v1/x%FF without a token");
  expect_refused_as_not_utf8(get("/v1/x\xFF"), "a raw 0xFF byte in the path");
}

TEST_F(HostileRequest, InvalidUtf8InARoutedIdQueryOrHeaderIsABadRequest) {
  expect_refused_as_not_utf8(get("/v1/licenses/%FF"), "an id of one 0xFF byte");
  expect_refused_as_not_utf8(get("/v1/licenses/lic_%C0%AF"), "an overlong '/' in an id");
  expect_refused_as_not_utf8(get("/v1/licenses?state=%ED%A0%80"), "a surrogate in a query");
  expect_refused_as_not_utf8(get("/v1/licenses", "X-Note: caf\xE9\r\n"), "Latin-1 in a header");
}

TEST_F(HostileRequest, RefusedRequestsChangeNothing) {
  for (const std::string target : {"/v1/x%FF", "/v1/products/%FF", "/v1/licenses/%FF/suspend"}) {
    exchange(port_of(server_.url()),
             "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                 server_.admin_token() +
                 "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                 "Connection: close\r\n\r\n{}");
  }
  EXPECT_EQ(admin().get("/v1/products").body["products"].size(), 1u);
  EXPECT_EQ(admin().get("/v1/licenses").body["licenses"].size(), 0u);
}

TEST_F(HostileRequest, WellFormedUtf8StillReachesTheRoutes) {
  const std::string answer = get("/v1/licenses/lic_caf%C3%A9");
  EXPECT_EQ(answer.rfind("HTTP/1.1 404", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"code\":\"not_found\""), std::string::npos) << answer;
}

}  // namespace
}  // namespace nodelock::server::testing
