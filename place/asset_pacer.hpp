// Paces asset frames into the agents' ENet peers. ENet walks a peer's whole
// outgoing list on every service and flush, so handing it assetd's full
// per-agent window (256 KiB, about 190 fragments per agent; thousands across
// 50 agents) made each loop iteration cost O(queued fragments) and the hit
// path slower the more it had queued. The pacer keeps frames in its own
// per-agent FIFO and hands one to ENet only while that agent has fewer than
// kAssetPacerBytesInEnet bytes and kAssetPacerFramesInEnet frames there, so
// ENet's lists stay about one window long. Credits for assetd still flow when ENet releases a
// packet (acknowledged by the agent, or dropped with its peer): the pacer reports every release
// through `on_released`.
//
// The ENetPackets it creates carry a tag in userData and a freeCallback; the
// tag holds a shared ReleaseQueue because ENet may release packets after the
// pacer is gone (while the server's host is destroyed). Not thread-safe: the
// place's loop thread only.
#pragma once

#include <enet/enet.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "place/agent.hpp"

namespace allo::place {

// Bytes of asset frames one agent may have inside ENet (queued or in flight):
// two 64 KiB frames, so one is in flight (ENet's default 64 KiB window) while
// the next waits.
inline constexpr size_t kAssetPacerBytesInEnet = 160 * 1024;
// Frames one agent may have inside ENet: small frames (1 KB assets) fill
// ENet's 64 KiB window at about 50; past the window, ENet's flush walks every
// queued reliable command of the peer looking for something it may send.
inline constexpr size_t kAssetPacerFramesInEnet = 48;

class AssetPacer {
 public:
  struct Release {
    AgentId agent;
    uint32_t bytes;
    uint64_t epoch;  // the pacer's epoch when the frame was enqueued
  };
  // Filled by the packets' freeCallback; drained by pump().
  struct ReleaseQueue {
    std::vector<Release> released;  // handed to ENet, then released
    std::vector<Release> dropped;   // never handed to ENet (agent gone, refused)
  };
  // Resolves an agent to its connected peer (nullptr once it left).
  using PeerLookup = std::function<ENetPeer*(AgentId)>;
  // Every frame's end: `bytes` left the pacer, delivered or not.
  using ReleaseHandler = std::function<void(const Release&)>;

  AssetPacer(uint8_t channel, PeerLookup peers, ReleaseHandler on_released);
  ~AssetPacer();
  AssetPacer(const AssetPacer&) = delete;
  AssetPacer& operator=(const AssetPacer&) = delete;

  // Queues a reliable frame for `agent` (copied once, into its ENet packet).
  void enqueue(AgentId agent, std::span<const uint8_t> frame);
  // Frames enqueued from now on carry this epoch in their Release (the
  // link session, so credits of a previous assetd connection can be told).
  void set_epoch(uint64_t epoch) { epoch_ = epoch; }
  // Reports releases, then hands waiting frames to ENet within the budget.
  // Call before every flush of the server's host.
  void pump();

  size_t waiting_frames() const;
  size_t bytes_in_enet(AgentId agent) const;

 private:
  struct AgentQueue {
    std::deque<ENetPacket*> waiting;
    size_t in_enet = 0;  // bytes
    size_t frames_in_enet = 0;
  };
  void drain_releases();
  void drop_agent(AgentId agent, AgentQueue& queue);

  uint8_t channel_;
  uint64_t epoch_ = 0;
  PeerLookup peers_;
  ReleaseHandler on_released_;
  std::shared_ptr<ReleaseQueue> releases_ = std::make_shared<ReleaseQueue>();
  std::unordered_map<AgentId, AgentQueue> agents_;
};

}  // namespace allo::place
