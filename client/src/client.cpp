// Client: connection lifecycle, the poll loop and its timers, state and clock
// input. Interactions live in client_interactions.cpp.
#include "allo/client.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

#include "common/address.hpp"
#include "common/log.hpp"
#include "common/mono_clock.hpp"
#include "enet_connection.hpp"
#include "proto/clock.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"
#include "proto/state_message.hpp"

namespace allo::client {
namespace {

// Most packets handled in one poll(), so one call never starves the caller.
constexpr size_t kMaxPacketsPerPoll = 1024;

}  // namespace

std::string make_request_id_prefix() {
  // Safe to call from several threads (one Client per thread).
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static std::atomic<uint64_t> serial{0};
  return fmt::format("{:06x}{}", rng() & 0xffffff, ++serial);
}

Client::Client(ClientOptions options)
    : options_(options),
      requests_(make_request_id_prefix()),
      clock_(options.clock_window),
      drop_rng_(options.state_drop_seed) {
  mirror_.on_change([this](const StateChange& change) {
    if (on_state_change_) on_state_change_(change);
  });
}

Client::~Client() = default;

proto::Result<void> Client::connect(std::string_view url, double timeout_seconds) {
  if (connection_) return proto::fail("already_connected", "disconnect first");
  auto endpoint = parse_place_url(url);
  if (!endpoint)
    return proto::fail("bad_url", "expected alloplace://host[:port], got " + std::string(url));
  auto conn = EnetConnection::open(*endpoint, timeout_seconds);
  if (!conn) return std::unexpected(conn.error());
  connection_ = std::move(*conn);
  connection_->stamp_arrivals(limits::kChannelMedia);
  mirror_ = StateMirror();
  mirror_.on_change([this](const StateChange& change) {
    if (on_state_change_) on_state_change_(change);
  });
  clock_ = ClockEstimator(options_.clock_window);
  avatar_id_.clear();
  place_name_.clear();
  double now = mono_seconds();
  constexpr double kNever = std::numeric_limits<double>::infinity();
  next_intent_ = options_.intent_rate_hz > 0 ? now : kNever;
  next_clock_ = options_.clock_interval_seconds > 0 ? now : kNever;  // first sync on first poll
  return {};
}

void Client::disconnect(double timeout_seconds) {
  if (!connection_) return;
  connection_->close(timeout_seconds);
  drop_connection();
}

void Client::drop_connection() {
  connection_.reset();
  fail_all_pending("disconnected", "the connection to the place closed");
  if (on_assets_closed_) on_assets_closed_();
  if (on_disconnect_) on_disconnect_();
}

bool Client::is_connected() const {
  return connection_ && connection_->connected();
}

void Client::on_state_change(StateMirror::ChangeCallback callback) {
  on_state_change_ = std::move(callback);
}

void Client::set_state_drop(double fraction, uint64_t seed) {
  options_.state_drop_fraction = std::clamp(fraction, 0.0, 1.0);
  drop_rng_.seed(seed);
}

proto::Result<void> Client::send_json(uint8_t channel, const json& doc, bool reliable) {
  if (!is_connected()) return proto::fail("not_connected", "not connected to a place");
  if (!connection_->send(channel, proto::encode_json(doc), reliable)) {
    return proto::fail("send_failed", "ENet refused the packet");
  }
  return {};
}

proto::Result<void> Client::send_media_packet(std::span<const uint8_t> bytes) {
  if (!is_connected()) return proto::fail("not_connected", "not connected to a place");
  std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (!connection_->send(limits::kChannelMedia, view, false)) {
    return proto::fail("send_failed", "ENet refused the packet");
  }
  connection_->flush();
  return {};
}

proto::Result<void> Client::send_asset_frame(std::span<const uint8_t> frame) {
  if (!is_connected()) return proto::fail("not_connected", "not connected to a place");
  std::string_view view(reinterpret_cast<const char*>(frame.data()), frame.size());
  if (!connection_->send(limits::kChannelAssets, view, true)) {
    return proto::fail("send_failed", "ENet refused the packet");
  }
  return {};
}

proto::Result<void> Client::sync_clock() {
  return send_json(limits::kChannelClock, json{{"client_time", mono_seconds()}}, false);
}

double Client::server_time_now() const {
  return clock_.server_time_at(mono_seconds());
}

int Client::socket_fd() const {
  return connection_ ? connection_->socket_fd() : -1;
}

int Client::poll(int timeout_ms) {
  if (!is_connected()) return -1;
  // Phase 1: wait for input, but not past the next timer.
  double now = mono_seconds();
  double next_timer = next_clock_;
  if (announced()) next_timer = std::min(next_timer, next_intent_);
  int until_timer = static_cast<int>(std::max(0.0, std::ceil((next_timer - now) * 1000)));
  std::vector<EnetConnection::Packet> packets;
  bool alive =
      connection_->service(std::clamp(timeout_ms, 0, until_timer), kMaxPacketsPerPoll, packets);
  // Phase 2: handle what arrived (callbacks may disconnect us).
  int handled = 0;
  for (const auto& packet : packets) {
    if (!connection_) break;
    media_arrival_ = packet.arrival;
    handle_packet(packet.channel, packet.data);
    ++handled;
  }
  if (!alive && connection_) {
    log::info("place closed the connection");
    drop_connection();
  }
  if (!connection_) return handled;
  // Phase 3: timers, then send.
  run_timers(mono_seconds());
  if (connection_) connection_->flush();
  return handled;
}

bool Client::run_until(const std::function<bool()>& cond, double timeout_seconds) {
  const double deadline = mono_seconds() + timeout_seconds;
  while (!cond()) {
    double left = deadline - mono_seconds();
    if (left <= 0 || !is_connected()) return cond();
    poll(static_cast<int>(std::min(10.0, std::ceil(left * 1000))));
  }
  return true;
}

void Client::run_timers(double now) {
  for (auto& expired : requests_.take_expired(now)) {
    if (expired.callback) {
      expired.callback(proto::error_body(
          "timeout", fmt::format("request {} to {} got no response in {} s", expired.id, expired.to,
                                 options_.request_timeout_seconds)));
    }
    if (!connection_) return;
  }
  if (announced() && options_.intent_rate_hz > 0 && now >= next_intent_) {
    send_intent();
    next_intent_ = std::max(next_intent_ + 1.0 / options_.intent_rate_hz, now);
  }
  if (options_.clock_interval_seconds > 0 && now >= next_clock_) {
    (void)sync_clock();
    next_clock_ = now + options_.clock_interval_seconds;
  }
}

void Client::send_intent() {
  proto::Intent intent = intent_;
  intent.entity_id = avatar_id_;
  intent.ack_state_rev = options_.mirror_state ? mirror_.ack_revision() : unmirrored_revision_;
  if (send_json(limits::kChannelState, proto::to_json(intent), false)) ++stats_.intents_sent;
}

void Client::handle_packet(uint8_t channel, const std::string& data) {
  switch (channel) {
    case limits::kChannelState:
      return handle_state(data);
    case limits::kChannelCommands:
      return handle_interaction(data);
    case limits::kChannelClock:
      return handle_clock(data);
    case limits::kChannelAssets:
      if (on_asset_packet_) on_asset_packet_(data);
      return;
    case limits::kChannelMedia:
      if (on_media_packet_) on_media_packet_(data);
      return;
    default:
      return;  // assets are not handled by this SDK
  }
}

void Client::handle_state(const std::string& data) {
  ++stats_.state_packets_received;
  stats_.state_bytes_received += data.size();
  if (options_.state_drop_fraction > 0 &&
      std::uniform_real_distribution<double>(0, 1)(drop_rng_) < options_.state_drop_fraction) {
    ++stats_.state_packets_dropped;
    return;
  }
  if (!options_.mirror_state) {
    // Only the revision matters: read the header without the document.
    if (auto header = proto::scan_state_header(data)) return track_revision_only(*header);
  }
  auto doc = proto::decode_json(data, limits::kMaxPacketBytes, limits::kMaxJsonDepth);
  if (!doc) {
    ++stats_.malformed_packets;
    log::warn("state packet discarded: {} ({})", doc.error().code, doc.error().detail);
    return;
  }
  if (!options_.mirror_state) {
    auto parsed = proto::parse_state_message(*doc);
    if (!parsed) {
      ++stats_.malformed_packets;
      return;
    }
    return track_revision_only({parsed->style, parsed->revision, parsed->patch_from});
  }
  auto outcome = mirror_.apply(*doc);
  stats_.sets_applied = mirror_.sets_applied();
  stats_.merges_applied = mirror_.merges_applied();
  stats_.state_refused = mirror_.refused();
  if (outcome == StateMirror::Outcome::kNeedsFullState ||
      outcome == StateMirror::Outcome::kRefused) {
    log::debug("state unmergeable at revision {}: acking 0", mirror_.revision());
  }
}

void Client::track_revision_only(const proto::StateHeader& header) {
  if (header.style == proto::PatchStyle::kApply) {
    unmirrored_revision_ = 0;  // as the mirror does: ask for a full set
    ++stats_.state_refused;
  } else if (header.style == proto::PatchStyle::kSet) {
    unmirrored_revision_ = header.revision;
    ++stats_.sets_applied;
  } else if (header.revision > unmirrored_revision_) {
    unmirrored_revision_ = header.revision;
    ++stats_.merges_applied;
  }
}

void Client::handle_clock(const std::string& data) {
  auto doc = proto::decode_json(data, limits::kMaxClockBytes, limits::kMaxJsonDepth);
  if (!doc) {
    ++stats_.malformed_packets;
    return;
  }
  auto reply = proto::parse_clock_reply(*doc);
  if (!reply) {
    ++stats_.malformed_packets;
    return;
  }
  if (clock_.add_sample(reply->client_time, reply->server_time, mono_seconds())) {
    ++stats_.clock_replies;
  }
}

}  // namespace allo::client
