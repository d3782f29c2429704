// Handing an open file descriptor to another local process: a connected
// SOCK_SEQPACKET unix socket in the abstract namespace (Linux), one message
// carrying a few bytes and the descriptor (SCM_RIGHTS). The place uses it to
// give allo-sfu a duplicate of its public UDP socket (see
// proto/sfu_link.hpp, "Shared socket").
//
// Thread-safety: plain functions over the caller's sockets; no shared state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace allo {

// Longest message handed over with a descriptor.
inline constexpr size_t kMaxFdMessageBytes = 256;

// A non-blocking SOCK_SEQPACKET socket listening on the abstract name
// `name` (without the leading NUL), or -1 with errno set.
int listen_abstract(std::string_view name);
// A non-blocking SOCK_SEQPACKET socket connected to the abstract `name`,
// or -1 with errno set (ECONNREFUSED: nobody listens on this machine).
int connect_abstract(std::string_view name);

// Sends `bytes` (at most kMaxFdMessageBytes) and a duplicate of `fd` as one
// message. Returns 0 or an errno value.
int send_with_fd(int socket, std::string_view bytes, int fd);

struct FdMessage {
  std::string bytes;
  int fd = -1;  // owned by the caller; -1 when the message carried none
};
// Receives one message without blocking. Returns 0, EAGAIN when none is
// waiting, ECONNRESET when the peer closed, or another errno value. Any
// descriptor beyond the first is closed; the message is marked truncated
// (EMSGSIZE, its descriptor closed) when it is longer than kMaxFdMessageBytes.
int receive_with_fd(int socket, FdMessage& out);

}  // namespace allo
