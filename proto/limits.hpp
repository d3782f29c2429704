// Every wire limit of the place protocol, declared once. Checked before a
// message is dispatched; a violation is answered with a protocol error (or a
// drop on unreliable channels) and counted, never trusted.
#pragma once

#include <cstddef>
#include <cstdint>

namespace allo::limits {

// ENet channels (reference README, "Framing").
enum Channel : uint8_t {
  kChannelState = 0,     // S->C state diffs, C->S intents (unreliable)
  kChannelCommands = 1,  // interactions (reliable)
  kChannelAssets = 2,    // asset frames (reliable)
  kChannelMedia = 3,     // media packets (unreliable)
  kChannelClock = 4,     // clock sync (unreliable)
};
inline constexpr size_t kChannelCount = 5;

// Largest incoming ENet packet on any channel (ENet reassembles fragments).
inline constexpr size_t kMaxPacketBytes = 1024 * 1024;
// Largest incoming intent or clock packet (they are small by nature).
inline constexpr size_t kMaxIntentBytes = 64 * 1024;
inline constexpr size_t kMaxClockBytes = 1024;
// Poses (head, hands, ...) one intent may carry.
inline constexpr size_t kMaxPosesPerIntent = 32;
// Deepest nesting of arrays/objects in any incoming JSON document.
inline constexpr int kMaxJsonDepth = 32;
// Entities one agent may own at once (avatar and children included).
inline constexpr size_t kMaxEntitiesPerAgent = 2000;
// Serialized bytes of all the entities one agent owns together (the place
// keeps them, its history holds old versions, full sets copy them).
inline constexpr size_t kMaxBytesPerAgent = 16 * 1024 * 1024;
// Largest serialized component value, and most components on one entity.
inline constexpr size_t kMaxComponentBytes = 64 * 1024;
inline constexpr size_t kMaxComponentsPerEntity = 64;
// Longest id (entity ids, request ids) a client may send.
inline constexpr size_t kMaxIdLength = 256;
// Requests an agent may have outstanding (sent, not yet answered) at once.
inline constexpr size_t kMaxPendingRequestsPerAgent = 256;
// Media tracks one agent may hold at once (each costs the SFU an Opus decoder).
inline constexpr size_t kMaxTracksPerAgent = 16;
// Connected peers on the public place endpoint.
inline constexpr size_t kMaxPeers = 1024;
// Revisions a client keeps (reference README): a patch_from older than this
// is unmergeable for the client. The place patches from a revision only
// while nothing it sent that client since is this many revisions newer
// (place/state_flow.hpp).
inline constexpr size_t kStateHistoryRevisions = 64;
// Supported announce versions.
inline constexpr int kMinAnnounceVersion = 1;
inline constexpr int kMaxAnnounceVersion = 3;
// Media packet: 4-byte track id, at least one payload byte, trailing '\n'.
inline constexpr size_t kMediaHeaderBytes = 4;
inline constexpr size_t kMaxMediaPacketBytes = 4000;
// Asset frame: u16 mid, u16 header length, header JSON, body.
inline constexpr size_t kAssetFrameHeaderBytes = 4;

}  // namespace allo::limits
