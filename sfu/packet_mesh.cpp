#include "sfu/packet_mesh.hpp"

#include <stdexcept>

namespace allo::sfu {

PacketMesh::PacketMesh(size_t worker_count, size_t ring_capacity) : worker_count_(worker_count) {
  if (worker_count == 0) throw std::invalid_argument("PacketMesh needs at least one worker");
  for (size_t destination = 0; destination < thread_count(); ++destination) {
    for (size_t source = 0; source < thread_count(); ++source) {
      rings_.push_back(
          source == destination ? nullptr : std::make_unique<SpscRing<PacketRef>>(ring_capacity));
    }
    wakes_.push_back(std::make_unique<WorkerWake>());
    urgent_.push_back(std::make_unique<std::atomic<bool>>(destination != link_thread()));
  }
}

size_t PacketMesh::broadcast(size_t source, const PacketRef& packet) {
  size_t full = 0;
  for (size_t destination = 0; destination < thread_count(); ++destination) {
    if (destination == source) continue;
    PacketRef copy(packet);
    const bool woken = urgent(destination);
    if (!ring_for(source, destination).try_push(std::move(copy))) {
      if (woken) ++full;  // else only a level sample is lost: no listener there
    } else if (woken) {
      wakes_[destination]->wake();
    }
  }
  return full;
}

size_t PacketMesh::depth(size_t destination) const {
  size_t total = 0;
  for (size_t source = 0; source < thread_count(); ++source) {
    if (source != destination) total += ring_for(source, destination).size_approx();
  }
  return total;
}

}  // namespace allo::sfu
