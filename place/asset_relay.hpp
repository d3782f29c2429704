// The place's side of the asset service, without sockets: it turns channel-2
// packets of agents into link messages for allo-assetd and link messages into
// channel-2 packets for agents (docs/ASSETD.md, "What the place does"). It
// stays a router: the only parsing is the request header (to resolve
// "published_by" into the hint agent) and the string values of changed
// entities (to find newly referenced asset ids).
//
// While the link is down, requests are answered with an "assetd_unavailable"
// failure and other frames are dropped (counted in alloplace_rejected_total).
// Not thread-safe: the place's event loop only. The Place and the output must
// outlive the relay.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "place/place.hpp"
#include "place/place_hooks.hpp"
#include "proto/assetd_link.hpp"

namespace allo::place {

// Asset ids remembered per agent for asset_referenced; beyond this the
// oldest-first order is not kept, the set is simply cleared (ids are then
// reported again, which assetd tolerates: a warm-up of a cached asset is a hit).
inline constexpr size_t kMaxReferencedIdsPerAgent = 4096;
// Nesting depth scanned in a component value for asset ids.
inline constexpr int kMaxAssetScanDepth = 16;

// Where the relay's output goes: the ENet link (AssetLink) or a test recorder.
class AssetRelayOutput {
 public:
  virtual ~AssetRelayOutput() = default;
  // One link message to assetd (reliable). Called only while the link is up.
  virtual void send_link(std::vector<uint8_t> message) = 0;
  // An asset frame to an agent on channel 2, reliable. The output must call
  // AssetRelay::credit(agent, frame.size()) once the packet is released.
  virtual void deliver(AgentId agent, std::span<const uint8_t> frame) = 0;
};

class AssetRelay : public PlaceObserver {
 public:
  // Registers itself as observer and channel-2 handler of `place`.
  // The relay must outlive the place's use of it (Place cannot unregister).
  AssetRelay(Place& place, AssetRelayOutput& output, prometheus::Registry& registry);
  AssetRelay(const AssetRelay&) = delete;
  AssetRelay& operator=(const AssetRelay&) = delete;

  // --- link events (from AssetLink) ---
  // Sends hello and agent_joined for every joined agent.
  void on_link_up();
  void on_link_down();
  // One packet received from assetd (a message or a batch); bad ones are
  // counted and dropped whole.
  void on_link_message(std::span<const uint8_t> message);
  // ENet released a delivered frame: credits assetd's window for that agent
  // (dropped for agents that left, or when the link is down).
  void credit(AgentId agent, uint32_t bytes);

  // --- from the place ---
  void on_agent_frame(Agent& agent, std::span<const uint8_t> frame);
  void on_agent_announced(const Agent& agent) override;
  void on_agent_left(const Agent& agent) override;
  void on_revision(const RevisionDelta& delta, const World& world) override;

  bool link_up() const { return up_; }
  bool joined(AgentId agent) const { return joined_.contains(agent); }

 private:
  void handle_link_message(const proto::LinkMessage& message);
  void join(AgentId agent);
  void answer_unavailable(Agent& agent, std::span<const uint8_t> frame);
  uint32_t hint_for(std::span<const uint8_t> frame) const;
  void reference(AgentId owner, const std::string& id);

  Place& place_;
  AssetRelayOutput& output_;
  bool up_ = false;
  std::set<AgentId> joined_;  // announced (or first-frame) agents assetd knows about
  std::map<AgentId, std::set<std::string>> referenced_;
  prometheus::Gauge& connected_;
  prometheus::Counter& frames_to_assetd_;
  prometheus::Counter& frames_to_agents_;
  prometheus::Counter& bytes_to_assetd_;
  prometheus::Counter& bytes_to_agents_;
  prometheus::Counter& references_;
};

// Calls `found` with every string in `value` (nested objects and arrays, up
// to kMaxAssetScanDepth) that is an asset id ("asset:sha1:..."/"asset:sha256:...").
void for_each_asset_id(const nlohmann::json& value,
                       const std::function<void(const std::string&)>& found, int depth = 0);

}  // namespace allo::place
