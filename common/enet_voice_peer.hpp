// ENet settings for peers that carry voice: the packet throttle, kept from
// dropping it, and the keepalive of a listener that sends nothing. Header-only:
// its users link libenet already.
//
// How the throttle works (ENet 1.3): a peer's `packetThrottle` (0..32, the
// scale) sets the share of its unreliable packets the *sending* end drops:
// at T, (31 - T)/32 of them. It starts at 32 (none dropped). On each
// acknowledgement of a reliable command it moves: down by the deceleration
// (2) when the round trip came back above the lowest smoothed round trip of
// the last interval (5 s) plus twice its variance, up by the acceleration
// (2) when at or below that lowest round trip, and nothing in between. The
// round trip includes the time the other end takes to read the packet and
// this end takes to read the ack, so a client busy for a few milliseconds
// reads as congestion; and a voice link has few reliable commands (a ping
// after 500 ms of silence from the other end, 2 s on allo-sfu's direct path:
// below), so it takes a long time to win the steps back. Meanwhile a
// listener misses part of its voice, or a speaker's own ENet drops its
// frames on the way in (each missed by a hundred listeners). In voice_bench
// at 500 clients / 20 speakers (2 cores shared with the load generator)
// allo-sfu's direct path delivered 99.76-99.80% in two of three runs with
// it, 100% in every run without.
// Voice is a few speakers of 20-60 kbit/s Opus per listener, too little
// for such a throttle to relieve a congested link.
//
// Both functions set a deceleration of 0 (never throttle down) and an
// acceleration of the whole scale (so a step taken before the setting
// arrived is undone by the next timely ack), and ENet sends the setting to
// the remote end with a reliable command that any ENet 1.3 client honours,
// deployed ones included. Call on ENET_EVENT_TYPE_CONNECT (the remote end
// refuses the command before it is connected). A remote end that declared
// an incoming bandwidth can still be clamped below the scale by
// enet_host_bandwidth_throttle; our clients declare none. The daemons'
// private links set their own throttle (enet_link::tune_peer: never down,
// ENet's acceleration), with the link window.
#pragma once

#include <enet/enet.h>

namespace allo {

// Both ends: for peers that carry nothing unreliable but voice (allo-sfu's
// direct path).
inline void disable_packet_throttle(ENetPeer* peer) {
  enet_peer_throttle_configure(peer, peer->packetThrottleInterval, ENET_PEER_PACKET_THROTTLE_SCALE,
                               0);
}

// The remote end only: a client's voice and intents go out unthrottled,
// while this end keeps ENet's throttle for what it sends (alloplace: the
// state stream, whose full sets to clients that acknowledge 0 are bounded by
// nothing else on a slow link).
inline void disable_remote_packet_throttle(ENetPeer* peer) {
  const enet_uint32 acceleration = peer->packetThrottleAcceleration;
  const enet_uint32 deceleration = peer->packetThrottleDeceleration;
  disable_packet_throttle(peer);  // sets this end too, and sends the command
  peer->packetThrottleAcceleration = acceleration;
  peer->packetThrottleDeceleration = deceleration;
}

// A peer that has sent nothing for its ping interval is pinged, and the ping
// is acknowledged: a datagram each way. A direct-path listener sends nothing
// but those acks, so at ENet's 500 ms each of allo-sfu's listeners cost its
// worker four datagrams and two wake-ups a second (1000 wake-ups a second
// for 250 listeners), which is time not spent on voice. Every 2 s still
// keeps NAT bindings open (they last 30 s or more) and leaves dead-peer
// detection to ENet's timeouts (5-30 s after the unanswered ping). The other
// end keeps its own interval; a client that hears voice never pings, since
// it receives all the time.
inline constexpr enet_uint32 kVoicePingIntervalMs = 2000;

// This end only: call on ENET_EVENT_TYPE_CONNECT for a voice-only peer.
inline void set_voice_ping_interval(ENetPeer* peer) {
  enet_peer_ping_interval(peer, kVoicePingIntervalMs);
}

}  // namespace allo
