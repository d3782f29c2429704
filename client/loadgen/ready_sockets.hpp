// ReadySockets: one edge-triggered epoll instance over many sockets, each
// watched under a caller-chosen tag (allo-loadgen: one tag per ENet host).
// A tag is reported when data arrives (and when a socket that already holds
// data is watched), not again while that data stays unread: the caller reads
// until empty or remembers the tag. So a wait costs what arrived, not what
// is still queued. Owns the epoll fd, never the sockets. Not thread-safe.
// Linux only.
//
// Socket numbers are reused by the OS: when a watched socket is closed, the
// kernel drops its watch, and a new socket may get the same number under
// another tag. watch() handles that: the newest watch of a number wins and
// the stale tag forgets it, so it is re-added once its own socket appears.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "proto/error.hpp"

namespace allo::loadgen {

class ReadySockets {
 public:
  // Errors: "epoll_failed" (detail: strerror of epoll_create1).
  static proto::Result<ReadySockets> create();
  ~ReadySockets();
  ReadySockets(ReadySockets&& other) noexcept;
  ReadySockets& operator=(ReadySockets&&) = delete;
  ReadySockets(const ReadySockets&) = delete;
  ReadySockets& operator=(const ReadySockets&) = delete;

  // Makes `fd` the socket watched for readability under `tag`, replacing the
  // tag's previous socket; fd < 0 only stops watching the previous one. Cheap
  // when nothing changed (call it after every poll of the socket's owner).
  // Errors: "epoll_ctl_failed" (detail names fd and errno).
  proto::Result<void> watch(uint32_t tag, int fd);
  // The socket watched under `tag`, or -1.
  int watched(uint32_t tag) const;

  // Waits up to timeout_seconds (<= 0: no wait) and replaces `ready` with
  // the tags of readable sockets (at most max_events). Interrupted waits
  // return no tags. Errors: "epoll_wait_failed".
  proto::Result<void> wait(double timeout_seconds, size_t max_events, std::vector<uint32_t>& ready);

 private:
  explicit ReadySockets(int epoll_fd) : epoll_fd_(epoll_fd) {}
  int epoll_fd_ = -1;
  std::vector<int> fd_of_tag_;                   // -1 = none
  std::unordered_map<int, uint32_t> tag_of_fd_;  // who watches each number
  std::vector<epoll_event> events_;
  bool fine_timeouts_ = true;  // epoll_pwait2 works (else whole ms via epoll_wait)
};

}  // namespace allo::loadgen
