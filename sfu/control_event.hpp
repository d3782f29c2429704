// Changes to the place's agents, tracks and positions, applied in the same
// order by the link thread and by every worker (each keeps its own
// TrackRegistry). Built by the link thread from the place's link messages and
// from direct-path attach/detach reports, then queued to each worker.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "proto/sfu_link.hpp"
#include "sfu/track_registry.hpp"

namespace allo::sfu {

// The place's messages are applied as they arrived on the link.
using proto::sfu_link::AgentJoined;
using proto::sfu_link::AgentLeft;
using proto::sfu_link::TrackAdded;
using proto::sfu_link::TrackRemoved;
struct PositionsUpdated {
  std::vector<std::pair<std::string, Position>> positions;  // by agent
};
// The agent now listens on the direct path (attached=true) or back on the
// compatible path: its compatible-path listener is paused or resumed.
struct DirectPathChanged {
  std::string agent;
  bool attached = false;
};
// The place link went away: every agent and track is forgotten until the
// place reconnects and replays its state.
struct PlaceReset {};
// The key for direct-path tokens, from the place's link hello.
struct LinkSecretChanged {
  std::string secret;
};

using ControlEvent =
    std::variant<std::monostate, AgentJoined, AgentLeft, TrackAdded, TrackRemoved, PositionsUpdated,
                 DirectPathChanged, PlaceReset, LinkSecretChanged>;

}  // namespace allo::sfu
