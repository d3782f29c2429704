// allo-sfu's end of the shared socket (proto/sfu_link.hpp): an abstract unix
// socket, named in the link's welcome, on which a place on the same machine
// hands over a duplicate of its public UDP socket (common/fd_passing.hpp),
// authenticated by the link secret of the current place session. While the
// SFU holds that socket it writes compatible-path voice to routed agents
// itself. The connection stays open for as long as the place lends the
// socket: when it closes (the place exited or dropped the link) the socket
// is closed at once, so a restarted place can bind its port again.
//
// Thread-safety: none; the link thread's own object.
#pragma once

#include <string>
#include <string_view>

namespace allo::sfu {

class PlaceSocket {
 public:
  // Listens on a fresh random abstract name when `enabled`. When it cannot,
  // it logs a warning and stays disabled (name() empty), as when not
  // enabled: voice then goes through the place, as with an SFU on another
  // machine.
  explicit PlaceSocket(bool enabled);
  ~PlaceSocket();
  PlaceSocket(const PlaceSocket&) = delete;
  PlaceSocket& operator=(const PlaceSocket&) = delete;

  const std::string& name() const { return name_; }
  // The descriptor to poll for readiness (the connection, else the
  // listening socket), or -1 when disabled.
  int poll_fd() const { return connection_ >= 0 ? connection_ : listener_; }
  // Accepts a connection and reads its hand-over (checked against
  // `secret`); notices a closed connection. `now` in seconds: a connection
  // that sends nothing for a second is closed. Returns true when socket()
  // changed.
  bool service(std::string_view secret, double now);
  // The place's UDP socket, or -1.
  int socket() const { return udp_; }
  // Gives the socket back (the place link dropped or a new place session began).
  void release();

 private:
  void close_connection();
  bool read_handover(std::string_view secret);

  std::string name_;
  int listener_ = -1;
  int connection_ = -1;
  int udp_ = -1;
  double connection_deadline_ = 0;  // for a connection that has not handed over yet
};

}  // namespace allo::sfu
