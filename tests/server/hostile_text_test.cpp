// Text a machine sends about itself is shown to support staff, admins and the
// license's other users: a hostname carrying an escape sequence, a NUL or a
// line break is refused where it enters, and takes no seat.
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class HostileText : public ServerTest {};

TEST_F(HostileText, AHostnameWithControlCharactersIsRefusedAndTakesNoSeat) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  ApiClient client(server_.url());
  const TestMachine machine;
  for (const std::string& hostname :
       {std::string("ws\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"),
        std::string("ws\0admin", 8), std::string("ws\r\nX-Injected: 1"), std::string(256, 'a')}) {
    ActivationRequest request = machine.request(license.key, "acme-cad", unix_now());
    request.hostname = hostname;
    const Reply refused = activate(client, machine.sign(request));
    EXPECT_EQ(refused.status, 400) << refused.body.dump();
    EXPECT_EQ(refused.code(), "malformed");
    EXPECT_NE(refused.body["error"].value("message", "").find("hostname"), std::string::npos)
        << refused.body.dump();
  }
  EXPECT_EQ(license_details(license.id).body["seats"]["used"], 0);

  ActivationRequest plain = machine.request(license.key, "acme-cad", unix_now());
  plain.hostname = "ws-042.corp.example.com";
  EXPECT_EQ(activate(client, machine.sign(plain)).status, 200);
}

}  // namespace
}  // namespace nodelock::server::testing
