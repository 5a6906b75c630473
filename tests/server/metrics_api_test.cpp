// A real server's /metrics after real traffic: the seats gauge follows the
// activations, refusals are counted by code, and the scrape parses.
#include <ctime>

#include "prometheus_text.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

TEST_F(ServerTest, MetricsCountSeatsRefusalsAndLatencyOfRealRequests) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  ApiClient client = anonymous();
  const TestMachine first, second;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  ASSERT_EQ(activate(client, first.activation_request(license.key, "acme-cad", now)).status, 200);
  Reply full = activate(client, second.activation_request(license.key, "acme-cad", now));
  ASSERT_EQ(full.code(), "activation_limit");
  ASSERT_EQ(ApiClient(server_.url(), "nla_wrong").get("/v1/licenses").status, 401);

  httplib::Client http(server_.url());
  auto scraped = http.Get("/metrics");
  ASSERT_TRUE(scraped);
  EXPECT_EQ(scraped->get_header_value("Content-Type"), "text/plain; version=0.0.4");
  const Scrape scrape = parse_scrape(scraped->body);
  ASSERT_EQ(scrape.problem, "") << scraped->body;
  EXPECT_EQ(scrape.types.at("nodelock_seats_in_use"), "gauge");
  EXPECT_EQ(
      scrape.value("nodelock_seats_in_use", {{"license", license.id}, {"product", "acme-cad"}}), 1);
  EXPECT_EQ(scrape.value("nodelock_seats", {{"license", license.id}, {"product", "acme-cad"}}), 1);
  EXPECT_EQ(scrape.value("nodelock_refusals_total", {{"code", "activation_limit"}}), 1);
  EXPECT_EQ(scrape.value("nodelock_refusals_total", {{"code", "unauthorized"}}), 1);
  EXPECT_EQ(scrape.value("nodelock_activations_total", {{"outcome", "granted"}}), 1);
  EXPECT_EQ(
      scrape.value("nodelock_http_request_duration_seconds_count", {{"route", "/v1/activations"}}),
      2);
}

}  // namespace
}  // namespace nodelock::server::testing
