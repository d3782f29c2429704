// A real Prometheus server (/usr/bin/prometheus, Debian package) for tests:
// listens on a free 127.0.0.1 port, keeps its config and TSDB in a temp dir
// removed on destruction, answers HTTP API queries. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/ops/temp_dir.hpp"
#include "tests/support/child_process.hpp"

namespace allo::testing {

inline constexpr const char* kPrometheusBinary = "/usr/bin/prometheus";
inline constexpr const char* kPromtoolBinary = "/usr/bin/promtool";

class PrometheusServer {
 public:
  // Writes `config_yaml` (paths in it must be absolute) and starts Prometheus;
  // waits up to `timeout_seconds` for /-/ready. Throws std::runtime_error when
  // it does not start or become ready.
  explicit PrometheusServer(const std::string& config_yaml, double timeout_seconds = 30);
  // SIGTERM, then SIGKILL after 5 s; removes the temp dir.
  ~PrometheusServer();

  uint16_t port() const { return port_; }
  // GET /api/v1/<endpoint> with URL-encoded params; the parsed body, or a null
  // json when nothing answers or the body is not JSON.
  nlohmann::json api(const std::string& endpoint,
                     const std::multimap<std::string, std::string>& params = {}) const;
  // Instant query; data.result of a successful answer, else a null json.
  nlohmann::json query(const std::string& promql) const;

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace allo::testing
