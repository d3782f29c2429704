#include "tests/ops/prometheus_server.hpp"

#include <httplib.h>

#include <csignal>
#include <stdexcept>

#include "tests/support/net.hpp"

namespace allo::testing {
namespace {

bool ready(uint16_t port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(2, 0);
  auto res = client.Get("/-/ready");
  return res && res->status == 200;
}

}  // namespace

PrometheusServer::PrometheusServer(const std::string& config_yaml, double timeout_seconds)
    : dir_("allo-prometheus"), port_(free_tcp_port()) {
  auto config = dir_.write("prometheus.yml", config_yaml);
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      kPrometheusBinary, "--config.file=" + config.string(),
      "--storage.tsdb.path=" + (dir_.path() / "tsdb").string(),
      "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"});
  bool up = wait_until([&] { return ready(port_); }, timeout_seconds,
                       [&] {
                         if (process_->wait(0.05)) throw std::runtime_error("prometheus exited");
                       });
  if (!up) throw std::runtime_error("prometheus not ready on port " + std::to_string(port_));
}

PrometheusServer::~PrometheusServer() {
  process_->kill_now(SIGTERM);
  if (!process_->wait(5)) process_->kill_now(SIGKILL);
  process_->wait(5);
}

nlohmann::json PrometheusServer::api(const std::string& endpoint,
                                     const std::multimap<std::string, std::string>& params) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(5, 0);
  httplib::Params query(params.begin(), params.end());
  auto res = client.Get("/api/v1/" + endpoint, query, httplib::Headers{});
  if (!res) return nullptr;
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  return body.is_discarded() ? nlohmann::json() : body;
}

nlohmann::json PrometheusServer::query(const std::string& promql) const {
  auto body = api("query", {{"query", promql}});
  if (!body.is_object() || body.value("status", "") != "success") return nullptr;
  return body["data"]["result"];
}

}  // namespace allo::testing
