#include "common/fd_passing.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace allo {

namespace {

socklen_t abstract_address(std::string_view name, sockaddr_un& address) {
  address = {};
  address.sun_family = AF_UNIX;
  // sun_path[0] stays NUL: the abstract namespace, no file on disk.
  const size_t length = std::min(name.size(), sizeof address.sun_path - 1);
  std::memcpy(address.sun_path + 1, name.data(), length);
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + length);
}

int unix_socket() {
  return ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

}  // namespace

int listen_abstract(std::string_view name) {
  const int fd = unix_socket();
  if (fd < 0) return -1;
  sockaddr_un address;
  const socklen_t length = abstract_address(name, address);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      ::listen(fd, 4) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

int connect_abstract(std::string_view name) {
  const int fd = unix_socket();
  if (fd < 0) return -1;
  sockaddr_un address;
  const socklen_t length = abstract_address(name, address);
  // A local connect completes at once or fails (EAGAIN: the backlog is full).
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

int send_with_fd(int socket, std::string_view bytes, int fd) {
  if (bytes.size() > kMaxFdMessageBytes) return EMSGSIZE;
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
  if (::sendmsg(socket, &message, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) return errno;
  return 0;
}

int receive_with_fd(int socket, FdMessage& out) {
  out = {};
  char buffer[kMaxFdMessageBytes];
  iovec iov{buffer, sizeof buffer};
  alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(socket, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (n < 0) return errno == EWOULDBLOCK ? EAGAIN : errno;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
       header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof fd);
      if (out.fd < 0)
        out.fd = fd;
      else
        ::close(fd);
    }
  }
  // An empty message is the peer's end (or carries nothing worth keeping);
  // a descriptor that came with it is closed, not leaked.
  if (n == 0 || (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
    if (out.fd >= 0) ::close(out.fd);
    out.fd = -1;
    return n == 0 ? ECONNRESET : EMSGSIZE;
  }
  out.bytes.assign(buffer, static_cast<size_t>(n));
  return 0;
}

}  // namespace allo
