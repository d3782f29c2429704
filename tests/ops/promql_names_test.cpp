// The PromQL/exposition name extraction the dashboard and rule checks rely on.
#include "tests/ops/promql_names.hpp"

#include <gtest/gtest.h>

namespace allo::testing {
namespace {

using Names = std::set<std::string>;

TEST(PromqlNames, SelectorInsideAggregationAndFunctions) {
  EXPECT_EQ(
      promql_metric_names(
          R"(histogram_quantile(0.99, sum by (instance, le) (rate(alloplace_tick_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval]))))"),
      (Names{"alloplace_tick_duration_seconds_bucket"}));
}

TEST(PromqlNames, BinaryOperatorsWithMatchingModifiers) {
  EXPECT_EQ(
      promql_metric_names(
          R"(assetd_store_bytes{kind="in_use"} / ignoring (kind) group_left(job) assetd_store_bytes{kind="hard_limit"})"),
      (Names{"assetd_store_bytes"}));
  EXPECT_EQ(promql_metric_names("up == 0 and on(job) foo_total offset 5m unless bool bar"),
            (Names{"up", "foo_total", "bar"}));
}

TEST(PromqlNames, RecordingRuleNamesNumbersAndStrings) {
  EXPECT_EQ(promql_metric_names("instance:allo_sfu_drop_ratio:rate5m > 0.05"),
            (Names{"instance:allo_sfu_drop_ratio:rate5m"}));
  EXPECT_EQ(promql_metric_names("1e-05 * .5 * bar"), (Names{"bar"}));
  EXPECT_EQ(promql_metric_names(R"(label_replace(x, "dst", "{$1}", "src", "(a)[b]"))"),
            (Names{"x"}));
  EXPECT_EQ(promql_metric_names("sum without (worker) (a) / max(b)"), (Names{"a", "b"}));
}

TEST(PromqlNames, UnbalancedInputEndsQuietly) {
  EXPECT_EQ(promql_metric_names("rate(x{a=\"unterminated"), (Names{"x"}));
  EXPECT_EQ(promql_metric_names("y[5m"), (Names{"y"}));
  EXPECT_TRUE(promql_metric_names("").empty());
}

TEST(ExpositionNames, FamiliesAndSamples) {
  const std::string text =
      "# HELP a_total Things\n"
      "# TYPE a_total counter\n"
      "a_total{reason=\"x\"} 3\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"0.1\"} 1\n"
      "h_sum 0.05\n"
      "h_count 1\n"
      "# TYPE empty_family counter\n"
      "g 1";
  EXPECT_EQ(exposition_metric_names(text),
            (Names{"a_total", "h", "h_bucket", "h_sum", "h_count", "empty_family", "g"}));
}

TEST(ExpositionNames, HistogramSuffixesOnlyOfExposedFamilies) {
  const Names exposed = {"h", "g"};
  EXPECT_TRUE(metric_exposed("h", exposed));
  EXPECT_TRUE(metric_exposed("h_bucket", exposed));
  EXPECT_TRUE(metric_exposed("h_sum", exposed));
  EXPECT_TRUE(metric_exposed("g_count", exposed));
  EXPECT_FALSE(metric_exposed("h_total", exposed));
  EXPECT_FALSE(metric_exposed("x_bucket", exposed));
  EXPECT_FALSE(metric_exposed("h_", exposed));
}

}  // namespace
}  // namespace allo::testing
