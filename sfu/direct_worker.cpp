#include "sfu/direct_worker.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "common/enet_events.hpp"
#include "common/enet_voice_peer.hpp"
#include "common/log.hpp"
#include "common/mono_clock.hpp"
#include "common/realtime.hpp"
#include "common/socket_buffers.hpp"
#include "proto/limits.hpp"
#include "proto/sfu_link.hpp"
#include "sfu/direct_token.hpp"

namespace allo::sfu {

namespace {

namespace link = proto::sfu_link;

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ENetHost* create_shared_host(const Endpoint& listen) {
  ENetHost* host = enet_host_create(nullptr, limits::kMaxPeers, limits::kChannelCount, 0, 0);
  if (host == nullptr) throw std::runtime_error("--listen: cannot create an ENet host");
  const int one = 1;
  ENetAddress address{};
  address.port = listen.port;
  if (setsockopt(host->socket, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
      enet_address_set_host_ip(&address, listen.host.c_str()) != 0 ||
      enet_socket_bind(host->socket, &address) != 0 ||
      enet_socket_get_address(host->socket, &host->address) != 0) {
    enet_host_destroy(host);
    throw std::runtime_error("--listen: cannot bind " + listen.to_string());
  }
  host->maximumPacketSize = limits::kMaxPacketBytes;
  set_public_socket_buffers(static_cast<int>(host->socket), "--listen " + listen.to_string());
  return host;
}

void release_packet_ref(ENetPacket* packet) {
  PacketRef::adopt_raw(packet->userData).reset();
}

}  // namespace

FanoutConfig daemon_fanout_config(const SfuConfig& config) {
  return FanoutConfig{SelectionConfig{.max_speakers = config.max_speakers}, config.radius, 8,
                      &mono_ns};
}

DirectWorker::DirectWorker(size_t index, const SfuConfig& config, const Endpoint& listen,
                           PacketMesh& mesh, SfuMetrics& metrics)
    : index_(index),
      mesh_(mesh),
      metrics_(metrics),
      host_(create_shared_host(listen)),
      slots_(host_),
      fanout_(daemon_fanout_config(config), this, nullptr, stats_),
      ingress_(fanout_.registry()),
      control_(8192),
      reports_(1024) {}

DirectWorker::~DirectWorker() {
  stop();
  slots_.restore();
  enet_host_destroy(host_);
}

void DirectWorker::start(int rt_priority) {
  thread_ = std::thread([this, rt_priority] {
    apply_rt_priority(rt_priority, fmt::format("worker {}", index_));
    run();
  });
}

void DirectWorker::stop() {
  stop_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

void DirectWorker::run() {
  constexpr double kReselectSeconds = 0.02;
  constexpr double kMetricsSeconds = 0.25;
  double next_reselect = 0, next_metrics = 0;
  constexpr int kEventsPerTurn = 1024;
  bool events_left = false;
  while (!stop_.load(std::memory_order_relaxed)) {
    // wait: for the socket, a packet or control event from another thread, or
    // the next timer (at most kMaxIdleWaitMs, for ENet's; 1 ms while reports
    // wait for room in the link thread's ring), unless work waits
    int wait_ms =
        idle_wait_ms(static_cast<double>(mono_ns()) * 1e-9, std::min(next_reselect, next_metrics));
    if (!unsent_reports_.empty()) wait_ms = std::min(wait_ms, 1);
    mesh_.wake(index_).wait(static_cast<int>(host_->socket), wait_ms, [&] {
      // without listeners, packets wait for the timer (they only feed levels)
      return events_left || control_.size_approx() > 0 ||
             (mesh_.urgent(index_) && mesh_.depth(index_) > 0);
    });
    // poll: what the socket has
    events_left = service_events(host_, kEventsPerTurn, [&](const ENetEvent& event) {
                    handle(event, mono_ns());
                  }) >= kEventsPerTurn;
    // control: registry changes from the link thread, in order; attach reports back
    drain_control();
    flush_reports();
    // fan-out: packets that arrived on other workers or on the link
    mesh_.drain(index_, 4096, [&](PacketRef&& packet) { fanout_.deliver(packet, mono_ns()); });
    const double now = static_cast<double>(mono_ns()) * 1e-9;
    if (now >= next_reselect) {
      fanout_.reselect(now);
      mesh_.set_urgent(index_, fanout_.listener_count() > 0);
      next_reselect = now + kReselectSeconds;
    }
    // send
    enet_host_flush(host_);
    if (now >= next_metrics) {
      publish_metrics(now);
      next_metrics = now + kMetricsSeconds;
    }
  }
  for (auto& [peer, agent] : agents_) enet_peer_disconnect_now(peer, 0);
}

void DirectWorker::handle(const ENetEvent& event, int64_t now_ns) {
  switch (event.type) {
    case ENET_EVENT_TYPE_RECEIVE: {
      const std::span<const uint8_t> bytes(event.packet->data, event.packet->dataLength);
      if (event.channelID == limits::kChannelMedia) {
        handle_media(event.peer, bytes, now_ns);
      } else if (event.channelID == limits::kChannelState && !agents_.contains(event.peer)) {
        handle_hello(event.peer, bytes);
      }
      enet_packet_destroy(event.packet);
      break;
    }
    case ENET_EVENT_TYPE_CONNECT:
      slots_.update();
      disable_packet_throttle(event.peer);
      set_voice_ping_interval(event.peer);
      break;
    case ENET_EVENT_TYPE_DISCONNECT: {
      slots_.update();
      auto it = agents_.find(event.peer);
      if (it == agents_.end()) break;
      fanout_.detach_direct(reinterpret_cast<uint64_t>(event.peer));
      report(DirectPathChanged{it->second, false, fanout_.session()});
      agents_.erase(it);
      break;
    }
    default:
      break;
  }
}

void DirectWorker::handle_hello(ENetPeer* peer, std::span<const uint8_t> bytes) {
  auto send_reliable = [&](const std::string& text) {
    enet_peer_send(peer, limits::kChannelState,
                   enet_packet_create(text.data(), text.size(), ENET_PACKET_FLAG_RELIABLE));
  };
  // The link thread queued the secret before it sent the place its welcome,
  // and the place hands out tokens only after that: draining the ring now
  // makes the secret visible to any hello that carries a token.
  drain_control();
  auto hello =
      link::decode_direct_hello({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  std::string reason;
  if (!hello) {
    reason = "bad_hello";
  } else if (secret_.empty()) {
    reason = "sfu_not_ready";
  } else if (auto agent = verify_direct_token(secret_, hello->token, unix_seconds()); !agent) {
    reason = agent.error().code;
  } else {
    agents_[peer] = *agent;
    fanout_.attach_direct(reinterpret_cast<uint64_t>(peer), *agent);
    mesh_.set_urgent(index_, true);
    report(DirectPathChanged{*agent, true, fanout_.session()});
    send_reliable(link::encode_direct_welcome(*agent));
    log::info("worker {}: direct-path peer authenticated as {}", index_, *agent);
    return;
  }
  log::info("worker {}: direct-path hello refused: {}", index_, reason);
  send_reliable(link::encode_direct_refused(reason));
  enet_peer_disconnect_later(peer, 0);
}

void DirectWorker::handle_media(ENetPeer* peer, std::span<const uint8_t> bytes, int64_t now_ns) {
  auto it = agents_.find(peer);
  if (it == agents_.end()) {
    stats_.drop(DropReason::kUnauthenticated);
    return;
  }
  auto packet = ingress_.accept(it->second, bytes, now_ns);
  if (!packet) {
    stats_.drop(packet.error());
    return;
  }
  ++stats_.packets_in;
  stats_.bytes_in += bytes.size();
  fanout_.deliver(*packet, now_ns);
  const size_t full = mesh_.broadcast(index_, *packet);
  for (size_t i = 0; i < full; ++i) stats_.drop(DropReason::kQueueFull);
}

bool DirectWorker::push_control(ControlEvent&& event) {
  if (!control_.try_push(std::move(event))) return false;
  mesh_.wake(index_).wake();
  return true;
}

void DirectWorker::drain_control() {
  ControlEvent control;
  for (int i = 0; i < 4096 && control_.try_pop(control); ++i) apply(control);
}

void DirectWorker::apply(const ControlEvent& event) {
  if (const auto* secret = std::get_if<LinkSecretChanged>(&event)) {
    secret_ = secret->secret;
    if (secret->session != fanout_.session()) {
      // A new place session: the old one's agents are gone, and so is the
      // right of its direct-path peers to hear this one.
      if (!agents_.empty()) {
        log::info("worker {}: new place session; disconnecting {} direct-path peers", index_,
                  agents_.size());
      }
      for (auto& [peer, agent] : agents_) enet_peer_disconnect_later(peer, 0);
      agents_.clear();  // their disconnects are not reported: the link starts afresh too
    }
    log::debug("worker {}: link secret set (session {})", index_, secret->session);
  }
  if (const auto* removed = std::get_if<TrackRemoved>(&event)) ingress_.forget(removed->track);
  if (const auto* left = std::get_if<AgentLeft>(&event)) {
    // Gone from the place, gone from its voice; the disconnect is reported
    // like any other, which keeps the link thread's attach count exact.
    for (auto& [peer, agent] : agents_) {
      if (agent == left->agent) enet_peer_disconnect_later(peer, 0);
    }
  }
  fanout_.apply(event);
}

void DirectWorker::send_direct(const PacketRef& packet, std::span<const uint64_t> handles) {
  // One ENet packet for all of this worker's peers, pointing at the shared
  // bytes; it holds one reference, released when ENet frees the packet.
  ENetPacket* enet_packet = enet_packet_create(packet.bytes().data(), packet.bytes().size(),
                                               ENET_PACKET_FLAG_NO_ALLOCATE);
  if (enet_packet == nullptr) return;
  enet_packet->userData = PacketRef(packet).release_raw();
  enet_packet->freeCallback = release_packet_ref;
  for (uint64_t handle : handles) {
    enet_peer_send(reinterpret_cast<ENetPeer*>(handle), limits::kChannelMedia, enet_packet);
  }
  if (enet_packet->referenceCount == 0) enet_packet_destroy(enet_packet);
}

void DirectWorker::report(DirectPathChanged report) {
  unsent_reports_.push_back(std::move(report));
  flush_reports();
}

void DirectWorker::flush_reports() {
  // In order, and never dropped: a lost report would leave an agent hearing
  // everyone twice, or nothing on the compatible path.
  bool pushed = false;
  while (!unsent_reports_.empty() &&
         reports_.try_push(DirectPathChanged(unsent_reports_.front()))) {
    unsent_reports_.pop_front();
    pushed = true;
  }
  if (pushed) mesh_.wake(mesh_.link_thread()).wake();
}

void DirectWorker::publish_metrics(double now_seconds) {
  stats_.levels_decoded = ingress_.decoded();
  metrics_.publish(index_, stats_);
  metrics_.set_queue_depth(index_, mesh_.depth(index_));
  metrics_.set_listeners(index_, fanout_.listener_count());
  if (index_ == 0) metrics_.set_speakers(fanout_.active_speaker_count(now_seconds));
}

}  // namespace allo::sfu
