#include "assetd/delivery_queue.hpp"

#include <algorithm>

#include "proto/asset_frame.hpp"

namespace allo::assetd {

DeliveryQueue::DeliveryQueue(uint64_t window_bytes, uint32_t chunk_bytes, DeliverySink& sink)
    : window_bytes_(window_bytes), chunk_bytes_(chunk_bytes), sink_(sink) {}

void DeliveryQueue::add(AgentId agent, Delivery delivery) {
  agents_[agent].deliveries.push_back(std::move(delivery));
  pump(agent);
}

void DeliveryQueue::send_now(AgentId agent, std::vector<uint8_t> frame) {
  agents_[agent].outstanding += frame.size();
  sink_.send_frame(agent, std::move(frame));
}

void DeliveryQueue::credit(AgentId agent, uint64_t bytes) {
  auto it = agents_.find(agent);
  if (it == agents_.end()) return;
  it->second.outstanding -= std::min(bytes, it->second.outstanding);
  pump(agent);
}

void DeliveryQueue::pump(AgentId agent) {
  auto it = agents_.find(agent);
  if (it == agents_.end()) return;
  AgentQueue& queue = it->second;
  while (queue.outstanding < window_bytes_ && !queue.deliveries.empty()) {
    Delivery delivery = std::move(queue.deliveries.front());
    queue.deliveries.pop_front();
    uint64_t count = std::min<uint64_t>(chunk_bytes_, delivery.end - delivery.next);
    std::vector<uint8_t> frame;
    if (delivery.buffer) {
      std::span<const uint8_t> bytes(delivery.buffer->data() + delivery.next, count);
      frame = proto::encode_asset_data(delivery.id, {delivery.next, count}, delivery.total_length,
                                       bytes);
    } else {
      auto bytes = sink_.read_cached(delivery.id, delivery.next, count);
      if (!bytes) {
        frame = proto::encode_asset_failure({delivery.id, bytes.error().detail, "read_failed"});
        queue.outstanding += frame.size();
        sink_.send_frame(agent, std::move(frame));
        sink_.delivery_ended(agent, delivery, false);
        continue;
      }
      frame = proto::encode_asset_data(delivery.id, {delivery.next, count}, delivery.total_length,
                                       *bytes);
    }
    queue.outstanding += frame.size();
    bytes_sent_ += count;
    delivery.next += count;
    sink_.send_frame(agent, std::move(frame));
    if (delivery.next >= delivery.end) {
      sink_.delivery_ended(agent, delivery, true);
    } else {
      queue.deliveries.push_back(std::move(delivery));  // take turns
    }
  }
}

void DeliveryQueue::remove_agent(AgentId agent) {
  auto it = agents_.find(agent);
  if (it == agents_.end()) return;
  auto deliveries = std::move(it->second.deliveries);
  agents_.erase(it);
  for (const Delivery& delivery : deliveries) sink_.delivery_ended(agent, delivery, false);
}

uint64_t DeliveryQueue::outstanding(AgentId agent) const {
  auto it = agents_.find(agent);
  return it == agents_.end() ? 0 : it->second.outstanding;
}

size_t DeliveryQueue::pending(AgentId agent) const {
  auto it = agents_.find(agent);
  return it == agents_.end() ? 0 : it->second.deliveries.size();
}

}  // namespace allo::assetd
