// Paths and contents of the operations files in the source tree
// (ALLO_SOURCE_DIR): Grafana dashboards and the Prometheus rules.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace allo::testing {

// ALLO_SOURCE_DIR / relative.
std::filesystem::path source_path(const std::string& relative);
// The whole file; "" when it cannot be read.
std::string read_text(const std::filesystem::path& path);
// grafana/dashboards/*.json, sorted.
std::vector<std::filesystem::path> dashboard_files();
// A dashboard parsed; a discarded json when it is not JSON.
nlohmann::json read_dashboard(const std::filesystem::path& path);
inline constexpr const char* kRulesFile = "ops/prometheus/allo.rules.yml";

}  // namespace allo::testing
