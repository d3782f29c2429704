#include "place/asset_pacer.hpp"

namespace allo::place {
namespace {

// Rides in ENetPacket::userData of a paced frame.
struct PacketTag {
  std::shared_ptr<AssetPacer::ReleaseQueue> queue;
  AgentId agent;
  uint64_t epoch;
  bool in_enet = false;  // enet_peer_send accepted it
};

// ENet calls this from inside enet_* calls on the loop thread (acknowledged,
// dropped with its peer, refused) or when the pacer destroys a waiting
// packet: only record it.
void on_packet_freed(ENetPacket* packet) {
  auto* tag = static_cast<PacketTag*>(packet->userData);
  if (tag == nullptr) return;
  AssetPacer::Release r{tag->agent, static_cast<uint32_t>(packet->dataLength), tag->epoch};
  (tag->in_enet ? tag->queue->released : tag->queue->dropped).push_back(r);
  packet->userData = nullptr;
  delete tag;
}

}  // namespace

AssetPacer::AssetPacer(uint8_t channel, PeerLookup peers, ReleaseHandler on_released)
    : channel_(channel), peers_(std::move(peers)), on_released_(std::move(on_released)) {}

AssetPacer::~AssetPacer() {
  // Waiting packets never reached ENet: free them here. Packets inside ENet
  // are released by ENet later, into the (shared) queue nobody drains.
  for (auto& [agent, queue] : agents_) {
    for (ENetPacket* packet : queue.waiting) enet_packet_destroy(packet);
  }
}

void AssetPacer::enqueue(AgentId agent, std::span<const uint8_t> frame) {
  ENetPacket* packet = enet_packet_create(frame.data(), frame.size(), ENET_PACKET_FLAG_RELIABLE);
  if (packet == nullptr) {
    on_released_({agent, static_cast<uint32_t>(frame.size()), epoch_});
    return;
  }
  packet->userData = new PacketTag{releases_, agent, epoch_};
  packet->freeCallback = on_packet_freed;
  agents_[agent].waiting.push_back(packet);
}

void AssetPacer::drain_releases() {
  auto released = std::move(releases_->released);
  auto dropped = std::move(releases_->dropped);
  releases_->released.clear();
  releases_->dropped.clear();
  for (const Release& r : released) {
    if (auto it = agents_.find(r.agent); it != agents_.end()) {
      it->second.in_enet -= std::min<size_t>(it->second.in_enet, r.bytes);
      it->second.frames_in_enet -= std::min<size_t>(it->second.frames_in_enet, 1);
    }
    on_released_(r);
  }
  for (const Release& r : dropped) on_released_(r);
}

void AssetPacer::drop_agent(AgentId agent, AgentQueue& queue) {
  (void)agent;
  while (!queue.waiting.empty()) {
    ENetPacket* packet = queue.waiting.front();
    queue.waiting.pop_front();
    enet_packet_destroy(packet);  // recorded as dropped by on_packet_freed
  }
}

void AssetPacer::pump() {
  drain_releases();
  for (auto it = agents_.begin(); it != agents_.end();) {
    AgentQueue& queue = it->second;
    ENetPeer* peer = queue.waiting.empty() ? nullptr : peers_(it->first);
    if (!queue.waiting.empty() && peer == nullptr) drop_agent(it->first, queue);
    while (peer != nullptr && !queue.waiting.empty() && queue.in_enet < kAssetPacerBytesInEnet &&
           queue.frames_in_enet < kAssetPacerFramesInEnet) {
      ENetPacket* packet = queue.waiting.front();
      queue.waiting.pop_front();
      auto* tag = static_cast<PacketTag*>(packet->userData);
      tag->in_enet = true;
      size_t bytes = packet->dataLength;
      if (enet_peer_send(peer, channel_, packet) != 0) {
        tag->in_enet = false;
        enet_packet_destroy(packet);
        continue;
      }
      queue.in_enet += bytes;
      ++queue.frames_in_enet;
    }
    // Forget idle agents (nothing waiting, nothing in ENet).
    if (queue.waiting.empty() && queue.in_enet == 0)
      it = agents_.erase(it);
    else
      ++it;
  }
  drain_releases();  // refusals and drops of this pump
}

size_t AssetPacer::waiting_frames() const {
  size_t n = 0;
  for (const auto& [agent, queue] : agents_) n += queue.waiting.size();
  return n;
}

size_t AssetPacer::bytes_in_enet(AgentId agent) const {
  auto it = agents_.find(agent);
  return it == agents_.end() ? 0 : it->second.in_enet;
}

}  // namespace allo::place
