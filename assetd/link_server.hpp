// The ENet side of the place link: a host on the link address that one place
// connects to; every packet on channel 0 is parsed as a link message and
// handed up, bad ones are reported and dropped. A newer place connection
// replaces an older one. Owns the ENet host. Not thread-safe: one thread.
// enet_initialize() must have been called.
#pragma once

#include <enet/enet.h>

#include <memory>
#include <span>
#include <string>

#include "common/address.hpp"
#include "proto/assetd_link.hpp"

namespace allo::assetd {

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
  void flush();
  bool connected() const { return place_ != nullptr; }

 private:
  LinkServer(ENetHost* host, Listener& listener) : host_(host), listener_(listener) {}
  void handle(ENetEvent& event);

  ENetHost* host_;
  Listener& listener_;
  ENetPeer* place_ = nullptr;
};

}  // namespace allo::assetd
