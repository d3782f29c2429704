#include "enet_datagram.hpp"

#include <enet/enet.h>

#include <cstddef>

namespace allo::client {
namespace {

uint16_t read_u16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

}  // namespace

size_t scan_enet_datagram(
    std::span<const uint8_t> datagram,
    const std::function<void(uint8_t channel, std::span<const uint8_t> payload)>& on_payload) {
  constexpr size_t kShortHeader = sizeof(enet_uint16);  // peer id and flags only
  if (datagram.size() < kShortHeader) return 0;
  const uint16_t peer_and_flags = read_u16(datagram.data());
  if (peer_and_flags & ENET_PROTOCOL_HEADER_FLAG_COMPRESSED) return 0;
  size_t at = (peer_and_flags & ENET_PROTOCOL_HEADER_FLAG_SENT_TIME) ? sizeof(ENetProtocolHeader)
                                                                     : kShortHeader;
  size_t reported = 0;
  while (at + sizeof(ENetProtocolCommandHeader) <= datagram.size()) {
    const uint8_t command = datagram[at];
    const uint8_t number = command & ENET_PROTOCOL_COMMAND_MASK;
    if (number == ENET_PROTOCOL_COMMAND_NONE || number >= ENET_PROTOCOL_COMMAND_COUNT) break;
    const size_t fixed = enet_protocol_command_size(command);
    if (fixed == 0 || at + fixed > datagram.size()) break;
    const uint8_t channel = datagram[at + 1];
    // Where the command's dataLength sits (0: a command without data), and
    // whether its data is a whole packet.
    size_t length_at = 0;
    bool report = true;
    switch (number) {
      case ENET_PROTOCOL_COMMAND_SEND_RELIABLE:
        length_at = offsetof(ENetProtocolSendReliable, dataLength);
        break;
      case ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE:
        length_at = offsetof(ENetProtocolSendUnreliable, dataLength);
        break;
      case ENET_PROTOCOL_COMMAND_SEND_UNSEQUENCED:
        length_at = offsetof(ENetProtocolSendUnsequenced, dataLength);
        break;
      case ENET_PROTOCOL_COMMAND_SEND_FRAGMENT:
      case ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE_FRAGMENT:
        length_at = offsetof(ENetProtocolSendFragment, dataLength);
        report = false;  // a piece of a packet
        break;
      default:
        report = false;
        break;
    }
    const size_t data_length = length_at ? read_u16(datagram.data() + at + length_at) : 0;
    at += fixed;
    if (data_length > datagram.size() - at) break;
    if (report) {
      on_payload(channel, datagram.subspan(at, data_length));
      ++reported;
    }
    at += data_length;
  }
  return reported;
}

}  // namespace allo::client
