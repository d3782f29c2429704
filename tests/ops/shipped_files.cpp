#include "tests/ops/shipped_files.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace allo::testing {

std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(ALLO_SOURCE_DIR) / relative;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::filesystem::path> dashboard_files() {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(source_path("grafana/dashboards"), ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

nlohmann::json read_dashboard(const std::filesystem::path& path) {
  return nlohmann::json::parse(read_text(path), nullptr, false);
}

}  // namespace allo::testing
