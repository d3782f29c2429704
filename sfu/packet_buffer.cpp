#include "sfu/packet_buffer.hpp"

#include <cstring>
#include <new>

namespace allo::sfu {

namespace {
std::atomic<int64_t> g_live_buffers{0};
}

// Header placed at the start of the allocation; the bytes follow it.
class PacketBuffer {
 public:
  PacketBuffer(uint32_t size, uint32_t track_id, float level_dbfs, int64_t arrival_ns)
      : size_(size), track_id_(track_id), level_dbfs_(level_dbfs), arrival_ns_(arrival_ns) {}

  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }

  std::atomic<uint32_t> refs{1};
  const uint32_t size_;
  const uint32_t track_id_;
  const float level_dbfs_;
  const int64_t arrival_ns_;
};

static_assert(alignof(PacketBuffer) <= alignof(std::max_align_t));

PacketRef PacketRef::create(std::span<const uint8_t> wire_bytes, uint32_t track_id,
                            float level_dbfs, int64_t arrival_ns,
                            std::optional<uint8_t> last_byte) {
  void* memory = ::operator new(sizeof(PacketBuffer) + wire_bytes.size());
  auto* buffer = new (memory)
      PacketBuffer(static_cast<uint32_t>(wire_bytes.size()), track_id, level_dbfs, arrival_ns);
  if (!wire_bytes.empty()) {
    std::memcpy(buffer->data(), wire_bytes.data(), wire_bytes.size());
    if (last_byte) buffer->data()[wire_bytes.size() - 1] = *last_byte;
  }
  g_live_buffers.fetch_add(1, std::memory_order_relaxed);
  PacketRef ref;
  ref.buffer_ = buffer;
  return ref;
}

PacketRef::PacketRef(const PacketRef& other) noexcept : buffer_(other.buffer_) {
  if (buffer_) buffer_->refs.fetch_add(1, std::memory_order_relaxed);
}

PacketRef& PacketRef::operator=(const PacketRef& other) noexcept {
  if (this != &other) {
    PacketRef copy(other);
    *this = std::move(copy);
  }
  return *this;
}

PacketRef& PacketRef::operator=(PacketRef&& other) noexcept {
  if (this != &other) {
    reset();
    buffer_ = other.buffer_;
    other.buffer_ = nullptr;
  }
  return *this;
}

void PacketRef::reset() noexcept {
  if (!buffer_) return;
  if (buffer_->refs.fetch_sub(1, std::memory_order_release) == 1) {
    std::atomic_thread_fence(std::memory_order_acquire);
    buffer_->~PacketBuffer();
    ::operator delete(buffer_);
    g_live_buffers.fetch_sub(1, std::memory_order_relaxed);
  }
  buffer_ = nullptr;
}

std::span<const uint8_t> PacketRef::bytes() const {
  return {buffer_->data(), buffer_->size_};
}
uint32_t PacketRef::track_id() const {
  return buffer_->track_id_;
}
float PacketRef::level_dbfs() const {
  return buffer_->level_dbfs_;
}
int64_t PacketRef::arrival_ns() const {
  return buffer_->arrival_ns_;
}
uint32_t PacketRef::use_count() const {
  return buffer_->refs.load(std::memory_order_relaxed);
}

int64_t live_packet_buffers() {
  return g_live_buffers.load(std::memory_order_relaxed);
}

}  // namespace allo::sfu
