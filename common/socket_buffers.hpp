// Socket buffer sizes for the daemons' UDP sockets. Linux's default receive
// buffer (net.core.rmem_default, about 208 KiB) holds only ~100 full
// datagrams: a public endpoint that hundreds of clients send to at once (a
// burst of asset requests, a tick's worth of acknowledgements) overflows it,
// the kernel drops datagrams, and ENet stalls until its retransmission
// timeout. The kernel caps what is asked at net.core.rmem_max / wmem_max.
#pragma once

#include <sys/socket.h>

#include <string_view>

#include "common/log.hpp"

namespace allo {

// The place's public endpoint and the SFU's direct-path endpoint.
inline constexpr int kPublicSocketBufferBytes = 4 << 20;
// One end of a daemons' private ENet link (common/enet_link.hpp).
inline constexpr int kLinkSocketBufferBytes = 2 << 20;

// Asks for `bytes` of receive and send buffer on `fd`; returns the receive
// buffer the kernel granted in the same units (Linux reports double the usable
// size and this halves it back), or -1 when the socket refuses. Callers log
// when it is less than asked.
inline int set_socket_buffers(int fd, int bytes) {
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  int granted = 0;
  socklen_t len = sizeof granted;
  if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &len) != 0) return -1;
  return granted / 2;
}

// A public endpoint's buffers (kPublicSocketBufferBytes); logs a warning
// naming `endpoint` when the kernel granted less.
inline void set_public_socket_buffers(int fd, std::string_view endpoint) {
  const int granted = set_socket_buffers(fd, kPublicSocketBufferBytes);
  if (granted < kPublicSocketBufferBytes)
    log::warn(
        "{}: the kernel granted a {} byte receive buffer of {} asked (raise "
        "net.core.rmem_max); bursts from many clients may be dropped",
        endpoint, granted, kPublicSocketBufferBytes);
}

}  // namespace allo
