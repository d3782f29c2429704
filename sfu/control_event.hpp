// Changes to the place's agents, tracks and positions, applied in the same
// order by the link thread and by every worker (each keeps its own
// TrackRegistry). Built by the link thread from the place's link messages and
// queued to each worker; the workers' direct-path attach/detach reports go
// the other way, to the link thread only.
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
// `session` is the place session the worker authenticated the peer in (see
// LinkSecretChanged); a report from an earlier session is ignored.
struct DirectPathChanged {
  std::string agent;
  bool attached = false;
  uint64_t session = 0;
};
// The place link went away: every agent and track is forgotten until the
// place reconnects and replays its state.
struct PlaceReset {};
// The key for direct-path tokens, from the place's link hello. A place
// process keeps one secret, so a hello with a new secret starts a new place
// session (`session` counts them from 1): agent ids of the old session mean
// nothing any more, and its direct-path peers are disconnected.
struct LinkSecretChanged {
  std::string secret;
  uint64_t session = 0;
};

using ControlEvent =
    std::variant<std::monostate, AgentJoined, AgentLeft, TrackAdded, TrackRemoved, PositionsUpdated,
                 DirectPathChanged, PlaceReset, LinkSecretChanged>;

}  // namespace allo::sfu
