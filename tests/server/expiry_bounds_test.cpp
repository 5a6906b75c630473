// An expiry is unix seconds up to the end of 9999-12-31, however it is given:
// a number beyond that is refused and creates nothing, and the latest expiry
// allowed, with the longest grace, still admits machines (adding the grace
// days to it once overflowed and refused every machine as expired).
#include <limits>

#include "nodelock/crypto/utc_time.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class ExpiryBounds : public ServerTest {};

TEST_F(ExpiryBounds, AnExpiryBeyondTheYear9999IsRefusedAndCreatesNothing) {
  for (const std::int64_t expires :
       {std::numeric_limits<std::int64_t>::max(), kLatestUnixTime + 1, std::int64_t{-1}}) {
    const Reply refused = admin().post("/v1/licenses", {{"product", "acme-cad"},
                                                        {"model", "node-locked"},
                                                        {"max_activations", 1},
                                                        {"grace_days", 30},
                                                        {"expires", expires}});
    EXPECT_EQ(refused.status, 400) << expires << ": " << refused.body.dump();
    const std::string message = refused.body["error"].value("message", "");
    EXPECT_NE(message.find("9999-12-31"), std::string::npos) << message;
  }
  EXPECT_EQ(admin().get("/v1/licenses").body["licenses"].size(), 0u);
}

TEST_F(ExpiryBounds, TheLatestExpiryWithTheLongestGraceStillAdmitsAMachine) {
  const IssuedKey license =
      create_license({{"max_activations", 1}, {"grace_days", 365}, {"expires", kLatestUnixTime}});
  ApiClient client(server_.url());
  const TestMachine machine;
  const Reply activated =
      activate(client, machine.activation_request(license.key, "acme-cad", unix_now()));
  EXPECT_EQ(activated.status, 200) << activated.body.dump();
}

}  // namespace
}  // namespace nodelock::server::testing
