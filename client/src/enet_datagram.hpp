// Reads the send commands out of one raw ENet datagram (ENet 1.3 wire format,
// enet/protocol.h): [u16 BE peer id + flags][u16 BE sent time, when flagged]
// then commands, each a fixed-size part (enet_protocol_command_size) and, for
// sends, `dataLength` payload bytes. Used to learn which packets a datagram
// carried while ENet is still reading it (ArrivalStamps). Compressed or
// checksummed datagrams are not read. Pure function; no sockets, no state.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace allo::client {

// Calls `on_payload(channel, payload)` for every unfragmented send (reliable,
// unreliable, unsequenced) in `datagram`, in order; stops at the first
// malformed or unknown command. Returns the number of payloads reported.
size_t scan_enet_datagram(
    std::span<const uint8_t> datagram,
    const std::function<void(uint8_t channel, std::span<const uint8_t> payload)>& on_payload);

}  // namespace allo::client
