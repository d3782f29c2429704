// Prometheus plumbing shared by every daemon: one registry per process, served
// as text on http://HOST:PORT/metrics by prometheus-cpp's Exposer (its own
// civetweb threads; the registry is thread-safe, counters are atomics).
#pragma once

#include <prometheus/registry.h>

#include <memory>
#include <optional>
#include <string>

#include "common/address.hpp"

namespace prometheus {
class Exposer;
}

namespace allo {

class MetricsServer {
 public:
  // Serves the registry on `endpoint`, or serves nothing when it is nullopt
  // (the registry still works; tests read it with serialize()).
  // Throws std::runtime_error naming the address when it cannot bind: a
  // start-up failure, never thrown later.
  explicit MetricsServer(const std::optional<Endpoint>& endpoint);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  // The current exposition text, as a scrape would see it.
  std::string serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

// Buckets in seconds for durations from 10 us to 1 s.
std::vector<double> latency_buckets_seconds();

}  // namespace allo
