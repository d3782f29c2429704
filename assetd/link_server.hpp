// The ENet side of the place link: a host on the link address that one place
// connects to; every packet on channel 0 is parsed as a link message and
// handed up, bad ones are reported and dropped. A newer place connection
// replaces an older one. Small outgoing messages are collected into batches
// (proto::LinkBatchWriter; a batch closes at flush() or when full), and
// incoming batches are handed up message by message. Outgoing packets wait
// in the server's own FIFO and enter ENet only while less than
// kLinkBytesInEnet is queued or in flight there: ENet walks a peer's whole
// outgoing list on every service, so a long one (every agent's window at
// once) costs O(backlog) per loop iteration. Owns the ENet host. Not
// thread-safe: one thread. enet_initialize() must have been called.
#pragma once

#include <enet/enet.h>

#include <deque>
#include <memory>
#include <span>
#include <string>

#include "common/address.hpp"
#include "proto/assetd_link.hpp"

namespace allo::assetd {

// Link bytes inside ENet at most (a bit more than the link's ENet window).
inline constexpr size_t kLinkBytesInEnet = 768 * 1024;

class LinkServer {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_link_connected() = 0;
    virtual void on_link_message(const proto::LinkMessage& message) = 0;
    virtual void on_link_rejected(const std::string& reason) = 0;
    virtual void on_link_disconnected() = 0;
  };

  // Binds `endpoint`. Errors: "bind" naming the address.
  static proto::Result<std::unique_ptr<LinkServer>> open(const Endpoint& endpoint,
                                                         Listener& listener);
  ~LinkServer();
  LinkServer(const LinkServer&) = delete;
  LinkServer& operator=(const LinkServer&) = delete;

  // Waits up to timeout_ms for traffic, then handles at most max_events.
  void poll(uint32_t timeout_ms, size_t max_events);
  // Queues a reliable message to the place; false when none is connected.
  bool send(std::span<const uint8_t> message);
  // Closes the open batch, moves queued packets into ENet (within the
  // budget) and sends them.
  void flush();
  bool connected() const { return place_ != nullptr; }
  size_t waiting_messages() const { return waiting_.size(); }

 private:
  LinkServer(ENetHost* host, Listener& listener) : host_(host), listener_(listener) {}
  void handle(ENetEvent& event);
  void pump();
  void queue_packet(std::span<const uint8_t> message);
  void close_batch();
  void drop_waiting();
  static void on_packet_freed(ENetPacket* packet);

  ENetHost* host_;
  Listener& listener_;
  ENetPeer* place_ = nullptr;
  proto::LinkBatchWriter batch_;     // small messages not yet in a packet
  std::deque<ENetPacket*> waiting_;  // not yet handed to ENet
  size_t in_enet_ = 0;               // bytes handed to ENet and not yet released
};

}  // namespace allo::assetd
