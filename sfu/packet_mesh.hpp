// The lock-free links between the SFU's packet threads: one SpscRing<PacketRef>
// per (source, destination) pair. Threads are the N workers (index 0..N-1:
// their direct-path sockets and direct-path listeners) and the link thread
// (index N: compatible-path ingress and every compatible-path listener). A
// packet is pushed as one PacketRef per destination: the bytes are shared,
// only the reference count changes. Each destination has a WorkerWake.
//
// Every thread gets every packet (each keeps its own levels of every track
// from them), but a push wakes its destination only while that one is
// urgent (set_urgent): while it has listeners. A thread without listeners
// takes its packets when its next timer wakes it (within kMaxIdleWaitMs),
// only for the levels. So a place whose clients are all on the compatible
// path costs the workers no wake-ups, one whose clients are all on the
// direct path costs the link thread none, and a thread's first listener
// after such a stretch is selected from fresh levels.
//
// Thread-safety: source s may only call broadcast(s, ...) from its own thread;
// destination d may only call drain(d, ...) and set_urgent(d, ...) from its
// own thread. depth() and urgent() from any thread.
#pragma once

#include <atomic>
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
  // The link thread's index, as a source and as a destination.
  size_t link_thread() const { return worker_count_; }

  // Pushes `packet` to every destination except `source` itself (a thread
  // fans out its own packets directly), waking those that are urgent.
  // Returns how many urgent destinations were full (those drop the packet;
  // the caller counts them as queue_full drops). A full ring of a thread
  // without listeners drops it uncounted: no listener lost anything.
  size_t broadcast(size_t source, const PacketRef& packet);

  // Pops everything queued for `destination`, calling fn(PacketRef&&) per
  // packet, at most `limit` packets per source (bounded work per tick).
  // Returns the number of packets handed to fn.
  template <class Fn>
  size_t drain(size_t destination, size_t limit, Fn&& fn) {
    size_t handled = 0;
    PacketRef packet;
    for (size_t source = 0; source < thread_count(); ++source) {
      if (source == destination) continue;
      SpscRing<PacketRef>& ring = ring_for(source, destination);
      for (size_t i = 0; i < limit && ring.try_pop(packet); ++i) {
        fn(std::move(packet));
        ++handled;
      }
    }
    return handled;
  }

  // Packets waiting for `destination`, summed over sources.
  size_t depth(size_t destination) const;

  // Relaxed: a hint. A packet broadcast around a change reaches its
  // destination either way, woken or at its next timer. Workers start
  // urgent, the link thread not.
  void set_urgent(size_t destination, bool urgent) {
    urgent_[destination]->store(urgent, std::memory_order_relaxed);
  }
  bool urgent(size_t destination) const {
    return urgent_[destination]->load(std::memory_order_relaxed);
  }

  // The wake-up of `destination`: it sleeps on it, broadcast wakes it.
  WorkerWake& wake(size_t destination) { return *wakes_[destination]; }

 private:
  size_t thread_count() const { return worker_count_ + 1; }
  SpscRing<PacketRef>& ring_for(size_t source, size_t destination) {
    return *rings_[destination * thread_count() + source];
  }
  const SpscRing<PacketRef>& ring_for(size_t source, size_t destination) const {
    return *rings_[destination * thread_count() + source];
  }

  size_t worker_count_;
  std::vector<std::unique_ptr<SpscRing<PacketRef>>> rings_;  // null where source == destination
  std::vector<std::unique_ptr<WorkerWake>> wakes_;
  std::vector<std::unique_ptr<std::atomic<bool>>> urgent_;
};

}  // namespace allo::sfu
