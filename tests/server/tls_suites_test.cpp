// HTTPS offers TLS 1.2 and 1.3 only, and in TLS 1.2 only ECDHE key exchange
// with AEAD ciphers: a client offering static-RSA key exchange (where a stolen
// server key decrypts recorded traffic) or a CBC cipher gets no handshake.
// Each handshake is made by the openssl command, which offers exactly the
// suite it is told to.
#include "server_fixture.h"
#include "tls_files.h"

namespace nodelock::server::testing {
namespace {

class TlsSuites : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_shell("command -v openssl").exit_code != 0) GTEST_SKIP() << "no openssl command";
    // An RSA key, so that static-RSA suites would be possible at all.
    ASSERT_TRUE(make_self_signed_certificate(dir_.path(), "rsa:2048"));
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{dir_ / "data", tls_arguments(dir_.path())});
    ASSERT_EQ(server_->url().rfind("https://", 0), 0u) << server_->url();
  }

  // The cipher the handshake settled on, or "(NONE)" when there was none.
  std::string negotiated(const std::string& client_flags) {
    const ProcessResult run =
        run_shell("echo | openssl s_client -connect 127.0.0.1:" + std::to_string(server_->port()) +
                  " " + client_flags + " 2>&1");
    const std::string marker = "Cipher is ";
    const auto at = run.out.find(marker);
    if (at == std::string::npos) return "(NONE)";
    const auto start = at + marker.size();
    return run.out.substr(start, run.out.find('\n', start) - start);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(TlsSuites, Tls12WithoutForwardSecrecyOrWithCbcGetsNoHandshake) {
  for (const std::string cipher :
       {"AES128-SHA", "AES256-SHA256", "AES128-GCM-SHA256", "AES256-GCM-SHA384",
        "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384"}) {
    EXPECT_EQ(negotiated("-tls1_2 -cipher " + cipher), "(NONE)") << cipher << " was accepted";
  }
}

TEST_F(TlsSuites, Tls12WithEcdheAndAeadAndTls13AreServed) {
  for (const std::string cipher : {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
                                   "ECDHE-RSA-CHACHA20-POLY1305"}) {
    EXPECT_EQ(negotiated("-tls1_2 -cipher " + cipher), cipher);
  }
  EXPECT_EQ(negotiated("-tls1_3").rfind("TLS_", 0), 0u);
}

}  // namespace
}  // namespace nodelock::server::testing
