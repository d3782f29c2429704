#include "ready_sockets.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <utility>

namespace allo::loadgen {

proto::Result<ReadySockets> ReadySockets::create() {
  const int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return proto::fail("epoll_failed", std::strerror(errno));
  return ReadySockets(fd);
}

ReadySockets::~ReadySockets() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

ReadySockets::ReadySockets(ReadySockets&& other) noexcept
    : epoll_fd_(std::exchange(other.epoll_fd_, -1)),
      fd_of_tag_(std::move(other.fd_of_tag_)),
      tag_of_fd_(std::move(other.tag_of_fd_)),
      events_(std::move(other.events_)),
      fine_timeouts_(other.fine_timeouts_) {}

int ReadySockets::watched(uint32_t tag) const {
  return tag < fd_of_tag_.size() ? fd_of_tag_[tag] : -1;
}

proto::Result<void> ReadySockets::watch(uint32_t tag, int fd) {
  if (tag >= fd_of_tag_.size()) fd_of_tag_.resize(tag + 1, -1);
  const int previous = fd_of_tag_[tag];
  if (previous == fd) return {};
  fd_of_tag_[tag] = -1;
  if (auto it = tag_of_fd_.find(previous); it != tag_of_fd_.end() && it->second == tag) {
    // Fails harmlessly (ENOENT/EBADF) when the socket is already closed.
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, previous, nullptr);
    tag_of_fd_.erase(it);
  }
  if (fd < 0) return {};
  if (auto it = tag_of_fd_.find(fd); it != tag_of_fd_.end()) {
    // The number's previous socket (another tag's) was closed and reused.
    fd_of_tag_[it->second] = -1;
    tag_of_fd_.erase(it);
  }
  epoll_event event{};
  event.events = EPOLLIN | EPOLLET;
  event.data.u32 = tag;
  int rc = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  if (rc != 0 && errno == EEXIST) rc = epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
  if (rc != 0) {
    return proto::fail("epoll_ctl_failed",
                       fmt::format("watching fd {}: {}", fd, std::strerror(errno)));
  }
  fd_of_tag_[tag] = fd;
  tag_of_fd_[fd] = tag;
  return {};
}

proto::Result<void> ReadySockets::wait(double timeout_seconds, size_t max_events,
                                       std::vector<uint32_t>& ready) {
  ready.clear();
  events_.resize(std::max<size_t>(1, max_events));
  const int capacity = static_cast<int>(events_.size());
  const double timeout = std::max(0.0, timeout_seconds);
  int n = -1;
  if (fine_timeouts_) {
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(timeout);
    ts.tv_nsec = static_cast<long>((timeout - static_cast<double>(ts.tv_sec)) * 1e9);
    n = epoll_pwait2(epoll_fd_, events_.data(), capacity, &ts, nullptr);
    if (n < 0 && errno == ENOSYS) fine_timeouts_ = false;  // kernel < 5.11
  }
  if (!fine_timeouts_) {
    n = epoll_wait(epoll_fd_, events_.data(), capacity,
                   static_cast<int>(std::ceil(timeout * 1000)));
  }
  if (n < 0) {
    if (errno == EINTR) return {};
    return proto::fail("epoll_wait_failed", std::strerror(errno));
  }
  for (int i = 0; i < n; ++i) ready.push_back(events_[i].data.u32);
  return {};
}

}  // namespace allo::loadgen
