#include "tests/ops/daemon_stack.hpp"

#include <csignal>
#include <stdexcept>

#include "tests/support/net.hpp"

namespace allo::testing {
namespace {

std::string local(uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

void wait_for_metrics(ChildProcess& process, uint16_t port, const std::string& name) {
  bool up = wait_until([&] { return !scrape_metrics(port).empty(); }, 10.0,
                       [&] {
                         if (process.wait(0.05))
                           throw std::runtime_error(name + " exited during start-up");
                       });
  if (!up) throw std::runtime_error(name + ": no /metrics on " + local(port));
}

void stop(std::unique_ptr<ChildProcess>& process) {
  if (!process) return;
  process->kill_now(SIGTERM);
  if (!process->wait(5)) process->kill_now(SIGKILL);
  process->wait(5);
}

}  // namespace

DaemonStack::DaemonStack()
    : dir_("allo-stack"),
      assetd_link_(free_udp_port()),
      assetd_metrics_(free_tcp_port()),
      sfu_link_(free_udp_port()),
      sfu_direct_(free_udp_port()),
      sfu_metrics_(free_tcp_port()) {
  const std::string bin = ALLO_BIN_DIR;
  assetd_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      bin + "/allo-assetd", "--link", local(assetd_link_), "--db",
      (dir_.path() / "assetd-db").string(), "--budget", "64MiB", "--hard-limit", "96MiB",
      "--map-size", "128MiB", "--metrics", local(assetd_metrics_), "--log-level", "warn"});
  wait_for_metrics(*assetd_, assetd_metrics_, "allo-assetd");
  sfu_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      bin + "/allo-sfu", "--link", local(sfu_link_), "--listen", local(sfu_direct_), "--metrics",
      local(sfu_metrics_), "--workers", "1", "--log-level", "warn"});
  wait_for_metrics(*sfu_, sfu_metrics_, "allo-sfu");
  place_ = std::make_unique<PlaceProcess>(
      std::vector<std::string>{"--sfu", local(sfu_link_), "--assetd", local(assetd_link_)},
      "Ops Stack");
}

DaemonStack::~DaemonStack() {
  place_.reset();
  stop(sfu_);
  stop(assetd_);
}

}  // namespace allo::testing
