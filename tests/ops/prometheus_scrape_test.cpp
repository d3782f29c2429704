// A real Prometheus scraping a real alloplace every second with the shipped
// rules loaded: the scraped gauge, a recording rule and an alert are checked
// through Prometheus's HTTP API. Every wait has a deadline.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <optional>

#include "tests/integration/place_process.hpp"
#include "tests/ops/dashboard_queries.hpp"
#include "tests/ops/prometheus_server.hpp"
#include "tests/ops/rules_file.hpp"
#include "tests/ops/shipped_files.hpp"

namespace allo::testing {
namespace {

using nlohmann::json;

// Scrapes the place as job "alloplace" and a port where nothing listens as
// job "allo-sfu", evaluating the shipped rules every second.
std::string scrape_config(uint16_t place_metrics_port, uint16_t dead_port) {
  return fmt::format(R"(global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - "{}"
scrape_configs:
  - job_name: alloplace
    static_configs:
      - targets: ["127.0.0.1:{}"]
  - job_name: allo-sfu
    static_configs:
      - targets: ["127.0.0.1:{}"]
)",
                     source_path(kRulesFile).string(), place_metrics_port, dead_port);
}

// The value of a query answering exactly one sample.
std::optional<double> single_value(const PrometheusServer& prometheus, const std::string& promql) {
  json result = prometheus.query(promql);
  if (!result.is_array() || result.size() != 1) return std::nullopt;
  return std::stod(result[0]["value"][1].get<std::string>());
}

// The active alerts named `name` (pending or firing).
std::vector<json> alerts_named(const PrometheusServer& prometheus, const std::string& name) {
  std::vector<json> out;
  json body = prometheus.api("alerts");
  if (!body.is_object() || !body.contains("data")) return out;
  for (const auto& alert : body["data"]["alerts"])
    if (alert["labels"].value("alertname", "") == name) out.push_back(alert);
  return out;
}

TEST(PrometheusScrape, SeesTheJoinedAgentAndEvaluatesTheShippedRules) {
  PlaceProcess place;
  PrometheusServer prometheus(scrape_config(place.metrics_port, free_tcp_port()));
  auto agent = join(place, "watcher");
  auto step = [&] { agent->poll(20); };  // keeps the agent's connection serviced

  EXPECT_TRUE(wait_until(
      [&] { return single_value(prometheus, "alloplace_agents_connected") == 1.0; }, 20.0, step));
  EXPECT_TRUE(wait_until(
      [&] {
        return single_value(prometheus, "alloplace_agents_announced{job=\"alloplace\"}") == 1.0;
      },
      20.0, step));
  // A recording rule of ops/prometheus/allo.rules.yml over the scraped gauge.
  EXPECT_TRUE(wait_until(
      [&] {
        return single_value(prometheus, "job:alloplace_agents_announced:sum{job=\"alloplace\"}") ==
               1.0;
      },
      20.0, step));
  // The unreachable allo-sfu target raises AlloLinkedDaemonDown (pending for
  // its first minute); the place being up raises no AlloPlaceDown.
  std::vector<json> down;
  EXPECT_TRUE(wait_until(
      [&] {
        down = alerts_named(prometheus, "AlloLinkedDaemonDown");
        return !down.empty();
      },
      20.0, step));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0]["labels"]["job"], "allo-sfu");
  EXPECT_EQ(down[0]["labels"]["severity"], "warning");
  EXPECT_EQ(down[0]["state"], "pending");
  EXPECT_TRUE(alerts_named(prometheus, "AlloPlaceDown").empty());
  EXPECT_EQ(single_value(prometheus, "up{job=\"alloplace\"}"), 1.0);

  // Every shipped rule is loaded and, once evaluated, healthy.
  const size_t shipped = parse_rules_file(read_text(source_path(kRulesFile))).exprs.size();
  json rules;
  auto evaluated = [&] {
    rules = prometheus.api("rules");
    if (!rules.is_object() || !rules.contains("data")) return false;
    for (const auto& group : rules["data"]["groups"])
      for (const auto& rule : group["rules"])
        if (rule.value("health", "") != "ok") return false;
    return true;
  };
  EXPECT_TRUE(wait_until(evaluated, 20.0, step)) << rules.dump(1);
  size_t loaded = 0;
  for (const auto& group : rules["data"]["groups"]) loaded += group["rules"].size();
  EXPECT_EQ(loaded, shipped);
}

TEST(PrometheusScrape, EveryDashboardQueryIsValidPromQL) {
  PrometheusServer prometheus("global:\n  scrape_interval: 1s\n");
  size_t checked = 0;
  for (const auto& file : dashboard_files()) {
    auto board = read_dashboard(file);
    ASSERT_FALSE(board.is_discarded()) << file;
    for (const auto& query : dashboard_queries(board)) {
      std::string runnable = instantiate_grafana_variables(query);
      json answer = prometheus.api("query", {{"query", runnable}});
      EXPECT_EQ(answer.value("status", ""), "success")
          << file.filename() << ": " << runnable << "\n"
          << answer.value("error", "");
      ++checked;
    }
  }
  EXPECT_GE(checked, 30u);
}

}  // namespace
}  // namespace allo::testing
