// Keeps a server ENetHost's scanned peer range close to the peers in use.
//
// ENet 1.3 walks host->peers[0, peerCount) on every enet_host_service and
// enet_host_flush (to send, to check timeouts), whether a slot is connected
// or not: with the place's 1024 slots that is ~450 KiB of ENetPeer structs
// read several times per loop iteration, even with ten clients. ENet hands
// a new connection the lowest free slot, so the used slots sit at the low
// end. PeerSlots lowers the public `peerCount` field to the highest slot in
// use plus a spare band (free slots for new connections), grows it when a
// connection lands in the band and shrinks it when the top slots are free
// again; it never hides a slot that is not DISCONNECTED. The full count is
// restored before the host is destroyed (ENet frees peerCount peers).
//
// Connections that arrive while the spare band is full are not answered;
// their ENet client retries the connect (a reliable command), and by then the
// band has grown. Header-only; the loop thread of the host only.
#pragma once

#include <enet/enet.h>

#include <algorithm>
#include <cstddef>

namespace allo {

class PeerSlots {
 public:
  // Free slots kept scannable above the highest used one: at least this,
  // or as many as are in use (the band doubles), whichever is more.
  static constexpr size_t kMinSpare = 128;

  explicit PeerSlots(ENetHost* host) : host_(host), capacity_(host->peerCount) { update(); }
  ~PeerSlots() { restore(); }
  PeerSlots(const PeerSlots&) = delete;
  PeerSlots& operator=(const PeerSlots&) = delete;

  // Call after every CONNECT and DISCONNECT event (and after resetting peers).
  void update() {
    if (host_ == nullptr) return;
    size_t used = host_->peerCount;
    while (used > 0 && host_->peers[used - 1].state == ENET_PEER_STATE_DISCONNECTED) --used;
    size_t spare = std::max(kMinSpare, used);
    host_->peerCount = std::min(capacity_, used + spare);
  }
  // Gives ENet back every slot and lets go of the host; call before
  // enet_host_destroy (the destructor then leaves the freed host alone).
  void restore() {
    if (host_ == nullptr) return;
    host_->peerCount = capacity_;
    host_ = nullptr;
  }

  size_t capacity() const { return capacity_; }
  size_t scanned() const { return host_ == nullptr ? capacity_ : host_->peerCount; }

 private:
  ENetHost* host_;
  size_t capacity_;
};

}  // namespace allo
