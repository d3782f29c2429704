// ENet 1.3 datagrams carrying unsequenced packets, written outside libenet:
// how allo-sfu sends compatible-path voice on the place's public socket (the
// shared socket, proto/sfu_link.hpp) so that it does not pass through the
// place's event loop. Pure byte builders; no sockets.
//
// Why unsequenced: ENet's unsequenced packets carry no channel sequence
// numbers and need no acknowledgement. The receiver checks only the peer id,
// the session and a per-peer 16-bit group number against a duplicate window
// (1024 groups wide; a group up to 32 windows ahead moves the window, anything
// else is dropped), then hands the bytes up as an ordinary packet on the
// channel, exactly as it would a sequenced unreliable one. The place's own
// ENet host never sends unsequenced packets, so the SFU owns every peer's
// group counter while the host keeps owning everything else; the place keeps
// the counters across SFU restarts from the SFU's route_groups reports.
//
// Wire (big-endian): a 2-byte datagram header, then commands, each an 8-byte
// command header followed by its payload:
//   u16 peer    outgoing peer id | session << 12; no sent-time flag (no ack)
//   per command:
//     u8  command 9 (SEND_UNSEQUENCED) | 0x40 (FLAG_UNSEQUENCED)
//     u8  channel
//     u16 reliable sequence number, 0 (unused by unsequenced packets)
//     u16 unsequenced group (its own for every command)
//     u16 payload length
//     payload
#pragma once

#include <enet/enet.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace allo::sfu {

inline constexpr size_t kDatagramHeaderBytes = 2;
inline constexpr size_t kUnsequencedCommandBytes = 8;

// The header's peer field for datagrams to a connected `peer` of a host
// (what ENet's own sends to it carry). Header-only: the place builds routes
// with it without linking the SFU.
inline uint16_t header_peer_of(const ENetPeer& peer) {
  return static_cast<uint16_t>(peer.outgoingPeerID |
                               ((peer.outgoingSessionID << ENET_PROTOCOL_HEADER_SESSION_SHIFT) &
                                ENET_PROTOCOL_HEADER_SESSION_MASK));
}

std::array<uint8_t, kDatagramHeaderBytes> datagram_header(uint16_t header_peer);
std::array<uint8_t, kUnsequencedCommandBytes> unsequenced_command(uint8_t channel, uint16_t group,
                                                                  uint16_t payload_bytes);

}  // namespace allo::sfu
