#include "sfu/place_socket.hpp"

#include <openssl/crypto.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fd_passing.hpp"
#include "common/log.hpp"
#include "sfu/direct_token.hpp"

namespace allo::sfu {

namespace {

constexpr double kHandoverSeconds = 1.0;

std::string random_name() {
  try {
    return "allo-sfu-" + random_hex(12);
  } catch (const std::exception&) {
    return {};  // no randomness: stay disabled
  }
}

bool is_udp_ipv4(int fd) {
  int type = 0, domain = 0;
  socklen_t length = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0) return false;
  length = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) != 0) return false;
  return type == SOCK_DGRAM && domain == AF_INET;
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

PlaceSocket::PlaceSocket(bool enabled) {
  if (!enabled) return;
  std::string name = random_name();
  listener_ = name.empty() ? -1 : listen_abstract(name);
  if (listener_ < 0) {
    log::warn("shared socket: cannot listen ({}); compatible-path voice goes through the place",
              std::strerror(errno));
    return;
  }
  name_ = std::move(name);
}

PlaceSocket::~PlaceSocket() {
  release();
  if (listener_ >= 0) ::close(listener_);
}

void PlaceSocket::close_connection() {
  if (connection_ >= 0) ::close(connection_);
  connection_ = -1;
}

void PlaceSocket::release() {
  close_connection();
  if (udp_ >= 0) ::close(udp_);
  udp_ = -1;
}

bool PlaceSocket::read_handover(std::string_view secret) {
  FdMessage message;
  const int error = receive_with_fd(connection_, message);
  if (error == EAGAIN) return false;
  if (error != 0) {
    if (udp_ >= 0) log::info("shared socket: the place closed it; voice goes through the place");
    const bool had = udp_ >= 0;
    release();
    return had;
  }
  if (udp_ >= 0 || message.fd < 0 || !same_secret(message.bytes, secret) ||
      !is_udp_ipv4(message.fd)) {
    if (udp_ < 0) log::warn("shared socket: hand-over refused (wrong secret or not a UDP socket)");
    if (message.fd >= 0) ::close(message.fd);
    if (udp_ < 0) close_connection();
    return false;
  }
  udp_ = message.fd;
  log::info(
      "shared socket: holding the place's public socket; compatible-path voice goes "
      "straight to its agents");
  return true;
}

bool PlaceSocket::service(std::string_view secret, double now) {
  if (listener_ < 0) return false;
  if (connection_ < 0) {
    connection_ = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (connection_ < 0) return false;
    connection_deadline_ = now + kHandoverSeconds;
  }
  const bool changed = read_handover(secret);
  if (connection_ >= 0 && udp_ < 0 && now >= connection_deadline_) close_connection();
  return changed;
}

}  // namespace allo::sfu
