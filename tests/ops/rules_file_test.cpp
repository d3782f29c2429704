// Reading record names and expressions out of a rules file.
#include "tests/ops/rules_file.hpp"

#include <gtest/gtest.h>

namespace allo::testing {
namespace {

TEST(RulesFile, RecordsAndPlainQuotedAndBlockExpressions) {
  const std::string yaml = R"(groups:
  - name: g
    rules:
      - record: job:a:sum
        expr: sum by (job) (a)
      - record: "instance:b:ratio"
        expr: |
          sum(rate(b_total[5m]))
          /
          sum(rate(c_total[5m]))
      - alert: Down
        expr: 'up == 0'
        for: 1m
        labels:
          severity: critical
)";
  RulesFile rules = parse_rules_file(yaml);
  EXPECT_EQ(rules.records, (std::vector<std::string>{"job:a:sum", "instance:b:ratio"}));
  ASSERT_EQ(rules.exprs.size(), 3u);
  EXPECT_EQ(rules.exprs[0], "sum by (job) (a)");
  EXPECT_EQ(rules.exprs[1],
            "          sum(rate(b_total[5m]))\n          /\n          sum(rate(c_total[5m]))\n");
  EXPECT_EQ(rules.exprs[2], "up == 0");
}

TEST(RulesFile, KeysThatOnlyStartLikeExprAreIgnored) {
  RulesFile rules = parse_rules_file("exp_alerts: []\nexpression: x\nrecorded: y\n");
  EXPECT_TRUE(rules.records.empty());
  EXPECT_TRUE(rules.exprs.empty());
}

}  // namespace
}  // namespace allo::testing
