// A raw ENet client for tests: sends arbitrary bytes on any channel and
// collects what arrives, so hostile input can be sent over the real network.
// Not thread-safe. Every wait has a deadline.
#pragma once

#include <enet/enet.h>

#include <cstdint>
#include <string>
#include <vector>

namespace allo::testing {

struct ReceivedPacket {
  uint8_t channel;
  std::string bytes;
};

class EnetPeer {
 public:
  EnetPeer();  // calls enet_initialize (reference-counted by ENet's users here)
  ~EnetPeer();
  EnetPeer(const EnetPeer&) = delete;
  EnetPeer& operator=(const EnetPeer&) = delete;

  // Connects with `channels` channels; false after timeout.
  bool connect(const std::string& host, uint16_t port, double timeout_seconds, size_t channels = 5);
  bool connected() const { return connected_; }
  void send(uint8_t channel, const std::string& bytes, bool reliable = true);
  // Services the host for up to timeout_ms, appending to received().
  void poll(int timeout_ms);
  // Waits for a packet on `channel` (consumed from received()); "" on timeout.
  std::string next(uint8_t channel, double timeout_seconds);
  void disconnect();

  std::vector<ReceivedPacket>& received() { return received_; }
  const ENetPeer* peer() const { return peer_; }  // null before connect()

 private:
  ENetHost* host_ = nullptr;
  ENetPeer* peer_ = nullptr;
  bool connected_ = false;
  std::vector<ReceivedPacket> received_;
};

}  // namespace allo::testing
