#include "place/socket_lender.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fd_passing.hpp"
#include "common/log.hpp"

namespace allo::place {

bool SocketLender::lend(const std::string& relay, std::string_view secret) {
  withdraw();
  const int connection = connect_abstract(relay);
  if (connection < 0) {
    log::info("sfu link: the SFU is not on this machine ({}); voice goes through the place",
              std::strerror(errno));
    return false;
  }
  if (const int error = send_with_fd(connection, secret, public_fd_); error != 0) {
    log::warn("sfu link: cannot hand the public socket to the SFU: {}", std::strerror(error));
    ::close(connection);
    return false;
  }
  connection_ = connection;
  log::info("sfu link: public socket lent to the SFU; it sends compatible-path voice itself");
  return true;
}

void SocketLender::withdraw() {
  if (connection_ >= 0) ::close(connection_);
  connection_ = -1;
}

}  // namespace allo::place
