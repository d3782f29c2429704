// ENet's packet throttle, turned off for the peers of allo-sfu's direct path
// and of alloplace. Header-only: its users link libenet already.
//
// The throttle drops a share of a peer's unreliable packets (1/32 per step)
// whenever an acknowledgement comes back later than the last round trip plus
// twice its variance, and wins a step back per timely one. It works at both
// ends: the sender's ENet drops its own unreliable packets. The round trip
// includes the time the other end takes to read the packet and the sender
// takes to read the ack, so a client (or a load generator) busy for a few
// milliseconds reads as congestion, and a voice link, whose reliable traffic
// is little more than a ping every 500 ms, wins it back slowly: a listener
// then misses a few percent of its voice for a second or so, and a speaker
// drops its own frames on the way in, each of which a hundred listeners
// miss. In voice_bench at 500 clients / 20 speakers (2 cores shared with the
// load generator) that was 0.2-0.25% of the direct path's deliveries in two
// of three runs and 0.8% of the compatible path's in one. Voice is a few
// speakers of 20-60 kbit/s Opus per listener, too little for such a
// throttle to relieve a congested link; the place's state stream, its other
// unreliable traffic, has its own flow control (docs/ARCHITECTURE.md, "State
// flow control").
#pragma once

#include <enet/enet.h>

namespace allo {

// Configures `peer`, and by the command ENet sends it, the remote end (any
// ENet 1.3 client, deployed ones included), with no throttle acceleration
// or deceleration: the throttle stays at its initial full scale, so neither
// end drops unreliable packets by it.
inline void disable_packet_throttle(ENetPeer* peer) {
  enet_peer_throttle_configure(peer, ENET_PEER_PACKET_THROTTLE_INTERVAL, 0, 0);
}

}  // namespace allo
