// Collecting a Grafana dashboard's PromQL and making it runnable.
#include "tests/ops/dashboard_queries.hpp"

#include <gtest/gtest.h>

namespace allo::testing {
namespace {

TEST(DashboardQueries, PanelTargetsNestedRowsAndLabelValuesVariables) {
  auto dashboard = nlohmann::json::parse(R"json({
    "panels": [
      {"type": "timeseries", "targets": [{"expr": "a"}, {"expr": "rate(b[$__rate_interval])"}]},
      {"type": "row", "collapsed": true, "panels": [{"targets": [{"expr": "c"}]}]}
    ],
    "templating": {"list": [
      {"type": "datasource", "query": "prometheus"},
      {"type": "query", "query": {"query": "label_values(d{job=\"x\"}, instance)"}},
      {"type": "query", "query": "label_values(e, worker)"},
      {"type": "custom", "query": "1,2"}
    ]}
  })json");
  EXPECT_EQ(dashboard_queries(dashboard),
            (std::vector<std::string>{"a", "rate(b[$__rate_interval])", "c", "d{job=\"x\"}", "e"}));
}

TEST(DashboardQueries, GrafanaVariablesBecomeRunnable) {
  EXPECT_EQ(
      instantiate_grafana_variables(
          R"(rate(x{instance=~"$instance",w="${worker}"}[$__rate_interval]) + y[$__interval])"),
      R"(rate(x{instance=~".*",w=".*"}[1m]) + y[1m])");
}

}  // namespace
}  // namespace allo::testing
