#include "sfu/worker_wake.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <system_error>

namespace allo::sfu {

int idle_wait_ms(double now, double next_due) {
  const double ms = std::ceil((next_due - now) * 1000.0);
  if (!(ms > 0)) return 0;  // due, or NaN
  return static_cast<int>(std::min(ms, static_cast<double>(kMaxIdleWaitMs)));
}

WorkerWake::WorkerWake() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

WorkerWake::~WorkerWake() {
  close(fd_);
}

void WorkerWake::prepare_sleep() {
  sleeping_.store(true, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_seq_cst);
}

bool WorkerWake::sleep(int socket_fd, int timeout_ms, int extra_fd) {
  // poll() skips entries with a negative descriptor.
  pollfd fds[3] = {{socket_fd, POLLIN, 0}, {fd_, POLLIN, 0}, {extra_fd, POLLIN, 0}};
  ::poll(fds, 3, timeout_ms);
  sleeping_.store(false, std::memory_order_relaxed);
  if (fds[1].revents & POLLIN) {
    uint64_t count;
    [[maybe_unused]] ssize_t n = read(fd_, &count, sizeof count);
  }
  return fds[2].revents != 0;
}

void WorkerWake::wake() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (!sleeping_.load(std::memory_order_relaxed)) return;
  // Several producers may see the flag before the worker clears it: the
  // eventfd adds their writes up and one read clears them all.
  sleeping_.store(false, std::memory_order_relaxed);
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(fd_, &one, sizeof one);
  wakeups_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace allo::sfu
