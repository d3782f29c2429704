// The lock-free links between packet sources and fan-out workers: one
// SpscRing<PacketRef> per (source, destination worker) pair. Sources are the
// N workers (index 0..N-1, their direct-path sockets) and the link thread
// (index N, the compatible path). A packet is pushed as one PacketRef per
// destination: the bytes are shared, only the reference count changes.
// Each destination has a WorkerWake: broadcast() wakes a worker that sleeps.
//
// Thread-safety: source s may only call broadcast(s, ...) from its own thread;
// worker d may only call drain(d, ...) from its own thread. depth() from any thread.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "sfu/packet_buffer.hpp"
#include "sfu/spsc_ring.hpp"
#include "sfu/worker_wake.hpp"

namespace allo::sfu {

class PacketMesh {
 public:
  PacketMesh(size_t worker_count, size_t ring_capacity);

  size_t worker_count() const { return worker_count_; }
  size_t link_source() const { return worker_count_; }

  // Pushes `packet` to every worker except `source` itself (a worker fans out
  // its own packets directly). Returns how many destinations were full (those
  // drop the packet; the caller counts them as queue_full drops).
  size_t broadcast(size_t source, const PacketRef& packet);

  // Pops everything queued for worker `destination`, calling fn(PacketRef&&)
  // per packet, at most `limit` packets per source (bounded work per tick).
  // Returns the number of packets handed to fn.
  template <class Fn>
  size_t drain(size_t destination, size_t limit, Fn&& fn) {
    size_t handled = 0;
    PacketRef packet;
    for (size_t source = 0; source <= worker_count_; ++source) {
      SpscRing<PacketRef>& ring = ring_for(source, destination);
      for (size_t i = 0; i < limit && ring.try_pop(packet); ++i) {
        fn(std::move(packet));
        ++handled;
      }
    }
    return handled;
  }

  // Packets waiting for worker `destination`, summed over sources.
  size_t depth(size_t destination) const;

  // The wake-up of worker `destination` (it sleeps on it; broadcast wakes
  // it), or of the link thread for link_source() (workers wake it when they
  // queue compatible-path output).
  WorkerWake& wake(size_t destination) { return *wakes_[destination]; }

 private:
  SpscRing<PacketRef>& ring_for(size_t source, size_t destination) {
    return *rings_[destination * (worker_count_ + 1) + source];
  }
  const SpscRing<PacketRef>& ring_for(size_t source, size_t destination) const {
    return *rings_[destination * (worker_count_ + 1) + source];
  }

  size_t worker_count_;
  std::vector<std::unique_ptr<SpscRing<PacketRef>>> rings_;
  std::vector<std::unique_ptr<WorkerWake>> wakes_;
};

}  // namespace allo::sfu
