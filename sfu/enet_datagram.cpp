#include "sfu/enet_datagram.hpp"

#include <enet/protocol.h>

namespace allo::sfu {
namespace {

void put16(uint8_t* at, uint16_t v) {
  at[0] = static_cast<uint8_t>(v >> 8);
  at[1] = static_cast<uint8_t>(v);
}

}  // namespace

std::array<uint8_t, kDatagramHeaderBytes> datagram_header(uint16_t header_peer) {
  std::array<uint8_t, kDatagramHeaderBytes> h{};
  put16(h.data(), header_peer);
  return h;
}

std::array<uint8_t, kUnsequencedCommandBytes> unsequenced_command(uint8_t channel, uint16_t group,
                                                                  uint16_t payload_bytes) {
  std::array<uint8_t, kUnsequencedCommandBytes> c{};
  c[0] = static_cast<uint8_t>(static_cast<unsigned>(ENET_PROTOCOL_COMMAND_SEND_UNSEQUENCED) |
                              static_cast<unsigned>(ENET_PROTOCOL_COMMAND_FLAG_UNSEQUENCED));
  c[1] = channel;
  put16(&c[2], 0);
  put16(&c[4], group);
  put16(&c[6], payload_bytes);
  return c;
}

}  // namespace allo::sfu
