// Dashboards and rules against the live daemons: every metric name their
// PromQL uses is exported by alloplace, allo-sfu or allo-assetd as `make run`
// wires them (or is a recording rule of the shipped rules file).
#include <gtest/gtest.h>

#include <set>

#include "proto/limits.hpp"
#include "tests/ops/daemon_stack.hpp"
#include "tests/ops/dashboard_queries.hpp"
#include "tests/ops/promql_names.hpp"
#include "tests/ops/rules_file.hpp"
#include "tests/ops/shipped_files.hpp"
#include "tests/support/enet_peer.hpp"

namespace allo::testing {
namespace {

// Series Prometheus adds to every target itself.
const std::set<std::string> kPrometheusSeries = {"up", "scrape_duration_seconds",
                                                 "scrape_samples_scraped"};
// Labelled families allo-assetd creates on their first event (a commit, a
// malformed frame), which this test does not cause: they must at least be
// registered under exactly this name in the daemon's source.
const std::vector<std::string> kAssetdFirstEventFamilies = {"assetd_commits_total",
                                                            "assetd_rejected_total"};

TEST(DashboardMetrics, DashboardsAndRulesUseOnlyMetricsTheDaemonsExport) {
  DaemonStack stack;
  PlaceProcess& place = stack.place();
  // The place's labelled families appear with their first child: an announce
  // (interactions) and malformed input (rejected).
  auto agent = join(place, "ops");
  EnetPeer raw;
  ASSERT_TRUE(raw.connect("127.0.0.1", place.port, 5.0));
  raw.send(limits::kChannelCommands, "{\"cmd\": ");
  ASSERT_TRUE(wait_until(
      [&] {
        std::string text = place.metrics();
        return metric_value(text, "alloplace_rejected_total") >= 1 &&
               metric_value(text, "alloplace_interactions_total") >= 1;
      },
      10.0,
      [&] {
        raw.poll(5);
        agent->poll(5);
      }));

  std::set<std::string> exposed;
  for (const std::string& text : {place.metrics(), scrape_metrics(stack.sfu_metrics_port()),
                                  scrape_metrics(stack.assetd_metrics_port())}) {
    ASSERT_FALSE(text.empty());
    exposed.merge(exposition_metric_names(text));
  }
  for (const char* name : {"alloplace_agents_connected", "allo_sfu_tracks", "assetd_store_entries"})
    ASSERT_TRUE(exposed.contains(name)) << name << " missing: not the expected daemons";
  const std::string assetd_source = read_text(source_path("assetd/assetd_metrics.cpp"));
  for (const auto& name : kAssetdFirstEventFamilies) {
    if (exposed.contains(name)) continue;
    ASSERT_NE(assetd_source.find('"' + name + '"'), std::string::npos) << name;
    exposed.insert(name);
  }
  exposed.insert(kPrometheusSeries.begin(), kPrometheusSeries.end());

  const RulesFile rules = parse_rules_file(read_text(source_path(kRulesFile)));
  ASSERT_GE(rules.records.size(), 5u);
  const std::set<std::string> records(rules.records.begin(), rules.records.end());
  auto check = [&](const std::string& where, const std::string& expr) {
    auto names = promql_metric_names(expr);
    EXPECT_FALSE(names.empty()) << where << ": no metric in " << expr;
    for (const auto& name : names) {
      EXPECT_TRUE(metric_exposed(name, exposed) || records.contains(name))
          << where << ": \"" << name << "\" is neither exported nor recorded, in: " << expr;
    }
  };
  for (const auto& expr : rules.exprs) check(kRulesFile, expr);
  size_t queries = 0;
  for (const auto& file : dashboard_files()) {
    auto board = read_dashboard(file);
    ASSERT_FALSE(board.is_discarded()) << file;
    for (const auto& query : dashboard_queries(board)) {
      check(file.filename().string(), query);
      ++queries;
    }
  }
  EXPECT_GE(queries, 30u);
}

}  // namespace
}  // namespace allo::testing
