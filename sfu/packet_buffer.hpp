// One media packet shared by every listener it is delivered to: a single heap
// allocation holding the reference count, the metadata stamped at ingress and
// the wire bytes ([u32 BE track][Opus][\n]), never modified after creation.
//
// Thread-safety: a PacketRef may be copied, moved and destroyed on any thread;
// the bytes are immutable, so any number of threads may read them at once.
// Memory ordering: increments are relaxed (a new reference is always made from
// an existing one, which keeps the buffer alive); the decrement is release, and
// the thread that drops the last reference issues an acquire fence before
// freeing, so every read of the bytes on every thread happens-before the free.
// Publication to another thread goes through a queue with release/acquire
// (see spsc_ring.hpp), which makes the bytes written at creation visible.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace allo::sfu {

class PacketBuffer;

class PacketRef {
 public:
  PacketRef() = default;
  // Copies `wire_bytes` once into a new buffer with one reference.
  // Throws std::bad_alloc only.
  // `last_byte`, when given, replaces the copy's last byte (a media
  // packet's trailer).
  static PacketRef create(std::span<const uint8_t> wire_bytes, uint32_t track_id, float level_dbfs,
                          int64_t arrival_ns, std::optional<uint8_t> last_byte = std::nullopt);

  PacketRef(const PacketRef& other) noexcept;
  PacketRef(PacketRef&& other) noexcept : buffer_(other.buffer_) { other.buffer_ = nullptr; }
  PacketRef& operator=(const PacketRef& other) noexcept;
  PacketRef& operator=(PacketRef&& other) noexcept;
  ~PacketRef() { reset(); }

  void reset() noexcept;
  explicit operator bool() const { return buffer_ != nullptr; }

  // Accessors; undefined on an empty ref.
  std::span<const uint8_t> bytes() const;
  uint32_t track_id() const;
  float level_dbfs() const;
  int64_t arrival_ns() const;
  // Current number of references (for tests and assertions only: racy).
  uint32_t use_count() const;

  // Hands the reference to C code (an ENet free callback) and back.
  void* release_raw() noexcept {
    void* raw = buffer_;
    buffer_ = nullptr;
    return raw;
  }
  static PacketRef adopt_raw(void* raw) noexcept {
    PacketRef ref;
    ref.buffer_ = static_cast<PacketBuffer*>(raw);
    return ref;
  }

 private:
  PacketBuffer* buffer_ = nullptr;
};

// Number of PacketBuffers alive in the process (tests use it to prove nothing leaks).
int64_t live_packet_buffers();

}  // namespace allo::sfu
