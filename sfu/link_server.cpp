#include "sfu/link_server.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "common/enet_events.hpp"
#include "common/log.hpp"
#include "common/mono_clock.hpp"
#include "proto/sfu_link.hpp"

namespace allo::sfu {

namespace {

namespace link = proto::sfu_link;

// A few peers so a restarted place can connect before the old peer times out.
constexpr size_t kLinkPeers = 4;

}  // namespace

LinkServer::LinkServer(const SfuConfig& config, std::string direct_endpoint,
                       std::vector<DirectWorker*> workers, PacketMesh& mesh, SfuMetrics& metrics)
    : direct_endpoint_(std::move(direct_endpoint)),
      workers_(std::move(workers)),
      mesh_(mesh),
      metrics_(metrics),
      fanout_(daemon_fanout_config(config), nullptr, this, stats_),
      ingress_(fanout_.registry()),
      place_socket_(config.shared_socket) {
  ENetAddress address{};
  address.port = config.link.port;
  if (enet_address_set_host_ip(&address, config.link.host.c_str()) != 0) {
    throw std::runtime_error("--link: bad host " + config.link.host);
  }
  host_ = enet_host_create(&address, kLinkPeers, link::kLinkChannelCount, 0, 0);
  if (host_ == nullptr) throw std::runtime_error("--link: cannot bind " + config.link.to_string());
  host_->maximumPacketSize = link::kMaxLinkControlBytes;
}

LinkServer::~LinkServer() {
  enet_host_destroy(host_);
}

void LinkServer::run(const std::atomic<bool>& stop) {
  stop_ = &stop;
  constexpr double kReselectSeconds = 0.02;
  double next_reselect = 0, next_metrics = 0, next_report = 0;
  constexpr int kEventsPerTurn = 1024;
  bool events_left = false;
  const size_t self = mesh_.link_thread();
  while (!stop.load(std::memory_order_relaxed)) {
    // wait: for the link socket, direct-path packets, attach reports or the
    // next timer (at most kMaxIdleWaitMs, for ENet's)
    const int wait_ms = idle_wait_ms(static_cast<double>(mono_ns()) * 1e-9,
                                     std::min({next_reselect, next_metrics, next_report}));
    const bool handover = mesh_.wake(self).wait(
        static_cast<int>(host_->socket), wait_ms,
        [&] {
          // without listeners, packets wait for the timer (they only feed levels)
          return events_left || reports_waiting() || (mesh_.urgent(self) && mesh_.depth(self) > 0);
        },
        place_socket_.poll_fd());
    // shared socket: a place handing over (or closing) its public socket
    if (handover) service_place_socket(mono_ns() * 1e-9);
    // poll + handle: control, and compatible-path media (fanned out here)
    events_left = service_events(host_, kEventsPerTurn, [&](const ENetEvent& event) {
                    handle(event, mono_ns());
                  }) >= kEventsPerTurn;
    // reports: the workers' direct-path attaches and detaches
    apply_worker_reports();
    // fan-out: direct-path packets from the workers
    mesh_.drain(self, 4096, [&](PacketRef&& packet) { fanout_.deliver(packet, mono_ns()); });
    const double now = static_cast<double>(mono_ns()) * 1e-9;
    if (now >= next_reselect) {
      fanout_.reselect(now);
      mesh_.set_urgent(self, fanout_.active_compatible_count() > 0);
      next_reselect = now + kReselectSeconds;
    }
    // send: the shared socket's datagrams, then ENet's
    send_datagrams();
    enet_host_flush(host_);
    if (now >= next_metrics) {
      service_place_socket(now);  // when never idle
      send_route_groups();
      publish_metrics();
      next_metrics = now + 0.25;
    }
    if (now >= next_report) {
      send_load_report();
      next_report = now + 1.0;
    }
  }
  if (place_ != nullptr) enet_peer_disconnect_now(place_, 0);
}

void LinkServer::handle(const ENetEvent& event, int64_t now_ns) {
  switch (event.type) {
    case ENET_EVENT_TYPE_RECEIVE: {
      const std::span<const uint8_t> bytes(event.packet->data, event.packet->dataLength);
      if (event.channelID == link::kLinkControl) {
        handle_control(event.peer, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
      } else if (event.channelID == link::kLinkMedia && event.peer == place_) {
        handle_media(bytes, now_ns);
      }
      enet_packet_destroy(event.packet);
      break;
    }
    case ENET_EVENT_TYPE_DISCONNECT:
      if (event.peer == place_) {
        log::warn("link: place disconnected; voice paused until it reconnects");
        drop_place();
      }
      break;
    default:
      break;
  }
}

void LinkServer::drop_place() {
  place_ = nullptr;
  place_socket_.release();
  routes_.clear();
  apply_everywhere(PlaceReset{});
}

void LinkServer::handle_control(ENetPeer* peer, std::string_view bytes) {
  auto message = link::decode_place_message(bytes);
  if (!message) {
    log::warn("link: control message rejected: {} ({})", message.error().code,
              message.error().detail);
    return;
  }
  if (const auto* hello = std::get_if<link::Hello>(&*message)) {
    if (place_ != nullptr && place_ != peer) {
      log::info("link: a new place connection replaces the old one");
      enet_peer_reset(place_);
      drop_place();
    }
    place_ = peer;
    if (hello->secret != secret_) {
      // Another place process, even on the same connection: its agents and
      // tracks are not the old ones.
      if (session_ > 0) apply_everywhere(PlaceReset{});
      place_socket_.release();
      routes_.clear();
      secret_ = hello->secret;
      ++session_;
    }
    apply_everywhere(LinkSecretChanged{secret_, session_});
    const std::string welcome = link::encode_sfu_message(
        link::Welcome{link::kLinkVersion, direct_endpoint_, static_cast<uint32_t>(workers_.size()),
                      place_socket_.name()});
    enet_peer_send(peer, link::kLinkControl,
                   enet_packet_create(welcome.data(), welcome.size(), ENET_PACKET_FLAG_RELIABLE));
    log::info("link: place connected");
    return;
  }
  if (peer != place_) return;  // control before hello is ignored
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, link::AgentJoined>) {
          apply_everywhere(AgentJoined{m.agent});
        } else if constexpr (std::is_same_v<T, link::AgentRouted>) {
          if (fanout_.registry().has_agent(m.agent)) set_route(m.agent, m.route);
        } else if constexpr (std::is_same_v<T, link::AgentLeft>) {
          for (const auto& [track, info] : fanout_.registry().tracks()) {
            if (info.owner_agent == m.agent) ingress_.forget(track);
          }
          routes_.erase(m.agent);
          apply_everywhere(AgentLeft{m.agent});
        } else if constexpr (std::is_same_v<T, link::TrackAdded>) {
          if (!fanout_.registry().has_agent(m.owner_agent)) {
            log::warn("link: track {} for unknown agent {} ignored", m.track, m.owner_agent);
            return;
          }
          apply_everywhere(TrackAdded{m.track, m.owner_agent, m.entity});
        } else if constexpr (std::is_same_v<T, link::TrackRemoved>) {
          ingress_.forget(m.track);
          apply_everywhere(TrackRemoved{m.track});
        } else if constexpr (std::is_same_v<T, link::Positions>) {
          PositionsUpdated update;
          for (const auto& p : m.agents) update.positions.push_back({p.agent, {p.x, p.y, p.z}});
          apply_everywhere(update);
        }
      },
      *message);
}

