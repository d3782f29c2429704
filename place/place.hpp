// The place core: world state, interaction routing, place commands, intents,
// simulation and the per-client state stream. No socket code: the server loop
// feeds it events and it writes through an Outbox, so it is driven directly
// by tests and benchmarks. Not thread-safe: one event-loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>

#include "place/agent.hpp"
#include "place/outbox.hpp"
#include "place/place_hooks.hpp"
#include "place/place_metrics.hpp"
#include "place/simulation.hpp"
#include "place/state_encoder.hpp"
#include "place/state_flow.hpp"
#include "place/state_history.hpp"
#include "place/world.hpp"
#include "proto/interaction.hpp"

namespace allo::place {

struct PlaceOptions {
  std::string name = "Unnamed place";
  double announce_timeout = 10.0;  // seconds an agent may stay unannounced
  double request_timeout = 30.0;   // seconds a routed request waits for its response
  StateFlowLimits state_flow;      // per-client flow control of the state stream
};

class Place {
 public:
  // A handler for a command sent to "place" (the body's first element). It
  // answers through reply()/reply_error(). Handlers added by later features
  // (subscriptions, tracks, ...) register here instead of growing Place.
  using CommandHandler = std::function<void(Agent&, const proto::Interaction&)>;

  Place(PlaceOptions options, Outbox& out, PlaceMetrics& metrics, double now);

  // --- events from the socket layer ---
  void on_connect(AgentId id, double now);
  void on_disconnect(AgentId id);
  void on_packet(AgentId id, uint8_t channel, std::span<const uint8_t> data, double now);
  // One simulation + state step: prune deadlines, simulate, advance the clock,
  // commit a revision, send every announced agent its state message.
  void tick(double now);

  // --- extension points ---
  void register_command(const std::string& name, CommandHandler handler);
  // Sees every interaction an agent sends before it is dispatched: the
  // announce of an unannounced agent, then every interaction whose "from" the
  // agent owns (others are refused first, so a filter may trust "from").
  // Returns false to stop it (the filter answers or counts it itself). The
  // ACL installs one.
  using InteractionFilter = std::function<bool(Agent&, const proto::Interaction&)>;
  void set_interaction_filter(InteractionFilter filter) { interaction_filter_ = std::move(filter); }
  // Receives every publication from an announced agent (the subscription
  // router); without one, publications are dropped and counted.
  void set_publication_handler(CommandHandler handler);
  // When on (the default), change_components / remove_entity refuse a sender
  // that does not own the entity ("not_owner"). The ACL turns it off: its
  // default rules make the same check (answered with interaction_denied) and
  // a place owner may loosen them. Entities of the place itself are never
  // changed or removed by agents either way.
  void set_entity_ownership_check(bool on) { entity_ownership_check_ = on; }
  void reply(Agent& agent, const proto::Interaction& request, nlohmann::json body);
  void reply_error(Agent& agent, const proto::Interaction& request, std::string_view code,
                   std::string detail);
  // Extra components on the "place" entity (besides clock), e.g. endpoints.
  void set_place_component(const std::string& name, nlohmann::json value);
  // Removes a component added with set_place_component (e.g. a link went down).
  void remove_place_component(const std::string& name);
  // Adds or replaces one server-managed component (e.g. live_media) of an
  // existing entity, keeping its owner; seen in the next revision. False when
  // there is no such entity.
  bool set_entity_component(const std::string& entity, const std::string& name,
                            nlohmann::json value);
  // Observers are not owned and must outlive the Place (or be removed).
  void add_observer(PlaceObserver* observer) { observers_.push_back(observer); }
  // Replaces the default handler of channel 2 (assets) or 3 (media).
  void set_channel_handler(uint8_t channel, ChannelHandler handler);
  // Sends raw bytes to an agent (for channel handlers and links).
  void send_to_agent(AgentId to, uint8_t channel, std::string bytes, bool reliable) {
    out_.send(to, channel, std::move(bytes), reliable);
  }
  Agent* mutable_agent(AgentId id);
  const std::map<AgentId, Agent>& agents() const { return agents_; }
  PlaceMetrics& metrics() { return metrics_; }
  // Counts a rejection and logs it (warn once per agent and reason).
  void reject(Agent& agent, std::string_view reason, const std::string& detail);

  // --- inspection (tests, metrics, benchmarks) ---
  const World& world() const { return world_; }
  const Agent* agent(AgentId id) const;
  size_t agent_count() const { return agents_.size(); }
  // Serialized bytes of every entity `agent` owns (O(entities owned)).
  size_t owned_bytes(const Agent& agent) const;
  size_t pending_request_count() const { return pending_.size(); }
  const StateEncoder::TickStats& last_tick_stats() const { return encoder_.stats(); }

 private:
  struct PendingKey {
    AgentId responder;
    std::string request_id;
    std::string requester_entity;
    auto operator<=>(const PendingKey&) const = default;
  };
  struct Pending {
    AgentId requester;
    std::string responder_entity;
    double expires_at;
  };

  // channel handlers (place.cpp)
  void handle_intent(Agent& agent, std::span<const uint8_t> data);
  void handle_clock(Agent& agent, std::span<const uint8_t> data, double now);
  void handle_asset(Agent& agent, std::span<const uint8_t> data);
  void handle_media(Agent& agent, std::span<const uint8_t> data);
  void handle_command_packet(Agent& agent, std::span<const uint8_t> data, double now);
  void send_state();
  void prune(double now);
  void reply_error_raw(Agent& agent, const nlohmann::json& doc, std::string_view code,
                       std::string detail);
  void send_interaction(AgentId to, const proto::Interaction& interaction);

  // place commands (place_commands.cpp)
  void register_builtin_commands();
  void handle_announce(Agent& agent, const proto::Interaction& request);
  void handle_spawn(Agent& agent, const proto::Interaction& request);
  void handle_remove(Agent& agent, const proto::Interaction& request);
  void handle_change(Agent& agent, const proto::Interaction& request);
  // Removes an entity (cascade: with its subtree; else children become roots).
  void remove_entity(const std::string& id, bool cascade);
  std::string new_entity_id();

  // routing between agents (interaction_routing.cpp)
  void route(Agent& agent, const proto::Interaction& interaction, double now);
  void route_to_place(Agent& agent, const proto::Interaction& interaction);
  void route_response(Agent& agent, const proto::Interaction& interaction);
  void fail_pending_for(AgentId responder, std::string_view code);
  void drop_pending_from(AgentId requester);

  PlaceOptions options_;
  Outbox& out_;
  PlaceMetrics& metrics_;
  World world_;
  StateHistory history_;
  StateEncoder encoder_;
  Simulation simulation_;
  std::map<AgentId, Agent> agents_;
  std::map<PendingKey, Pending> pending_;
  std::unordered_map<std::string, CommandHandler> commands_;
  CommandHandler publication_handler_;
  InteractionFilter interaction_filter_;
  bool entity_ownership_check_ = true;
  std::vector<PlaceObserver*> observers_;
  std::map<uint8_t, ChannelHandler> channel_handlers_;
  nlohmann::json place_components_;
  double start_time_;
  double last_tick_;
  std::mt19937_64 rng_;
};

}  // namespace allo::place
