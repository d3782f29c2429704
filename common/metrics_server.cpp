#include "common/metrics_server.hpp"

#include <prometheus/exposer.h>
#include <prometheus/text_serializer.h>

#include <stdexcept>

namespace allo {

MetricsServer::MetricsServer(const std::optional<Endpoint>& endpoint)
    : registry_(std::make_shared<prometheus::Registry>()) {
  if (!endpoint) return;
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(endpoint->to_string(), 2);
  } catch (const std::exception& e) {
    throw std::runtime_error("metrics: cannot listen on " + endpoint->to_string() + ": " +
                             e.what());
  }
  exposer_->RegisterCollectable(registry_);
}

MetricsServer::~MetricsServer() = default;

std::string MetricsServer::serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

std::vector<double> latency_buckets_seconds() {
  return {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
          0.005,   0.01,     0.025,   0.05,   0.1,     0.25,   0.5,   1.0};
}

}  // namespace allo