void LinkServer::handle_media(std::span<const uint8_t> bytes, int64_t now_ns) {
  auto message = link::parse_media_from_agent(bytes);
  if (!message) {
    stats_.drop(message.error().code == "too_large" ? DropReason::kTooLarge
                                                    : DropReason::kTooShort);
    return;
  }
  auto packet = ingress_.accept(std::string(message->agent), message->media, now_ns);
  if (!packet) {
    stats_.drop(packet.error());
    return;
  }
  ++stats_.packets_in;
  stats_.bytes_in += message->media.size();
  fanout_.deliver(*packet, now_ns);
  const size_t full = mesh_.broadcast(mesh_.link_thread(), *packet);
  for (size_t i = 0; i < full; ++i) stats_.drop(DropReason::kQueueFull);
}

void LinkServer::apply_everywhere(const ControlEvent& event) {
  fanout_.apply(event);
  for (DirectWorker* worker : workers_) {
    ControlEvent copy = event;
    // Control must not be lost: wait for room (a push wakes the worker).
    while (!worker->push_control(std::move(copy)) && !stop_->load(std::memory_order_relaxed)) {
      std::this_thread::yield();
    }
  }
}

bool LinkServer::reports_waiting() const {
  for (const DirectWorker* worker : workers_) {
    if (worker->reports_waiting()) return true;
  }
  return false;
}

void LinkServer::apply_worker_reports() {
  DirectPathChanged report;
  for (DirectWorker* worker : workers_) {
    while (worker->pop_report(report)) fanout_.apply(report);
  }
}

