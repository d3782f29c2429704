#include "sfu/voice_datagrams.hpp"

#include "proto/limits.hpp"

namespace allo::sfu {

void VoiceDatagrams::add(const DatagramRoute& route, uint16_t group,
                         std::span<const uint8_t> payload) {
  const auto entry = static_cast<uint32_t>(entries_.size());
  entries_.push_back({payload, group, kEnd});
  const uint64_t key = (uint64_t{route.address.sin_addr.s_addr} << 32) |
                       (uint64_t{route.address.sin_port} << 16) | route.header_peer;
  auto [it, fresh] = index_.try_emplace(key, static_cast<uint32_t>(listeners_.size()));
  if (fresh) {
    listeners_.push_back({route, entry, entry});
  } else {
    Listener& listener = listeners_[it->second];
    entries_[listener.last].next = entry;
    listener.last = entry;
  }
}

std::span<mmsghdr> VoiceDatagrams::pack() {
  headers_.clear();
  commands_.clear();
  iov_.clear();
  messages_.clear();
  // Sized up front: the pointers taken below must not move. At most one
  // datagram per entry; two iovecs per entry plus one per datagram.
  headers_.reserve(entries_.size());
  commands_.reserve(entries_.size());
  iov_.reserve(3 * entries_.size());
  messages_.reserve(entries_.size());
  for (Listener& listener : listeners_) {
    const DatagramRoute& route = listener.route;  // listeners_ does not move in here
    size_t bytes = route.mtu;                     // forces a new datagram for the first entry
    for (uint32_t e = listener.first; e != kEnd; e = entries_[e].next) {
      const Entry& entry = entries_[e];
      const size_t command_bytes = kUnsequencedCommandBytes + entry.payload.size();
      if (bytes + command_bytes > route.mtu) {
        headers_.push_back(datagram_header(route.header_peer));
        iov_.push_back({headers_.back().data(), headers_.back().size()});
        mmsghdr message{};
        message.msg_hdr.msg_name = &listener.route.address;
        message.msg_hdr.msg_namelen = sizeof(sockaddr_in);
        message.msg_hdr.msg_iov = &iov_.back();
        message.msg_hdr.msg_iovlen = 1;
        messages_.push_back(message);
        bytes = kDatagramHeaderBytes;
      }
      commands_.push_back(unsequenced_command(limits::kChannelMedia, entry.group,
                                              static_cast<uint16_t>(entry.payload.size())));
      iov_.push_back({commands_.back().data(), commands_.back().size()});
      iov_.push_back({const_cast<uint8_t*>(entry.payload.data()), entry.payload.size()});
      messages_.back().msg_hdr.msg_iovlen += 2;
      bytes += command_bytes;
    }
  }
  return messages_;
}

void VoiceDatagrams::clear() {
  entries_.clear();
  listeners_.clear();
  index_.clear();
}

}  // namespace allo::sfu
