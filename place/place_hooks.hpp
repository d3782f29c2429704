// Extension points of the place core. Features that live beside the core
// (the SFU link, the asset link, subscriptions, ACLs) plug in through these
// small interfaces instead of growing Place. All calls happen on the event
// loop thread.
#pragma once

#include <functional>
#include <span>
#include <string>

#include "place/agent.hpp"
#include "place/world.hpp"

namespace allo::place {

// Events about agents and the world. Default implementations do nothing.
class PlaceObserver {
 public:
  virtual ~PlaceObserver() = default;
  // After the announce reply was sent.
  virtual void on_agent_announced(const Agent& /*agent*/) {}
  // When the connection is gone, before its entities are removed.
  virtual void on_agent_left(const Agent& /*agent*/) {}
  // After each committed revision: what changed, with `world` already at the
  // new revision (delta.before holds the old snapshots).
  virtual void on_revision(const RevisionDelta& /*delta*/, const World& /*world*/) {}
  // At the end of every tick, after state was sent.
  virtual void on_tick(double /*now*/) {}
};

// Handles the raw packets of one channel (2 assets, 3 media) instead of the
// core's "no such service" default.
using ChannelHandler = std::function<void(Agent& agent, std::span<const uint8_t> data)>;

// A socket the server loop must service besides the public ENet host (e.g. a
// link to another daemon). The loop waits on every socket_fd() with poll(),
// then calls service() on each, runs the tick when due, then flush().
class LoopService {
 public:
  virtual ~LoopService() = default;
  // The fd to wait on, or -1 when there is none right now (e.g. reconnecting).
  virtual int socket_fd() const = 0;
  // Handle whatever arrived, without blocking; reconnect when due.
  virtual void service(double now) = 0;
  // Hand queued output to the socket.
  virtual void flush() = 0;
};

}  // namespace allo::place
