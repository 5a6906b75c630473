// GET /metrics as Prometheus reads it: every line parses, every family has its
// HELP and TYPE, label values are escaped, the latency histogram is cumulative.
#include <gtest/gtest.h>

#include "metrics.h"
#include "prometheus_text.h"

namespace nodelock::server::testing {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(Metrics, LabelValuesWithQuotesBackslashesAndLineFeedsAreEscaped) {
  Metrics metrics;
  const std::string odd = "lic_\"odd\"\\name\nnext";
  metrics.count_request("/v1/\"quoted\"", 200, microseconds(100), "");
  License license;
  license.id = odd;
  license.product_id = "acme-cad";
  license.seats_used = 3;
  const Scrape scrape = parse_scrape(metrics.prometheus_text({license}, {}));
  ASSERT_EQ(scrape.problem, "");
  EXPECT_EQ(scrape.value("nodelock_seats_in_use", {{"license", odd}, {"product", "acme-cad"}}), 3);
  EXPECT_EQ(scrape.value("nodelock_http_requests_total",
                         {{"route", "/v1/\"quoted\""}, {"status", "200"}}),
            1);
}

TEST(Metrics, FloatingLicensesCountTheSeatsTheirLeasesHoldAndTheGraceSeatsInUse) {
  Metrics metrics;
  License floating;
  floating.id = "lic_floating";
  floating.product_id = "acme-cad";
  floating.model = SeatModel::floating;
  floating.max_activations = 2;
  License idle = floating;
  idle.id = "lic_idle";
  License node_locked;
  node_locked.id = "lic_node";
  node_locked.product_id = "acme-cad";
  node_locked.seats_used = 1;
  const auto lease = [](std::string seat, bool overage) {
    Lease made;
    made.license_id = "lic_floating";
    made.seat = std::move(seat);
    made.overage = overage;
    return made;
  };
  const std::vector<Lease> held = {lease("ann@example.com", false), lease("ann@example.com", false),
                                   lease("bob@example.com", false), lease("eve@example.com", true)};
  const Scrape scrape = parse_scrape(metrics.prometheus_text({floating, idle, node_locked}, held));
  ASSERT_EQ(scrape.problem, "");
  using Labels = std::map<std::string, std::string>;
  const Labels of = {{"license", "lic_floating"}, {"product", "acme-cad"}};
  const Labels none = {{"license", "lic_idle"}, {"product", "acme-cad"}};
  EXPECT_EQ(scrape.value("nodelock_seats_in_use", of), 3);
  EXPECT_EQ(scrape.value("nodelock_leases", of), 4);
  EXPECT_EQ(scrape.value("nodelock_grace_seats_in_use", of), 1) << "3 seats held of 2";
  EXPECT_EQ(scrape.value("nodelock_seats_in_use", none), 0);
  EXPECT_EQ(scrape.value("nodelock_leases", none), 0);
  EXPECT_EQ(
      scrape.value("nodelock_seats_in_use", {{"license", "lic_node"}, {"product", "acme-cad"}}), 1);
  EXPECT_EQ(scrape.value("nodelock_leases", {{"license", "lic_node"}, {"product", "acme-cad"}}), -1)
      << "a node-locked license has no leases to count";
}

TEST(Metrics, LatencyHistogramIsCumulativeWithInfEqualToTheCount) {
  Metrics metrics;
  for (auto took :
       {microseconds(300), microseconds(3000), microseconds(2000000), microseconds(10000000)}) {
    metrics.count_request("/v1/activations", 200, took, "");
  }
  const Scrape scrape = parse_scrape(metrics.prometheus_text({}, {}));
  ASSERT_EQ(scrape.problem, "");
  EXPECT_EQ(scrape.types.at("nodelock_http_request_duration_seconds"), "histogram");
  const auto bucket = [&](const std::string& le) {
    return scrape.value("nodelock_http_request_duration_seconds_bucket",
                        {{"route", "/v1/activations"}, {"le", le}});
  };
  EXPECT_EQ(bucket("0.0005"), 1);
  EXPECT_EQ(bucket("0.001"), 1);
  EXPECT_EQ(bucket("0.005"), 2);
  EXPECT_EQ(bucket("1"), 2);
  EXPECT_EQ(bucket("5"), 3);
  EXPECT_EQ(bucket("+Inf"), 4);
  EXPECT_EQ(
      scrape.value("nodelock_http_request_duration_seconds_count", {{"route", "/v1/activations"}}),
      4);
  EXPECT_NEAR(
      scrape.value("nodelock_http_request_duration_seconds_sum", {{"route", "/v1/activations"}}),
      12.0033, 1e-9);
}

TEST(Metrics, RefusalsAreCountedByErrorCode) {
  Metrics metrics;
  metrics.count_request("/v1/activations", 409, milliseconds(1), "activation_limit");
  metrics.count_request("/v1/activations", 409, milliseconds(1), "activation_limit");
  metrics.count_request("/v1/licenses", 401, milliseconds(1), "unauthorized");
  const Scrape scrape = parse_scrape(metrics.prometheus_text({}, {}));
  ASSERT_EQ(scrape.problem, "");
  EXPECT_EQ(scrape.value("nodelock_refusals_total", {{"code", "activation_limit"}}), 2);
  EXPECT_EQ(scrape.value("nodelock_refusals_total", {{"code", "unauthorized"}}), 1);
}

TEST(PrometheusText, TheReaderRefusesWhatPrometheusWould) {
  EXPECT_NE(parse_scrape("nodelock_x 1\n").problem, "");  // no HELP or TYPE
  EXPECT_NE(parse_scrape("# HELP a b\n# TYPE a gauge\na{l=\"x\"y\"} 1\n").problem, "");
  EXPECT_NE(parse_scrape("# HELP a b\n# TYPE a gauge\na one\n").problem, "");
  EXPECT_NE(parse_scrape("# HELP a b\n# TYPE a gauge\na 1").problem, "");
  EXPECT_EQ(parse_scrape("# HELP a b\n# TYPE a gauge\na{l=\"x\\\"y\"} 1\n").problem, "");
}

}  // namespace
}  // namespace nodelock::server::testing
