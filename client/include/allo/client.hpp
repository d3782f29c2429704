// allo::client::Client: an agent's connection to a place (the C++ SDK).
//
// Single-threaded and NOT thread-safe: the SDK starts no threads; all network
// work, timers and callbacks happen inside poll() (and run_until(), which calls
// it), on the calling thread. Call poll() often (every frame, or at least every
// 50 ms) while connected. Callbacks may call back into the Client, including
// disconnect(); they must not destroy it.
//
// Errors come back as proto::Result values (never exceptions). A call that
// returns an error never invokes its callback. Error codes: "bad_url",
// "already_connected", "not_connected", "not_announced", "send_failed", plus
// EnetConnection's connect errors ("resolve_failed", "connect_timeout", ...).
//
// Wire: channel 0 state in / intents out (unreliable), 1 interactions
// (reliable), 4 clock sync (unreliable). Every outgoing document goes through
// proto::encode_json, every incoming one through proto::decode_json.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "allo/clock_estimator.hpp"
#include "allo/request_table.hpp"
#include "allo/state_mirror.hpp"
#include "proto/error.hpp"
#include "proto/intent.hpp"
#include "proto/interaction.hpp"
#include "proto/state_header.hpp"

namespace allo::client {

class EnetConnection;

struct ClientOptions {
  double intent_rate_hz = 20;             // intents (with the state ack) per second
  double clock_interval_seconds = 1.0;    // clock-sync requests
  size_t clock_window = 16;               // clock samples kept for the estimate
  double request_timeout_seconds = 10.0;  // then ["error","timeout",...]
  // Test hook: fraction (0..1) of incoming state packets dropped before parsing,
  // drawn from an RNG seeded with state_drop_seed.
  double state_drop_fraction = 0;
  uint64_t state_drop_seed = 1;
  // false: keep no world document, only ack the newest revision received.
  // For load generators running many clients in one process (the mirror
  // costs O(world) per state packet); state() then stays empty. The header is
  // read by proto::scan_state_header, which skips the world unvalidated.
  bool mirror_state = true;
};

struct ClientStats {
  uint64_t state_packets_received = 0;  // channel 0, before the drop hook
  uint64_t state_bytes_received = 0;
  uint64_t state_packets_dropped = 0;  // by the drop hook
  uint64_t sets_applied = 0;
  uint64_t merges_applied = 0;
  uint64_t state_refused = 0;  // needs-full-state, apply-style and malformed
  uint64_t intents_sent = 0;
  uint64_t clock_replies = 0;
  uint64_t interactions_received = 0;
  uint64_t malformed_packets = 0;  // undecodable JSON or interaction on any channel
};

struct AnnounceResult {
  bool ok = false;
  std::string avatar_id;   // when ok
  std::string place_name;  // when ok
  proto::Error error;      // when !ok: the place's error code/detail, or "timeout", ...
};

using AnnounceCallback = std::function<void(const AnnounceResult&)>;
// Incoming requests, oneways, publications, and responses nobody waits for.
using InteractionHandler = std::function<void(const proto::Interaction&)>;

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();  // drops the connection without callbacks
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Blocks up to timeout_seconds for the ENet handshake with "alloplace://host[:port]".
  proto::Result<void> connect(std::string_view url, double timeout_seconds);
  // Graceful goodbye (blocks up to timeout_seconds). Pending request callbacks
  // get ["error","disconnected",...] before it returns. No-op when not connected.
  void disconnect(double timeout_seconds = 1.0);
  bool is_connected() const;
  // The OS socket (a UDP socket) of the connection, or -1 when not connected,
  // so an event loop can wait on many clients at once: when it is readable,
  // call poll(0). The Client owns it: never read, write or close it; it
  // changes (or becomes -1) across disconnect()/connect() and when the place
  // closes the connection inside poll(). Readability is not the only reason
  // to poll: keep calling poll() on the schedule above even when nothing
  // arrives (ENet resends and pings there; intents and clock sync go out).
  int socket_fd() const;

  // Sends the announce request; the callback gets the avatar id and place name.
  // Requests sent before the announce reply use "" as their from field.
  proto::Result<void> announce(const json& identity, const json& avatar_spec,
                               AnnounceCallback callback);
  bool announced() const { return !avatar_id_.empty(); }
  const std::string& avatar_id() const { return avatar_id_; }
  const std::string& place_name() const { return place_name_; }

  // A request to entity `to` ("place" for the place); returns its request id.
  // The callback gets the response body, error bodies included, or an SDK-made
  // ["error","timeout",...] / ["error","disconnected",...].
  proto::Result<std::string> request(const std::string& to, const json& body,
                                     ResponseCallback callback);
  proto::Result<void> oneway(const std::string& to, const json& body);
  // Answers an incoming request (same request id, to = its sender).
  proto::Result<void> respond(const proto::Interaction& incoming, const json& body);
  // When unset, incoming requests are answered ["error","not_handled",...].
  void on_interaction(InteractionHandler handler) { on_interaction_ = std::move(handler); }
  // Called once when the connection ends: the place closed it, it timed out,
  // or disconnect() was called (after the pending requests were failed).
  void on_disconnect(std::function<void()> handler) { on_disconnect_ = std::move(handler); }

