// The ENet client connection from the place to allo-sfu's link port: connects
// with 2 channels, reconnects forever (a new attempt every kSfuReconnectSeconds
// while the SFU is unreachable), and notices a dead SFU within ~2 s. It never
// blocks the place loop: every ENet call uses a zero timeout and the loop
// poll()s socket_fd(). It only moves bytes; SfuSession decides what they mean.
// Thread model: the place's event-loop thread only. Construction throws
// std::runtime_error naming the setting when the host cannot be created or
// the address not resolved (a start-up failure).
#pragma once

#include <enet/enet.h>

#include <functional>
#include <span>

#include "common/address.hpp"
#include "place/place_hooks.hpp"

namespace allo::place {

inline constexpr double kSfuReconnectSeconds = 1.0;

class SfuLink : public LoopService {
 public:
  struct Events {
    std::function<void()> connected;  // the ENet handshake completed
    std::function<void()> lost;       // the connection dropped (after connected)
    std::function<void(uint8_t channel, std::span<const uint8_t> bytes)> packet;
  };

  SfuLink(Endpoint sfu, Events events);
  ~SfuLink() override;
  SfuLink(const SfuLink&) = delete;
  SfuLink& operator=(const SfuLink&) = delete;

  // Queues a packet: channel 0 reliable, channel 1 unreliable. Dropped while
  // not connected.
  void send(uint8_t channel, std::span<const uint8_t> bytes);
  bool connected() const { return connected_; }

  // LoopService
  int socket_fd() const override;
  void service(double now) override;
  void flush() override;

 private:
  void start_attempt(double now);
  void handle(const ENetEvent& event, double now);

  Endpoint endpoint_;
  ENetAddress address_{};
  Events events_;
  ENetHost* host_ = nullptr;
  ENetPeer* peer_ = nullptr;
  bool connected_ = false;
  bool warned_unreachable_ = false;  // logged once until the next connection
  double next_attempt_ = 0;          // when to start the next attempt (no peer)
  double attempt_deadline_ = 0;      // when an unanswered attempt is abandoned
};

}  // namespace allo::place
