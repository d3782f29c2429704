#include "tests/ops/dashboard_queries.hpp"

#include <regex>

namespace allo::testing {
namespace {

using nlohmann::json;

void collect_exprs(const json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "expr" && it->is_string()) {
        out.push_back(it->get<std::string>());
      } else if (it.key() != "templating") {
        collect_exprs(*it, out);
      }
    }
  } else if (node.is_array()) {
    for (const auto& child : node) collect_exprs(child, out);
  }
}

}  // namespace

std::vector<std::string> dashboard_queries(const json& dashboard) {
  std::vector<std::string> out;
  collect_exprs(dashboard, out);
  const json* vars = nullptr;
  if (dashboard.contains("templating") && dashboard["templating"].contains("list"))
    vars = &dashboard["templating"]["list"];
  if (vars == nullptr || !vars->is_array()) return out;
  static const std::regex label_values(R"(^\s*label_values\((.*),\s*[A-Za-z_]\w*\s*\)\s*$)");
  for (const auto& v : *vars) {
    if (v.value("type", "") != "query" || !v.contains("query")) continue;
    const json& q = v["query"];
    std::string text = q.is_string() ? q.get<std::string>() : q.value("query", "");
    std::smatch m;
    if (std::regex_match(text, m, label_values)) out.push_back(m[1]);
  }
  return out;
}

std::string instantiate_grafana_variables(std::string expr) {
  static const std::regex intervals(R"(\$__(rate_)?interval)");
  static const std::regex variable(R"(\$\{?[A-Za-z_]\w*\}?)");
  expr = std::regex_replace(expr, intervals, "1m");
  return std::regex_replace(expr, variable, ".*");
}

}  // namespace allo::testing
