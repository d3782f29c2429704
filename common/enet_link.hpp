// Tuning for the daemons' private ENet links (place <-> allo-assetd, place <->
// allo-sfu). ENet's defaults suit a client on the internet: 1400-byte
// datagrams and at most 64 KiB of reliable data in flight per peer, shrunk
// further by the packet throttle when the round-trip time rises. A link carries
// every agent's traffic over one peer, so those defaults cap it at about
// 64 KiB per round trip. The link's own flow control (assetd's per-agent
// windows) bounds what is queued; these settings only let ENet keep the pipe
// full.
//
// Touches public ENetHost/ENetPeer fields (enet.h): `mtu` before connecting,
// `windowSize` and the throttle once connected. Header-only: its users link
// libenet already.
#pragma once

#include <enet/enet.h>

#include <cstdint>

#include "common/socket_buffers.hpp"

namespace allo::enet_link {

// Bytes of reliable data a link peer may have unacknowledged.
inline constexpr uint32_t kLinkWindowBytes = 512u << 10;
// A link host's socket buffers are kLinkSocketBufferBytes (socket_buffers.hpp):
// a full window must fit in the receiver's buffer, or loopback drops datagrams
// and ENet waits for a retransmission timeout.

// Datagram size on a loopback link (ENet's maximum). Not used towards other
// hosts: 4 KiB datagrams would be split by IP on a 1500-byte network.
inline constexpr uint32_t kLoopbackMtu = ENET_PROTOCOL_MAXIMUM_MTU;

// True for 127.0.0.0/8 (ENet addresses hold IPv4 in network order).
inline bool is_loopback(const ENetAddress& address) {
  return (ENET_NET_TO_HOST_32(address.host) >> 24) == 127;
}

// Raises the host's datagram size when every peer it talks to is on
// loopback. Call right after enet_host_create; both ends must do it (the
// smaller MTU of the two wins at connect).
inline void tune_host(ENetHost* host, bool loopback) {
  if (loopback) {
    host->mtu = kLoopbackMtu;
    // enet_host_create already reset every peer with the old MTU; a peer
    // takes the host's MTU again only when it is reset.
    for (size_t i = 0; i < host->peerCount; ++i) host->peers[i].mtu = kLoopbackMtu;
  }
  (void)set_socket_buffers(static_cast<int>(host->socket), kLinkSocketBufferBytes);
}

// ENet resets a peer's window to at most 64 KiB whenever it handles a
// bandwidth-limit command, which every host sends its peers on its next
// 1 s throttle pass after any connect or disconnect. Call after each
// enet_host_service on a connected link peer (cheap: one store).
inline void keep_window(ENetPeer* peer) {
  if (peer != nullptr && peer->state == ENET_PEER_STATE_CONNECTED)
    peer->windowSize = kLinkWindowBytes;
}

// Call on ENET_EVENT_TYPE_CONNECT for a link peer, on both ends.
inline void tune_peer(ENetPeer* peer) {
  peer->windowSize = kLinkWindowBytes;
  // Never throttle the link down on a rising round-trip time: a loaded link
  // has a longer one by design, and its senders already bound the backlog.
  // (Voice peers: common/enet_voice_peer.hpp, which also undoes earlier
  // steps at once.)
  enet_peer_throttle_configure(peer, ENET_PEER_PACKET_THROTTLE_INTERVAL,
                               ENET_PEER_PACKET_THROTTLE_ACCELERATION, 0);
}

}  // namespace allo::enet_link
