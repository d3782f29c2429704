// The PromQL a Grafana dashboard runs: every "expr" of its panels (nested
// rows included) and the metric of each "label_values(metric, label)"
// template variable. Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace allo::testing {

std::vector<std::string> dashboard_queries(const nlohmann::json& dashboard);

// The expression with Grafana's variables replaced so Prometheus can run it:
// $__rate_interval and $__interval -> 1m, other $variables -> ".*".
std::string instantiate_grafana_variables(std::string expr);

}  // namespace allo::testing
