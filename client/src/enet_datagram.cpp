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
    size_t data_length = 0;
    bool report = false;
    switch (number) {
      case ENET_PROTOCOL_COMMAND_SEND_RELIABLE:
        data_length =
            read_u16(datagram.data() + at + offsetof(ENetProtocolSendReliable, dataLength));
        report = true;
        break;
      case ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE:
        data_length =
            read_u16(datagram.data() + at + offsetof(ENetProtocolSendUnreliable, dataLength));
        report = true;
        break;
      case ENET_PROTOCOL_COMMAND_SEND_UNSEQUENCED:
        data_length =
            read_u16(datagram.data() + at + offsetof(ENetProtocolSendUnsequenced, dataLength));
        report = true;
        break;
      case ENET_PROTOCOL_COMMAND_SEND_FRAGMENT:
      case ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE_FRAGMENT:
        data_length =
            read_u16(datagram.data() + at + offsetof(ENetProtocolSendFragment, dataLength));
        break;
      default:
        break;
    }
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
