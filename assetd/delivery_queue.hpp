// Per-agent flow control for outgoing asset data: each agent has a window of
// bytes sent but not yet reported delivered; data frames (at most chunk_bytes
// of asset each) go out only while the window has room, taking turns between
// that agent's deliveries. So a large asset never floods the queues towards
// one agent, and other traffic keeps flowing beside it.
// Not thread-safe; owned by the AssetRouter.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "proto/error.hpp"

namespace allo::assetd {

using AgentId = uint32_t;

struct Delivery {
  std::string id;
  uint64_t next = 0;  // next byte to send
  uint64_t end = 0;   // one past the last byte to send
  uint64_t total_length = 0;
  // Verified bytes held in memory, or null when they come from the cache.
  std::shared_ptr<const std::vector<uint8_t>> buffer;
};

class DeliverySink {
 public:
  virtual ~DeliverySink() = default;
  virtual proto::Result<std::vector<uint8_t>> read_cached(const std::string& id, uint64_t start,
                                                          uint64_t count) = 0;
  virtual void send_frame(AgentId agent, std::vector<uint8_t> frame) = 0;
  // A delivery ended: all sent (ok) or aborted by a read error (a failure
  // frame was sent) or by the agent leaving.
  virtual void delivery_ended(AgentId agent, const Delivery& delivery, bool ok) = 0;
};

class DeliveryQueue {
 public:
  // `sink` must outlive the queue.
  DeliveryQueue(uint64_t window_bytes, uint32_t chunk_bytes, DeliverySink& sink);

  void add(AgentId agent, Delivery delivery);
  // Sends a small frame (request, head reply, failure) right away, past the
  // window, but counts it in the window: the place credits every frame.
  void send_now(AgentId agent, std::vector<uint8_t> frame);
  // Bytes the agent has received (or that were dropped): frees window room.
  void credit(AgentId agent, uint64_t bytes);
  // Sends frames to `agent` while its window has room.
  void pump(AgentId agent);
  // Forgets the agent; its unfinished deliveries end (not ok).
  void remove_agent(AgentId agent);

  uint64_t outstanding(AgentId agent) const;
  size_t pending(AgentId agent) const;
  uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  struct AgentQueue {
    uint64_t outstanding = 0;
    std::deque<Delivery> deliveries;
  };

  uint64_t window_bytes_;
  uint32_t chunk_bytes_;
  DeliverySink& sink_;
  std::unordered_map<AgentId, AgentQueue> agents_;
  uint64_t bytes_sent_ = 0;  // asset bytes (not frame headers)
};

}  // namespace allo::assetd
