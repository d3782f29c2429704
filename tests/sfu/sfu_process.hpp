// Test support for the allo-sfu end-to-end tests: the real daemon as a child
// process on free loopback ports, an ENet client playing the place on the
// link, and an ENet client on the direct path. Every wait has a deadline.
#pragma once

#include <enet/enet.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/net.hpp"

namespace allo::sfu::test {

using allo::testing::free_tcp_port;
using allo::testing::free_udp_port;

class SfuProcess {
 public:
  SfuProcess(uint16_t link, uint16_t listen, uint16_t metrics, std::vector<std::string> extra = {});
  ~SfuProcess() { stop(); }
  void start();
  void stop();  // SIGTERM, then waits
  // GET /metrics; empty on failure.
  std::string scrape() const;
  // Sum of every sample of `name` whose labels contain `label_filter`.
  double metric(const std::string& name, const std::string& label_filter = "") const;
  pid_t pid() const { return pid_; }

  uint16_t link_port, listen_port, metrics_port;

 private:
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
};

// One ENet client connection; `on_receive(channel, bytes)` sees every packet.
class EnetClient {
 public:
  using Receive = std::function<void(uint8_t channel, const std::vector<uint8_t>& bytes)>;
  EnetClient(size_t channels, Receive on_receive);
  ~EnetClient();
  bool connect(uint16_t port, std::chrono::milliseconds timeout);
  void send(uint8_t channel, const std::vector<uint8_t>& bytes, bool reliable);
  void send(uint8_t channel, const std::string& text, bool reliable);
  // Services the host for `duration` (delivers receives to the callback).
  void pump(std::chrono::milliseconds duration);
  // Services until `done()` or the deadline; returns done().
  bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  bool connected() const { return connected_; }
  const ENetPeer* peer() const { return peer_; }  // null before connect()
  // This end's ping interval (ENet pings after that long without a receive).
  void set_ping_interval(uint32_t ms) { enet_peer_ping_interval(peer_, ms); }
  // Datagrams this client's host has received (ENet's count).
  uint32_t datagrams_received() const { return host_->totalReceivedPackets; }
  void disconnect();

 private:
  size_t channels_;
  Receive on_receive_;
  ENetHost* host_ = nullptr;
  ENetPeer* peer_ = nullptr;
  bool connected_ = false;
};

}  // namespace allo::sfu::test