  // Asset hook: every channel-2 packet as received (allo/asset_client.hpp
  // installs one; without it asset packets are ignored). nullptr removes it.
  void on_asset_packet(std::function<void(std::string_view)> handler) {
    on_asset_packet_ = std::move(handler);
  }
  // Asset hook: the connection ended (AssetClient fails its fetches with
  // "disconnected"); runs before on_disconnect. nullptr removes it.
  void on_assets_closed(std::function<void()> handler) { on_assets_closed_ = std::move(handler); }
  // Queues one channel-2 asset frame (reliable; poll() flushes). Errors:
  // "not_connected", "send_failed".
  proto::Result<void> send_asset_frame(std::span<const uint8_t> frame);

  // Voice hook: every channel-3 (media) packet as received, trailing byte
  // included ([u32 BE track][Opus][\n]); allo/voice_session.hpp parses them.
  // Inside the media handler: when that packet reached this client's socket
  // (mono seconds, the kernel's receive timestamp), or a negative value when
  // unknown. Not the time the application got to it.
  double media_arrival() const { return media_arrival_; }
  void on_media_packet(std::function<void(std::string_view)> handler) {
    on_media_packet_ = std::move(handler);
  }
  // Sends one channel-3 packet (unreliable) and flushes at once (media is
  // latency-bound). Errors: "not_connected", "send_failed".
  proto::Result<void> send_media_packet(std::span<const uint8_t> bytes);

  // Official interactions (specifications-interactions.md).
  proto::Result<std::string> spawn_entity(const json& spec, ResponseCallback callback);
  proto::Result<std::string> remove_entity(const std::string& entity_id, std::string_view mode,
                                           ResponseCallback callback);
  proto::Result<std::string> change_components(const std::string& entity_id,
                                               const json& add_or_change, const json& remove,
                                               ResponseCallback callback);

  // The place's world state as received on channel 0.
  const StateMirror& state() const { return mirror_; }
  void on_state_change(StateMirror::ChangeCallback callback);

  // The intent sent every tick (entity id and ack_state_rev are filled in).
  void set_intent(const proto::Intent& intent) { intent_ = intent; }
  const proto::Intent& intent() const { return intent_; }

  // Sends a clock-sync request now (one is also sent every clock interval).
  proto::Result<void> sync_clock();
  const ClockEstimator& clock() const { return clock_; }
  // Local monotonic time shifted by the best offset estimate.
  double server_time_now() const;

  // Waits up to timeout_ms for network input, handles it (callbacks run here),
  // then sends due intents / clock requests and expires requests.
  // Returns the number of packets handled, or -1 when not connected.
  int poll(int timeout_ms);
  // Polls until cond() is true (returns true) or the deadline passes or the
  // connection is gone (returns cond()).
  bool run_until(const std::function<bool()>& cond, double timeout_seconds);

  const ClientStats& stats() const { return stats_; }
  void set_state_drop(double fraction, uint64_t seed);
  const ClientOptions& options() const { return options_; }

 private:
  proto::Result<void> send_json(uint8_t channel, const json& doc, bool reliable);
  proto::Result<void> send_interaction(proto::InteractionType type, const std::string& to,
                                       const std::string& request_id, const json& body);
  void handle_packet(uint8_t channel, const std::string& data);
  void handle_state(const std::string& data);
  void handle_interaction(const std::string& data);
  void handle_clock(const std::string& data);
  void track_revision_only(const proto::StateHeader& header);
  void run_timers(double now);
  void send_intent();
  void fail_all_pending(const char* code, const std::string& detail);
  void drop_connection();

  ClientOptions options_;
  std::unique_ptr<EnetConnection> connection_;
  RequestTable requests_;
  StateMirror mirror_;
  ClockEstimator clock_;
  proto::Intent intent_;
  std::string avatar_id_, place_name_;
  InteractionHandler on_interaction_;
  std::function<void()> on_disconnect_;
  std::function<void()> on_assets_closed_;
  std::function<void(std::string_view)> on_asset_packet_;
  std::function<void(std::string_view)> on_media_packet_;
  double media_arrival_ = -1;
  StateMirror::ChangeCallback on_state_change_;
  ClientStats stats_;
  std::mt19937_64 drop_rng_;
  uint64_t unmirrored_revision_ = 0;  // ack when !options_.mirror_state
  double next_intent_ = 0, next_clock_ = 0;
};

// A random id prefix for a RequestTable, distinct per Client.
std::string make_request_id_prefix();

}  // namespace allo::client
