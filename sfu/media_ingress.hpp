// Admission of one incoming media packet: parse the wire bytes, check the
// track exists and belongs to the sender, take its audio level (the one the
// sender put in the trailer, else measured by decoding it), check the
// payload is Opus libopus accepts, and wrap it in one shared PacketRef
// stamped with track, level and arrival time, its trailer back to '\n'.
// A sender's own level is trusted as SFUs trust RFC 6464 audio levels: a
// sender that claims to be loud wins listeners' slots, as shouting would.
//
// Thread-safety: none; one per ingress thread (the link thread and each
// worker), reading that thread's own TrackRegistry.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>

#include "sfu/opus_level_meter.hpp"
#include "sfu/packet_buffer.hpp"
#include "sfu/track_registry.hpp"
#include "sfu/worker_stats.hpp"

namespace allo::sfu {

class MediaIngress {
 public:
  // `registry` must outlive this object.
  explicit MediaIngress(const TrackRegistry& registry) : registry_(registry) {}

  // Returns the packet, or why it must be dropped (kTooShort, kTooLarge,
  // kUnknownTrack, kNotOwner, kInvalidOpus). Never throws on any input.
  std::expected<PacketRef, DropReason> accept(const std::string& sender_agent,
                                              std::span<const uint8_t> wire, int64_t arrival_ns);
  // Frees per-track state of a removed track.
  void forget(uint32_t track) { meter_.forget(track); }
  // Packets accepted after decoding them for their level.
  uint64_t decoded() const { return decoded_; }

 private:
  const TrackRegistry& registry_;
  OpusLevelMeter meter_;
  uint64_t decoded_ = 0;
};

}  // namespace allo::sfu
