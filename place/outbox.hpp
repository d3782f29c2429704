// Where the place core's output goes: the socket layer implements it (ENet in
// place_server.cpp; a recorder in tests and benchmarks). Called from the event
// loop thread only.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "place/entity.hpp"

namespace allo::place {

class Outbox {
 public:
  virtual ~Outbox() = default;
  // One packet to one agent. `bytes` is the full payload (framing included).
  virtual void send(AgentId to, uint8_t channel, std::string bytes, bool reliable) = 0;
  // The same bytes to several agents; implementations share one buffer.
  virtual void send_shared(std::span<const AgentId> to, uint8_t channel,
                           const std::shared_ptr<const std::string>& bytes, bool reliable) = 0;
  // Ends an agent's connection; on_disconnect follows from the socket layer.
  virtual void disconnect(AgentId agent) = 0;
};

}  // namespace allo::place
