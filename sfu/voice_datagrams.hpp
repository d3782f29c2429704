// Packs the compatible-path voice frames one pass of the link thread fanned
// out into as few ENet datagrams as fit (sfu/enet_datagram.hpp): each
// listener's frames share datagrams, in the order they came, up to its MTU,
// each frame one unsequenced command on channel 3, as ENet's own per-peer
// queues do between flushes. Socket-free: it produces the mmsghdr array the
// link thread hands to sendmmsg. Payloads are referenced, never copied, and
// must outlive the datagrams (until clear()); routes are copied, so a route
// that changes or goes away after add() does not touch what was added.
//
// Thread-safety: none (the link thread's own object).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "sfu/enet_datagram.hpp"

namespace allo::sfu {

// Where one compatible-path listener's datagrams go.
struct DatagramRoute {
  sockaddr_in address{};
  uint16_t header_peer = 0;  // see proto::sfu_link::AgentRoute
  uint16_t mtu = 0;
};

// Whether a payload of `bytes` fits one datagram to `route`.
inline bool fits_datagram(const DatagramRoute& route, size_t bytes) {
  return kDatagramHeaderBytes + kUnsequencedCommandBytes + bytes <= route.mtu;
}

class VoiceDatagrams {
 public:
  // One frame for one listener, carried with unsequenced group `group`.
  // Requires fits_datagram(route, payload.size()).
  void add(const DatagramRoute& route, uint16_t group, std::span<const uint8_t> payload);
  bool empty() const { return entries_.empty(); }
  // The datagrams for everything added since clear(); valid until the next
  // add() or clear().
  std::span<mmsghdr> pack();
  void clear();

 private:
  struct Entry {
    std::span<const uint8_t> payload;
    uint16_t group;
    uint32_t next;  // the next entry of the same listener, or kEnd
  };
  struct Listener {
    DatagramRoute route;
    uint32_t first;
    uint32_t last;
  };
  static constexpr uint32_t kEnd = UINT32_MAX;

  std::vector<Entry> entries_;
  std::vector<Listener> listeners_;
  std::unordered_map<uint64_t, uint32_t> index_;  // address, port, header peer -> listener
  std::vector<std::array<uint8_t, kDatagramHeaderBytes>> headers_;
  std::vector<std::array<uint8_t, kUnsequencedCommandBytes>> commands_;
  std::vector<iovec> iov_;
  std::vector<mmsghdr> messages_;
};

}  // namespace allo::sfu
