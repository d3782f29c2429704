// Wakes a fan-out thread (a worker or the link thread) that sleeps in poll()
// when another thread queued a packet, a report or a control event for it,
// so what crosses threads waits microseconds, not the rest of a poll timeout
// (up to kMaxIdleWaitMs).
//
// One eventfd per worker plus a `sleeping` flag, so producers pay a write(2)
// only while the worker actually sleeps. The handshake is the classic
// store-fence-load pair on both sides:
//   worker:   sleeping = true;  fence(seq_cst);  check its rings; poll()
//   producer: push to a ring;   fence(seq_cst);  if (sleeping) write(eventfd)
// At least one side sees the other's store: either the worker finds the
// packet before it polls, or the producer sees `sleeping` and wakes it.
//
// Thread-safety: wake() from any thread; the rest from the worker's thread.
#pragma once

#include <atomic>

namespace allo::sfu {

// The longest a fan-out thread sleeps with nothing to do: long enough that an
// idle thread costs few wake-ups (each is a context switch plus a pass over
// every ENet peer), short enough for ENet's own timers (pings every 2 s on
// the direct path, resends after a round trip of tens of milliseconds).
// Everything else that needs the thread wakes it: its socket, a packet or a
// control event from another thread.
inline constexpr int kMaxIdleWaitMs = 10;

// Milliseconds from `now` until `next_due` (seconds, same clock), rounded up
// and clamped to 0..kMaxIdleWaitMs: the sleep of a thread whose next timer
// is due then.
int idle_wait_ms(double now, double next_due);

class WorkerWake {
 public:
  // Throws std::system_error when no eventfd can be created.
  WorkerWake();
  ~WorkerWake();
  WorkerWake(const WorkerWake&) = delete;
  WorkerWake& operator=(const WorkerWake&) = delete;

  // Worker: sleeps until `socket_fd` is readable, wake() is called, or
  // timeout_ms passes, unless has_work() (checked after announcing the
  // sleep, so a packet queued meanwhile is either seen or wakes it) says
  // there is something to do already. `extra_fd` (ignored when negative) is
  // polled too; returns whether it was found ready (readable or closed).
  template <class HasWork>
  bool wait(int socket_fd, int timeout_ms, HasWork&& has_work, int extra_fd = -1) {
    prepare_sleep();
    if (has_work()) {
      sleeping_.store(false, std::memory_order_relaxed);
      return false;
    }
    return sleep(socket_fd, timeout_ms, extra_fd);
  }

  // Producer: after pushing to one of the worker's queues.
  void wake();

  uint64_t wakeups() const { return wakeups_.load(std::memory_order_relaxed); }

 private:
  void prepare_sleep();
  // Clears `sleeping` and any pending wake-up after the poll.
  bool sleep(int socket_fd, int timeout_ms, int extra_fd);

  int fd_;
  std::atomic<bool> sleeping_{false};
  std::atomic<uint64_t> wakeups_{0};
};

}  // namespace allo::sfu
