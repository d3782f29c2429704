#include "media_drop_filter.hpp"

#include <enet/enet.h>

#include <cerrno>
#include <cstddef>
#include <vector>

#if defined(__linux__)
#include <linux/filter.h>
#include <sys/socket.h>
#endif

namespace allo::loadgen {

#if defined(__linux__)
namespace {

// The filter reads the UDP datagram from its 8-byte UDP header; ENet's
// header follows (peer id and flags; without the sent-time flag no time
// follows), then commands.
constexpr uint32_t kUdpHeader = 8;
constexpr uint32_t kEnetHeader = sizeof(enet_uint16);
constexpr uint32_t kPassFlags = ENET_PROTOCOL_HEADER_FLAG_MASK;  // sent time | compressed
constexpr uint32_t kCommandAt = offsetof(ENetProtocolCommandHeader, command);
constexpr uint32_t kChannelAt = offsetof(ENetProtocolCommandHeader, channelID);
// SEND_UNRELIABLE and SEND_UNSEQUENCED share the layout: header, a 16-bit
// sequence or group, the data length, the data.
constexpr uint32_t kLengthAt = offsetof(ENetProtocolSendUnreliable, dataLength);
constexpr uint32_t kSendHeader = sizeof(ENetProtocolSendUnreliable);
static_assert(offsetof(ENetProtocolSendUnsequenced, dataLength) == kLengthAt);
static_assert(sizeof(ENetProtocolSendUnsequenced) == kSendHeader);
constexpr uint32_t kAccept = 0xFFFFFFFF, kDrop = 0;
// ENet packs the packets queued for a peer into one datagram (up to its MTU):
// under load a datagram carries many voice packets. More than this many
// commands: passed.
constexpr int kMaxCommands = 32;

sock_filter stmt(uint16_t code, uint32_t k) {
  return BPF_STMT(code, k);
}
sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
  return BPF_JUMP(code, k, jt, jf);
}

}  // namespace

bool attach_media_drop_filter(int fd, uint8_t channel) {
  std::vector<sock_filter> code;
  // Header: flags set (a reliable command inside, or compression): pass.
  code.push_back(stmt(BPF_LD | BPF_H | BPF_ABS, kUdpHeader));
  code.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, kPassFlags, 0, 1));
  code.push_back(stmt(BPF_RET | BPF_K, kAccept));
  code.push_back(stmt(BPF_LDX | BPF_W | BPF_IMM, kUdpHeader + kEnetHeader));  // X: next command
  // Unrolled (cBPF jumps only forward): each command must be an unreliable
  // send on `channel`; when the last one ends exactly at the datagram's end,
  // drop. Each round has its own accept and drop returns (8-bit jumps). A
  // load past the datagram's end (a truncated command) ends the filter with
  // 0: such a datagram is dropped, as ENet would discard it.
  for (int i = 0; i < kMaxCommands; ++i) {
    code.push_back(stmt(BPF_LD | BPF_B | BPF_IND, kCommandAt));                   // 0: command
    code.push_back(stmt(BPF_ALU | BPF_AND | BPF_K, ENET_PROTOCOL_COMMAND_MASK));  // 1
    code.push_back(
        jump(BPF_JMP | BPF_JEQ | BPF_K, ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE, 1, 0));  // 2: -> 4
    code.push_back(
        jump(BPF_JMP | BPF_JEQ | BPF_K, ENET_PROTOCOL_COMMAND_SEND_UNSEQUENCED, 0, 9));  // 3: -> 13
    code.push_back(stmt(BPF_LD | BPF_B | BPF_IND, kChannelAt));      // 4: channel
    code.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, channel, 0, 7));  // 5: -> 13 accept
    code.push_back(stmt(BPF_LD | BPF_H | BPF_IND, kLengthAt));       // 6: data length
    code.push_back(stmt(BPF_ALU | BPF_ADD | BPF_K, kSendHeader));    // 7
    code.push_back(stmt(BPF_ALU | BPF_ADD | BPF_X, 0));              // 8: end of this command
    code.push_back(stmt(BPF_MISC | BPF_TAX, 0));                     // 9
    code.push_back(stmt(BPF_LD | BPF_W | BPF_LEN, 0));               // 10
    code.push_back(jump(BPF_JMP | BPF_JEQ | BPF_X, 0, 3, 0));        // 11: all read -> 15 drop
    code.push_back(jump(BPF_JMP | BPF_JGT | BPF_X, 0, 3, 1));        // 12: more -> 16 next round
    code.push_back(stmt(BPF_RET | BPF_K, kAccept));                  // 13
    code.push_back(stmt(BPF_RET | BPF_K, kAccept));                  // 14 (claims past the end)
    code.push_back(stmt(BPF_RET | BPF_K, kDrop));                    // 15
  }
  code.push_back(stmt(BPF_RET | BPF_K, kAccept));
  sock_fprog program{static_cast<unsigned short>(code.size()), code.data()};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) == 0;
}
#else
bool attach_media_drop_filter(int, uint8_t) {
  errno = ENOSYS;
  return false;
}
#endif

}  // namespace allo::loadgen
