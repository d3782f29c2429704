// The place's end of the shared socket (proto/sfu_link.hpp): when the SFU's
// welcome names an abstract unix socket and the SFU runs on this machine,
// lend() connects to it and hands over a duplicate of the public UDP socket
// with the link secret (common/fd_passing.hpp), so the SFU can write
// compatible-path voice to agents without passing it through the event loop.
// The connection stays open while the socket is lent: closing it (withdraw,
// or this process ending) tells the SFU to close its copy at once.
//
// Thread-safety: none; the event-loop thread only.
#pragma once

#include <string>
#include <string_view>

namespace allo::place {

class SocketLender {
 public:
  // `public_fd` is the place's public UDP socket; it must outlive this.
  explicit SocketLender(int public_fd) : public_fd_(public_fd) {}
  ~SocketLender() { withdraw(); }
  SocketLender(const SocketLender&) = delete;
  SocketLender& operator=(const SocketLender&) = delete;

  // Hands the socket to the SFU listening on `relay`. False (logged) when
  // nothing listens there, as with an SFU on another machine.
  bool lend(const std::string& relay, std::string_view secret);
  void withdraw();
  bool lent() const { return connection_ >= 0; }

 private:
  int public_fd_;
  int connection_ = -1;
};

}  // namespace allo::place
