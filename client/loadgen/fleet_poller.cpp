#include "fleet_poller.hpp"

#include <algorithm>

#include "common/mono_clock.hpp"

namespace allo::loadgen {
namespace {

// The rota is served in batches at least this far apart when no socket
// wakes the loop: 2N hosts / 10 ms would otherwise wake it every few us.
constexpr double kUpkeepStepSeconds = 0.001;
// Sockets reported per wait; the rest stay on epoll's ready list.
constexpr size_t kMaxReadyPerWait = 1024;
// A poll that handled this many packets may have stopped at the SDK's
// per-poll cap with events still queued inside ENet, where epoll cannot see
// them: poll that host again, at most kMaxPollsPerReady times per wake.
// (Datagrams ENet left in the socket are found by the next arrival's edge
// or by the rota.)
constexpr int kBurstPackets = 256;
constexpr int kMaxPollsPerReady = 4;

}  // namespace

proto::Result<std::unique_ptr<FleetPoller>> FleetPoller::create(const Clients& clients,
                                                                const Sessions& sessions,
                                                                double upkeep_period_seconds) {
  auto sockets = ReadySockets::create();
  if (!sockets) return std::unexpected(sockets.error());
  return std::unique_ptr<FleetPoller>(
      new FleetPoller(clients, sessions, std::move(*sockets), upkeep_period_seconds));
}

FleetPoller::FleetPoller(const Clients& clients, const Sessions& sessions, ReadySockets sockets,
                         double upkeep_period_seconds)
    : clients_(clients),
      sessions_(sessions),
      sockets_(std::move(sockets)),
      rota_(upkeep_period_seconds) {}

int FleetPoller::socket_of(uint32_t slot) const {
  const size_t i = slot / 2;
  if (slot % 2 == 0) return i < clients_.size() ? clients_[i]->socket_fd() : -1;
  return i < sessions_.size() ? sessions_[i]->direct_socket_fd() : -1;
}

proto::Result<void> FleetPoller::refresh(uint32_t slot) {
  return sockets_.watch(slot, socket_of(slot));
}

proto::Result<void> FleetPoller::watch_client(size_t index) {
  if (auto ok = refresh(static_cast<uint32_t>(2 * index)); !ok) return ok;
  return refresh(static_cast<uint32_t>(2 * index + 1));
}

void FleetPoller::set_client_budget(double seconds) {
  client_budget_ = seconds;
}

proto::Result<void> FleetPoller::poll_slot(uint32_t slot, double now) {
  const size_t i = slot / 2;
  const bool is_client = slot % 2 == 0;
  if (i >= (is_client ? clients_.size() : sessions_.size())) return {};
  for (int round = 0; round < kMaxPollsPerReady; ++round) {
    int handled = 0;
    if (is_client) {
      handled = clients_[i]->poll(0);
    } else {
      auto& session = *sessions_[i];
      const uint64_t before = session.stats().packets_received + session.stats().malformed_packets;
      session.poll(0);
      handled = static_cast<int>(session.stats().packets_received +
                                 session.stats().malformed_packets - before);
    }
    if (handled < kBurstPackets) break;
  }
  if (last_poll_.size() <= slot) last_poll_.resize(slot + 1, -1);
  last_poll_[slot] = now;
  // A client poll may open or drop its session's direct link; either poll
  // may drop its own connection.
  if (auto ok = refresh(slot); !ok) return ok;
  if (is_client) return refresh(slot + 1);
  return {};
}

void FleetPoller::queue_client(uint32_t slot) {
  if (queued_flag_.size() <= slot) queued_flag_.resize(slot + 1, 0);
  if (queued_flag_[slot]) return;
  queued_flag_[slot] = 1;
  queued_.push_back(slot);
}

proto::Result<void> FleetPoller::serve(double until) {
  ++stats_.wakeups;
  // Phase 1: wait for new input, the rota's next batch, or `until`; no wait
  // while readable clients are queued.
  double now = mono_seconds();
  const double upkeep_at = std::max(rota_.next_due(now, slot_count()), now + kUpkeepStepSeconds);
  const double wake_at = queued_.empty() ? std::min(until, upkeep_at) : now;
  if (auto ok = sockets_.wait(wake_at - now, kMaxReadyPerWait, ready_); !ok) return ok;
  const double woke = mono_seconds();
  // Phase 2: voice sessions at once (direct-path media, cheap to handle);
  // readable clients join the queue.
  for (uint32_t slot : ready_) {
    if (slot % 2 == 0) {
      queue_client(slot);
      continue;
    }
    ++stats_.ready_polls;
    if (auto ok = poll_slot(slot, woke); !ok) return ok;
  }
  // Phase 3: queued clients (state, replies, compatible-path media) in
  // arrival order, within the budget: a place tick makes every client
  // readable at once, and parsing all their state packets in one go would
  // hold back the media arriving meanwhile for milliseconds.
  const double budget_end = mono_seconds() + client_budget_;
  while (!queued_.empty()) {
    const double t = mono_seconds();
    if (t > budget_end) {
      ++stats_.deferred;
      break;
    }
    const uint32_t slot = queued_.front();
    queued_.pop_front();
    queued_flag_[slot] = 0;
    ++stats_.ready_polls;
    if (auto ok = poll_slot(slot, t); !ok) return ok;
  }
  // Phase 4: upkeep for the hosts the rota owes, unless input polled them
  // within half a period or they wait in the queue (polling those here
  // would bypass the budget: after a long turn the rota owes every host).
  due_.clear();
  now = mono_seconds();
  rota_.take_due(now, slot_count(), due_);
  const double recent = rota_.period() / 2;
  for (uint32_t slot : due_) {
    const bool queued = slot < queued_flag_.size() && queued_flag_[slot];
    if (queued || (slot < last_poll_.size() && now - last_poll_[slot] < recent)) {
      if (auto ok = refresh(slot); !ok) return ok;
      continue;
    }
    ++stats_.upkeep_polls;
    if (auto ok = poll_slot(slot, mono_seconds()); !ok) return ok;
  }
  last_busy_ = mono_seconds() - woke;
  return {};
}

}  // namespace allo::loadgen