void LinkServer::send_compatible(const PacketRef& packet,
                                 std::span<const std::string* const> agents) {
  if (place_ == nullptr) {
    stats_.drop(DropReason::kLinkDown);
    return;
  }
  // Routed agents get the bytes straight from here on the place's socket;
  // for the others the place forwards one copy to each, and the link carries one.
  agent_views_.clear();
  const bool shared = place_socket_.socket() >= 0;
  bool added = false;
  for (const std::string* agent : agents) {
    auto route = shared ? routes_.find(*agent) : routes_.end();
    if (route == routes_.end() || !fits_datagram(route->second.datagram, packet.bytes().size())) {
      agent_views_.emplace_back(*agent);
      continue;
    }
    datagrams_.add(route->second.datagram, route->second.next_group++, packet.bytes());
    route->second.report = true;
    added = true;
  }
  if (added) datagram_packets_.push_back(packet);
  for (size_t first = 0; first < agent_views_.size(); first += link::kMaxLinkFanout) {
    const size_t count = std::min(agent_views_.size() - first, link::kMaxLinkFanout);
    const auto message =
        link::encode_media_to_agents(std::span(agent_views_).subspan(first, count), packet.bytes());
    enet_peer_send(
        place_, link::kLinkMedia,
        enet_packet_create(message.data(), message.size(), ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT));
  }
}

void LinkServer::set_route(const std::string& agent, const link::AgentRoute& route) {
  Route& r = routes_[agent];
  r.datagram.address = {};
  r.datagram.address.sin_family = AF_INET;
  r.datagram.address.sin_addr.s_addr = htonl(route.ipv4);
  r.datagram.address.sin_port = htons(route.port);
  r.datagram.header_peer = route.header_peer;
  r.datagram.mtu = route.mtu;
  r.next_group = route.first_group;
  r.report = true;  // confirms the route even before anything is sent on it
}

void LinkServer::service_place_socket(double now) {
  // Without a place, no secret matches "": any hand-over is refused and closed.
  place_socket_.service(place_ != nullptr ? secret_ : "", now);
}

void LinkServer::send_datagrams() {
  if (datagrams_.empty()) return;
  // The socket may have been given back during this pass (the place left).
  if (const int fd = place_socket_.socket(); fd >= 0) write_datagrams(fd, datagrams_.pack());
  datagrams_.clear();
  datagram_packets_.clear();
}

void LinkServer::write_datagrams(int fd, std::span<mmsghdr> messages) {
  while (!messages.empty()) {
    const int sent = ::sendmmsg(fd, messages.data(), static_cast<unsigned>(messages.size()),
                                MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent > 0) {
      messages = messages.subspan(static_cast<size_t>(sent));
      continue;
    }
    // The first datagram failed: a full send buffer drops the rest of this
    // pass; anything else drops that datagram only.
    const int error = errno;
    if (error == EINTR) continue;
    const bool full = error == EAGAIN || error == ENOBUFS;
    const size_t dropped = full ? messages.size() : 1;
    for (size_t i = 0; i < dropped; ++i) stats_.drop(DropReason::kSocketFull);
    if (!full) log::debug("shared socket: datagram refused: {}", std::strerror(error));
    messages = messages.subspan(dropped);
  }
}

void LinkServer::send_route_groups() {
  if (place_ == nullptr) return;
  link::RouteGroups report;
  for (auto& [agent, route] : routes_) {
    if (!route.report) continue;
    route.report = false;
    report.agents.emplace_back(agent, static_cast<uint16_t>(route.next_group - 1));
  }
  if (report.agents.empty()) return;
  const std::string message = link::encode_sfu_message(report);
  enet_peer_send(place_, link::kLinkControl,
                 enet_packet_create(message.data(), message.size(), ENET_PACKET_FLAG_RELIABLE));
}

void LinkServer::publish_metrics() {
  const size_t self = mesh_.link_thread();
  stats_.levels_decoded = ingress_.decoded();
  metrics_.publish(self, stats_);
  metrics_.set_queue_depth(self, mesh_.depth(self));
  metrics_.set_listeners(self, fanout_.active_compatible_count());  // paused ones listen directly
  metrics_.set_tracks(fanout_.registry().tracks().size());
  metrics_.set_shared_socket(place_socket_.socket() >= 0, routes_.size());
}

void LinkServer::send_load_report() {
  if (place_ == nullptr) return;
  const SfuTotals totals = metrics_.totals();
  const std::string report = link::encode_sfu_message(link::LoadReport{
      static_cast<uint32_t>(workers_.size()), fanout_.registry().tracks().size(), totals.listeners,
      totals.packets_in, totals.packets_out, totals.packets_dropped});
  enet_peer_send(place_, link::kLinkControl,
                 enet_packet_create(report.data(), report.size(), ENET_PACKET_FLAG_RELIABLE));
}

}  // namespace allo::sfu
