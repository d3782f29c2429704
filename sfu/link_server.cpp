#include "sfu/link_server.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "common/log.hpp"
#include "proto/sfu_link.hpp"

namespace allo::sfu {

namespace {

namespace link = proto::sfu_link;

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A few peers so a restarted place can connect before the old peer times out.
constexpr size_t kLinkPeers = 4;

}  // namespace

LinkServer::LinkServer(const SfuConfig& config, std::string direct_endpoint,
                       std::vector<DirectWorker*> workers, PacketMesh& mesh, SfuMetrics& metrics)
    : direct_endpoint_(std::move(direct_endpoint)),
      workers_(std::move(workers)),
      mesh_(mesh),
      metrics_(metrics),
      ingress_(registry_) {
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
  double next_report = 0;
  constexpr int kEventsPerTurn = 1024;
  bool events_left = false;
  while (!stop.load(std::memory_order_relaxed)) {
    // wait: for the link socket or worker output, at most 1 ms (ENet timers)
    mesh_.wake(mesh_.link_source()).wait(static_cast<int>(host_->socket), 1, [&] {
      return events_left || worker_output_waiting();
    });
    // poll + handle
    ENetEvent event;
    int handled = 0;
    int got = enet_host_service(host_, &event, 0);
    // At most kEventsPerTurn events; the next one is fetched only when it
    // will be handled (an event fetched and left unhandled would be lost).
    while (got > 0) {
      handle(event, steady_ns());
      if (++handled >= kEventsPerTurn) break;
      got = enet_host_check_events(host_, &event);
    }
    // ENet may still hold received events: no sleep next turn, the socket
    // may stay quiet while they wait.
    events_left = handled >= kEventsPerTurn;
    // relay what the workers produced
    relay_worker_output();
    // send
    enet_host_flush(host_);
    const double now = static_cast<double>(steady_ns()) * 1e-9;
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
  registry_ = TrackRegistry{};
  broadcast(PlaceReset{});
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
    broadcast(LinkSecretChanged{hello->secret});
    const std::string welcome = link::encode_sfu_message(link::Welcome{
        link::kLinkVersion, direct_endpoint_, static_cast<uint32_t>(workers_.size())});
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
          registry_.add_agent(m.agent);
          broadcast(AgentJoined{m.agent});
        } else if constexpr (std::is_same_v<T, link::AgentLeft>) {
          for (uint32_t track : registry_.remove_agent(m.agent)) ingress_.forget(track);
          broadcast(AgentLeft{m.agent});
        } else if constexpr (std::is_same_v<T, link::TrackAdded>) {
          if (!registry_.add_track(m.track, m.owner_agent, m.entity)) {
            log::warn("link: track {} for unknown agent {} ignored", m.track, m.owner_agent);
            return;
          }
          broadcast(TrackAdded{m.track, m.owner_agent, m.entity});
        } else if constexpr (std::is_same_v<T, link::TrackRemoved>) {
          registry_.remove_track(m.track);
          ingress_.forget(m.track);
          broadcast(TrackRemoved{m.track});
        } else if constexpr (std::is_same_v<T, link::Positions>) {
          PositionsUpdated update;
          for (const auto& p : m.agents) update.positions.push_back({p.agent, {p.x, p.y, p.z}});
          broadcast(update);
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
  const size_t full = mesh_.broadcast(mesh_.link_source(), *packet);
  for (size_t i = 0; i < full; ++i) stats_.drop(DropReason::kQueueFull);
}

void LinkServer::broadcast(const ControlEvent& event) {
  for (DirectWorker* worker : workers_) {
    ControlEvent copy = event;
    // Control must not be lost: wait for room (workers drain every millisecond).
    while (!worker->push_control(std::move(copy)) && !stop_->load(std::memory_order_relaxed)) {
      std::this_thread::yield();
    }
  }
}

bool LinkServer::worker_output_waiting() const {
  for (const DirectWorker* worker : workers_) {
    if (worker->link_output_depth() > 0) return true;
  }
  return false;
}

void LinkServer::relay_worker_output() {
  std::vector<uint8_t> message;
  ControlEvent report;
  for (DirectWorker* worker : workers_) {
    for (int i = 0; i < 4096 && worker->pop_link_output(message); ++i) {
      if (place_ == nullptr) {
        stats_.drop(DropReason::kLinkDown);
        continue;
      }
      enet_peer_send(
          place_, link::kLinkMedia,
          enet_packet_create(message.data(), message.size(), ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT));
    }
    while (worker->pop_report(report)) broadcast(report);
  }
}

void LinkServer::send_load_report() {
  metrics_.publish(mesh_.link_source(), stats_);
  metrics_.set_tracks(registry_.tracks().size());
  if (place_ == nullptr) return;
  const SfuTotals totals = metrics_.totals();
  const std::string report = link::encode_sfu_message(link::LoadReport{
      static_cast<uint32_t>(workers_.size()), registry_.tracks().size(), totals.listeners,
      totals.packets_in, totals.packets_out, totals.packets_dropped});
  enet_peer_send(place_, link::kLinkControl,
                 enet_packet_create(report.data(), report.size(), ENET_PACKET_FLAG_RELIABLE));
}

}  // namespace allo::sfu
