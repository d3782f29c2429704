// A connected agent (visor or app) as the place core sees it.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "place/entity.hpp"
#include "place/state_flow.hpp"
#include "proto/intent.hpp"

namespace allo::place {

struct Agent {
  AgentId id = 0;
  double connected_at = 0;  // mono seconds
  bool announced = false;
  nlohmann::json identity = nlohmann::json::object();
  std::string avatar;           // avatar entity id once announced
  std::set<std::string> owned;  // every entity this agent owns
  std::optional<proto::Intent> intent;
  double last_yaw = std::nan("");  // yaw last applied by the simulation
  uint64_t acked_revision = 0;     // from the latest intent
  StateFlow state_flow;            // what it was sent, and whether to hold its stream
  size_t pending_requests = 0;     // requests it sent that await a response
  std::set<std::string> warned;    // rejection reasons already logged at warn level
};

}  // namespace allo::place
