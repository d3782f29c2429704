// Metric names used by PromQL expressions and offered by a Prometheus text
// exposition, to check that dashboards and rules only use metrics the daemons
// export. Pure functions. promql_metric_names is a lexer for the PromQL this
// repository writes (selectors, functions, aggregations with by/without,
// binary operators with on/ignoring/group_left/group_right, offsets, Grafana
// $variables), not a full parser; it never throws.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace allo::testing {

// Every metric name an expression selects (recording-rule names included).
std::set<std::string> promql_metric_names(std::string_view expr);

// Every family (from "# TYPE" lines) and sample name in exposition `text`.
std::set<std::string> exposition_metric_names(std::string_view text);

// True when `name` is in `exposed`, or is the _bucket, _sum or _count series
// of a family in `exposed`.
bool metric_exposed(const std::string& name, const std::set<std::string>& exposed);

}  // namespace allo::testing
