#include "place/place_server.hpp"

#include <poll.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/enet_events.hpp"
#include "common/enet_voice_peer.hpp"
#include "common/log.hpp"
#include "common/mono_clock.hpp"
#include "common/realtime.hpp"
#include "common/rt_load_guard.hpp"
#include "common/socket_buffers.hpp"
#include "proto/limits.hpp"

namespace allo::place {
namespace {

// Unreliable packets larger than the MTU would otherwise go out as *reliable*
// fragments: a full state set (~100 KB for 500 entities) sent every tick to
// clients that have not acked yet would then pile up in ENet's reliable
// queues. As unreliable fragments, a lost fragment drops the whole message and
// the client simply gets the next one.
enet_uint32 packet_flags(bool reliable) {
  return reliable ? ENET_PACKET_FLAG_RELIABLE : ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT;
}

}  // namespace

PlaceServer::PlaceServer(const PlaceConfig& config, PlaceMetrics& metrics) : config_(config) {
  ENetAddress address{};
  if (enet_address_set_host(&address, config.listen.host.c_str()) != 0) {
    throw std::runtime_error("listen: cannot resolve host " + config.listen.host);
  }
  address.port = config.listen.port;
  // A local SFU may still hold the previous place's socket for a moment
  // after that process died (it closes it when their connection closes):
  // retry briefly before calling the address taken.
  const double give_up = mono_seconds() + kBindRetrySeconds;
  while (!(host_ = enet_host_create(&address, config.max_peers, limits::kChannelCount, 0, 0))) {
    if (mono_seconds() >= give_up) {
      throw std::runtime_error("listen: cannot bind UDP " + config.listen.to_string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  host_->maximumPacketSize = kEnetMaximumPacketSize;
  set_public_socket_buffers(static_cast<int>(host_->socket), "listen " + config.listen.to_string());
  slots_ = std::make_unique<PeerSlots>(host_);
  double now = mono_seconds();
  PlaceOptions options{config.name, config.announce_timeout, config.request_timeout, {}};
  options.state_flow.window = config.state_window;
  place_ = std::make_unique<Place>(options, *this, metrics, now);
  next_tick_ = now;
}

PlaceServer::~PlaceServer() {
  if (slots_) slots_->restore();
  if (host_) enet_host_destroy(host_);
}

void PlaceServer::run(const std::atomic<bool>& stop) {
  // Real-time scheduling when asked and allowed, on this thread only (the
  // metrics server's threads started before, at normal priority).
  const int priority = apply_rt_priority(config_.rt_priority, "event loop");
  place_->metrics().rt_priority.Set(priority);
  RtLoadGuard guard({.max_load = config_.rt_max_load}, priority > 0, mono_seconds(),
                    thread_cpu_seconds());
  const double period = 1.0 / config_.tick_hz;
  bool backlog = false;
  while (!stop.load(std::memory_order_relaxed)) {
    double now = mono_seconds();
    double wait = next_tick_ - now;
    // Phase 1, wait: for input on any socket, at most until the next tick.
    wait_for_input(backlog ? 0 : (wait > 0 ? static_cast<int>(wait * 1000) : 0));
    const double pass_start = mono_seconds();
    // Phase 2, handle: the public host (bounded), then every link.
    backlog = poll_network();
    now = mono_seconds();
    for (auto* s : services_) s->service(now);
    // Phase 3, simulate and send state, when the tick is due. What phase 2
    // queued (relayed voice, replies) goes out first: the tick and the flush
    // of every client's state take milliseconds with hundreds of clients.
    if (now >= next_tick_) {
      flush();
      simulate_and_send(now);
      next_tick_ += period;
      if (next_tick_ < now) next_tick_ = now + period;  // fell behind: skip, don't burst
    }
    // Phase 4, flush: hand queued packets to the sockets.
    flush();
    const double pass_end = mono_seconds();
    place_->metrics().loop_pass.Observe(pass_end - pass_start);
    // Phase 5, watch the load, once a second: a real-time loop above
    // rt-max-load goes back to normal scheduling for a while.
    if (pass_end >= guard.next_check()) watch_load(guard, priority, pass_end);
  }
  for (auto& [id, peer] : peers_) enet_peer_disconnect(peer, 0);
  flush();
}

void PlaceServer::watch_load(RtLoadGuard& guard, int priority, double now) {
  auto& metrics = place_->metrics();
  const RtLoadChange change = guard.end_window(now, thread_cpu_seconds());
  metrics.loop_load.Set(guard.load());
  if (change == RtLoadChange::kDemote) {
    if (auto ok = make_thread_normal(); !ok) {
      log::error("event loop: load {:.2f}, above rt-max-load, but {}; it stays under SCHED_RR",
                 guard.load(), ok.error().detail);
      guard.change_failed(now);  // stops asking
      return;
    }
    metrics.rt_priority.Set(0);  // before the counter: a scrape that sees one sees both
    metrics.rt_demotions.Increment();
    log::warn(
        "event loop: used {:.2f} of a core over the last second, above rt-max-load {:.2f}: back "
        "to normal scheduling until its load stays at or below {:.2f} for {:.0f} s",
        guard.load(), guard.options().max_load, guard.options().max_load / 2,
        guard.options().cooldown);
  } else if (change == RtLoadChange::kPromote) {
    if (auto ok = make_thread_realtime(priority); !ok) {
      log::warn("event loop: {}; it stays at normal priority", ok.error().detail);
      guard.change_failed(now);
      return;
    }
    metrics.rt_priority.Set(priority);
    log::info("event loop: load {:.2f}; back under SCHED_RR priority {}", guard.load(), priority);
  }
}

void PlaceServer::wait_for_input(int timeout_ms) {
  std::vector<pollfd> fds;
  fds.push_back({static_cast<int>(host_->socket), POLLIN, 0});
  for (auto* s : services_) {
    if (int fd = s->socket_fd(); fd >= 0) fds.push_back({fd, POLLIN, 0});
  }
  ::poll(fds.data(), fds.size(), timeout_ms);
}

bool PlaceServer::poll_network() {
  return service_events(host_, kMaxEventsPerPoll, [this](const ENetEvent& event) {
           handle_event(event);
         }) >= kMaxEventsPerPoll;
}

void PlaceServer::handle_event(const ENetEvent& event) {
  double now = mono_seconds();
  switch (event.type) {
    case ENET_EVENT_TYPE_CONNECT: {
      AgentId id = next_agent_++;
      event.peer->data = reinterpret_cast<void*>(static_cast<uintptr_t>(id));
      peers_[id] = event.peer;
      // A speaker's voice is not dropped by its own ENet after one late ack
      // (common/enet_voice_peer.hpp); the state stream keeps ENet's throttle.
      disable_remote_packet_throttle(event.peer);
      slots_->update();
      place_->on_connect(id, now);
      break;
    }
    case ENET_EVENT_TYPE_RECEIVE: {
      auto id = static_cast<AgentId>(reinterpret_cast<uintptr_t>(event.peer->data));
      // Handlers never throw by design; should one still do so, it costs
      // that one client its connection, not every client the place.
      try {
        place_->on_packet(id, event.channelID, {event.packet->data, event.packet->dataLength}, now);
      } catch (const std::exception& e) {
        log::error("agent {}: internal error handling a packet on channel {}: {}; disconnecting it",
                   id, event.channelID, e.what());
        place_->metrics().rejected("internal_error");
        disconnect(id);
      }
      enet_packet_destroy(event.packet);
      break;
    }
    case ENET_EVENT_TYPE_DISCONNECT: {
      auto id = static_cast<AgentId>(reinterpret_cast<uintptr_t>(event.peer->data));
      if (peers_.erase(id)) place_->on_disconnect(id);
      event.peer->data = nullptr;
      slots_->update();
      break;
    }
    case ENET_EVENT_TYPE_NONE:
      break;
  }
}

void PlaceServer::simulate_and_send(double now) {
  try {
    place_->tick(now);
  } catch (const std::exception& e) {
    log::error("internal error in the tick: {}", e.what());
    place_->metrics().rejected("internal_error");
  }
}

void PlaceServer::flush() {
  for (auto* s : services_) s->flush();
  enet_host_flush(host_);
}

void PlaceServer::send(AgentId to, uint8_t channel, std::string bytes, bool reliable) {
  auto it = peers_.find(to);
  if (it == peers_.end()) return;
  ENetPacket* packet = enet_packet_create(bytes.data(), bytes.size(), packet_flags(reliable));
  if (!packet) return;
  if (enet_peer_send(it->second, channel, packet) != 0) enet_packet_destroy(packet);
}

void PlaceServer::send_shared(std::span<const AgentId> to, uint8_t channel,
                              const std::shared_ptr<const std::string>& bytes, bool reliable) {
  // One ENet packet for every receiver: ENet reference-counts it and frees it
  // after the last peer is done with it.
  ENetPacket* packet = enet_packet_create(bytes->data(), bytes->size(), packet_flags(reliable));
  if (!packet) return;
  for (AgentId id : to) {
    auto it = peers_.find(id);
    if (it != peers_.end()) enet_peer_send(it->second, channel, packet);
  }
  if (packet->referenceCount == 0) enet_packet_destroy(packet);
}

void PlaceServer::disconnect(AgentId agent) {
  auto it = peers_.find(agent);
  if (it != peers_.end()) enet_peer_disconnect(it->second, 0);
}

}  // namespace allo::place
