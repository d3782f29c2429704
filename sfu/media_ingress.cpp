#include "sfu/media_ingress.hpp"

#include "proto/media_packet.hpp"

namespace allo::sfu {

std::expected<PacketRef, DropReason> MediaIngress::accept(const std::string& sender_agent,
                                                          std::span<const uint8_t> wire,
                                                          int64_t arrival_ns) {
  auto parsed = proto::parse_media_packet(wire);
  if (!parsed) {
    return std::unexpected(parsed.error().code == "too_large" ? DropReason::kTooLarge
                                                              : DropReason::kTooShort);
  }
  const TrackInfo* info = registry_.find(parsed->track_id);
  if (info == nullptr) return std::unexpected(DropReason::kUnknownTrack);
  if (info->owner_agent != sender_agent) return std::unexpected(DropReason::kNotOwner);
  // A level in the trailer spares the decoding; the packet is still checked
  // as decoding would check it, and leaves with the trailer it had on the
  // seed protocol.
  if (const auto sent = proto::trailer_level(parsed->trailer)) {
    if (!OpusLevelMeter::well_formed(parsed->payload)) {
      return std::unexpected(DropReason::kInvalidOpus);
    }
    return PacketRef::create(wire, parsed->track_id, *sent, arrival_ns, proto::kMediaTrailer);
  }
  auto level = meter_.measure(parsed->track_id, parsed->payload);
  if (!level) return std::unexpected(DropReason::kInvalidOpus);
  ++decoded_;
  return PacketRef::create(wire, parsed->track_id, *level, arrival_ns);
}

}  // namespace allo::sfu
