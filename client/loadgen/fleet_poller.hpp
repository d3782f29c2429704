// FleetPoller: the receive side of allo-loadgen. Drives many SDK clients and
// their voice sessions (2 ENet hosts each at most) from one thread without
// sweeping them all: it waits on their sockets (ReadySockets, epoll) and
// polls a host as soon as its socket is readable, so a packet is handled
// within microseconds of arriving instead of after half a sweep of every
// host. Readable voice sessions (direct-path media) are polled at once,
// readable clients (state, replies, compatible-path media) join a queue
// served in arrival order within a per-turn budget (set_client_budget()).
// Hosts still need polling when nothing arrives (ENet resends, acks and
// pings; the Client's 20 Hz intents, clock sync and request timeouts), so an
// UpkeepRota also polls every host once per upkeep period, spread over the
// period, skipping hosts polled recently or waiting in the queue; it also
// finds datagrams ENet left in a socket (it reads at most 256 per service).
//
// Slots: client i is slot 2i, its voice session slot 2i+1. A session's
// direct-path socket appears inside its client's poll (the token reply opens
// the link) and may change or vanish on a fallback, so a slot's socket is
// re-read after each poll of the slot and when the rota passes it.
//
// Borrows both vectors (they must outlive the poller and may grow between
// serve() calls; sessions may lag behind clients). Not thread-safe.
#pragma once

#include <deque>
#include <limits>
#include <memory>
#include <vector>

#include "allo/client.hpp"
#include "allo/voice_session.hpp"
#include "ready_sockets.hpp"
#include "upkeep_rota.hpp"

namespace allo::loadgen {

// Every host is polled at least once per this period plus half of it even
// when its socket stays quiet. 10 ms keeps ENet's resends (its resend timeout
// on loopback is a few ms of round trip plus variance), acks and 500 ms pings
// prompt, and the Client's 50 ms intent timer within 15 ms of due (the
// intent rate stays 20 Hz: the SDK schedules from the due time). Shorter
// periods cost CPU (a poll of a quiet host is ~2 syscalls) that the daemons
// measured on the same cores need.
inline constexpr double kUpkeepPeriodSeconds = 0.010;

struct FleetPollerStats {
  uint64_t ready_polls = 0;   // host polls because its socket was readable
  uint64_t upkeep_polls = 0;  // host polls by the rota
  uint64_t wakeups = 0;       // serve() calls
  uint64_t deferred = 0;      // turns that left readable clients for the next
};

class FleetPoller {
 public:
  using Clients = std::vector<std::unique_ptr<client::Client>>;
  using Sessions = std::vector<std::unique_ptr<client::VoiceSession>>;

  // Errors: "epoll_failed".
  static proto::Result<std::unique_ptr<FleetPoller>> create(
      const Clients& clients, const Sessions& sessions,
      double upkeep_period_seconds = kUpkeepPeriodSeconds);

  // One loop turn: waits until a socket is readable, the rota is due, or
  // `until` (mono_seconds; a past time does not wait); polls the readable
  // hosts, then the hosts the rota owes. Callbacks run inside. Errors:
  // "epoll_ctl_failed", "epoll_wait_failed".
  proto::Result<void> serve(double until);
  // Starts watching slot sockets that appeared outside a poll (call after
  // connect()); serve() finds them within one upkeep period anyway.
  proto::Result<void> watch_client(size_t index);

  // Most time one serve() spends on readable clients before it returns to
  // the wait (and the voice sessions); the rest stay queued, in order, for
  // the next serve(). Unlimited by default (setup: keep up with the place).
  void set_client_budget(double seconds);

  const FleetPollerStats& stats() const { return stats_; }
  // Time the last serve() spent polling (not waiting).
  double last_turn_busy_seconds() const { return last_busy_; }
  // Readable clients waiting for their poll (see set_client_budget()).
  size_t queued() const { return queued_.size(); }

 private:
  FleetPoller(const Clients& clients, const Sessions& sessions, ReadySockets sockets,
              double upkeep_period_seconds);
  size_t slot_count() const { return 2 * clients_.size(); }
  int socket_of(uint32_t slot) const;
  proto::Result<void> refresh(uint32_t slot);
  proto::Result<void> poll_slot(uint32_t slot, double now);
  void queue_client(uint32_t slot);

  const Clients& clients_;
  const Sessions& sessions_;
  ReadySockets sockets_;
  UpkeepRota rota_;
  std::vector<double> last_poll_;  // per slot, mono_seconds
  std::vector<uint32_t> ready_, due_;
  std::deque<uint32_t> queued_;       // readable clients not polled yet
  std::vector<uint8_t> queued_flag_;  // per slot: in queued_
  double client_budget_ = std::numeric_limits<double>::infinity();
  double last_busy_ = 0;
  FleetPollerStats stats_;
};

}  // namespace allo::loadgen
