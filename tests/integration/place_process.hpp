// The real alloplace binary on free loopback ports, for end-to-end tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "allo/client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/net.hpp"

namespace allo::testing {

class PlaceProcess {
 public:
  explicit PlaceProcess(std::vector<std::string> extra_args = {},
                        const std::string& name = "E2E Place");
  ~PlaceProcess();

  std::string url() const { return "alloplace://127.0.0.1:" + std::to_string(port); }
  std::string metrics() const { return scrape_metrics(metrics_port); }
  double metric(const std::string& name, const std::string& labels = "") const {
    return metric_value(metrics(), name, labels);
  }
  void kill_now();
  // SIGKILL, then at once a new alloplace with the same arguments and ports.
  void restart_now();
  pid_t pid() const { return process_->pid(); }

  uint16_t port;
  uint16_t metrics_port;

 private:
  void start();

  std::vector<std::string> argv_;
  std::unique_ptr<ChildProcess> process_;
};

// The real allo-sfu (2 workers) on free loopback ports: --link for the
// place, --listen for direct-path clients. Ready when /metrics answers.
class SfuProcess {
 public:
  SfuProcess();
  ~SfuProcess();
  // (Re)starts it on the same ports.
  void start();
  // SIGKILL and reap (a crash, not a clean stop).
  void kill_now();
  // SIGTERM and reap: a clean stop (it says goodbye to its direct clients).
  void stop();
  // "127.0.0.1:<link port>", for alloplace --sfu.
  std::string link_endpoint() const { return "127.0.0.1:" + std::to_string(link_port); }
  double metric(const std::string& name, const std::string& labels = "") const {
    return metric_value(scrape_metrics(metrics_port), name, labels);
  }

  uint16_t link_port;
  uint16_t direct_port;
  uint16_t metrics_port;

 private:
  std::unique_ptr<ChildProcess> process_;
};

// A connected, announced SDK client (asserts on failure). `identity` members
// are added to {"display_name": name} (e.g. an ACL owner_key).
std::unique_ptr<client::Client> join(const PlaceProcess& place, const std::string& name,
                                     client::ClientOptions options = {},
                                     const nlohmann::json& identity = nlohmann::json::object());

// Sends a request from `c` and waits (5 s) for its response body, polling
// `others` meanwhile so their connections stay serviced.
nlohmann::json call(client::Client& c, const std::vector<client::Client*>& others,
                    const std::string& to, const nlohmann::json& body);

// Polls every client a little (so all of them keep their connections serviced).
void poll_all(const std::vector<client::Client*>& clients, int timeout_ms = 5);

}  // namespace allo::testing
