// Bounded single-producer single-consumer ring (lock-free, wait-free).
//
// Thread-safety: exactly one thread may call try_push and exactly one (other)
// thread may call try_pop/size_approx; construction and destruction happen
// while neither is running.
// Memory ordering: the producer writes the slot, then publishes it with a
// release store of tail_; the consumer acquire-loads tail_, so the slot (and
// everything the producer wrote before pushing, e.g. a packet's bytes) is
// visible to it. Symmetrically the consumer moves the value out, then release-
// stores head_; the producer acquire-loads head_ before reusing that slot.
// Each side caches the other's index so the shared cache lines are touched
// only when the ring looks full (producer) or empty (consumer).
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace allo::sfu {

template <class T>
class SpscRing {
 public:
  // `capacity` is rounded up to a power of two. T must be default-constructible
  // and move-assignable; a popped slot is left moved-from.
  explicit SpscRing(size_t capacity)
      : capacity_(std::bit_ceil(capacity < 2 ? size_t{2} : capacity)),
        mask_(capacity_ - 1),
        slots_(std::make_unique<T[]>(capacity_)) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // Returns false (and leaves `value` untouched) when the ring is full.
  bool try_push(T&& value) {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - cached_head_ >= capacity_) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (tail - cached_head_ >= capacity_) return false;
    }
    slots_[tail & mask_] = std::move(value);
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Returns false when the ring is empty.
  bool try_pop(T& out) {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    if (head == cached_tail_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head == cached_tail_) return false;
    }
    out = std::move(slots_[head & mask_]);
    slots_[head & mask_] = T{};
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Items queued; any thread may call it (a gauge: exact only when both sides are idle).
  size_t size_approx() const {
    const uint64_t tail = tail_.load(std::memory_order_acquire);
    const uint64_t head = head_.load(std::memory_order_acquire);
    return tail >= head ? static_cast<size_t>(tail - head) : 0;
  }
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  const size_t mask_;
  std::unique_ptr<T[]> slots_;
  alignas(64) std::atomic<uint64_t> head_{0};  // written by the consumer
  uint64_t cached_tail_ = 0;                   // consumer's copy of tail_
  alignas(64) std::atomic<uint64_t> tail_{0};  // written by the producer
  uint64_t cached_head_ = 0;                   // producer's copy of head_
};

}  // namespace allo::sfu
