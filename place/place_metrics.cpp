#include "place/place_metrics.hpp"

#include <array>

#include "common/metrics_server.hpp"

namespace allo::place {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

constexpr std::array<std::string_view, 14> kOfficialCommands = {
    "announce",   "spawn_entity", "remove_entity",  "change_components",
    "subscribe",  "unsubscribe",  "allocate_track", "point",
    "point-exit", "poke",         "launch_app",     "interaction_denied",
    "error",      "acl"};

std::string_view command_label(std::string_view command) {
  for (auto c : kOfficialCommands) {
    if (c == command) return c;
  }
  return "other";
}

}  // namespace

PlaceMetrics::PlaceMetrics(prometheus::Registry& r)
    : agents_connected(BuildGauge()
                           .Name("alloplace_agents_connected")
                           .Help("Connected ENet peers")
                           .Register(r)
                           .Add({})),
      agents_announced(BuildGauge()
                           .Name("alloplace_agents_announced")
                           .Help("Agents that announced")
                           .Register(r)
                           .Add({})),
      entities(BuildGauge()
                   .Name("alloplace_entities")
                   .Help("Entities in the world")
                   .Register(r)
                   .Add({})),
      revision(BuildGauge()
                   .Name("alloplace_state_revision")
                   .Help("Current world revision")
                   .Register(r)
                   .Add({})),
      pending_requests(BuildGauge()
                           .Name("alloplace_pending_requests")
                           .Help("Routed requests awaiting a response")
                           .Register(r)
                           .Add({})),
      rt_priority(BuildGauge()
                      .Name("alloplace_rt_priority")
                      .Help("SCHED_RR priority of the event loop (0: normal scheduling)")
                      .Register(r)
                      .Add({})),
      loop_load(BuildGauge()
                    .Name("alloplace_loop_load")
                    .Help("CPU seconds the event loop used per second, over the last second "
                          "(1 = a whole core)")
                    .Register(r)
                    .Add({})),
      rt_demotions(BuildCounter()
                       .Name("alloplace_rt_demotions_total")
                       .Help("Times the event loop left SCHED_RR because its load was above "
                             "rt-max-load")
                       .Register(r)
                       .Add({})),
      tick_duration(BuildHistogram()
                        .Name("alloplace_tick_duration_seconds")
                        .Help("Time spent in one simulation+state tick")
                        .Register(r)
                        .Add({}, allo::latency_buckets_seconds())),
      loop_pass(
          BuildHistogram()
              .Name("alloplace_loop_pass_seconds")
              .Help("Time the event loop spent on one pass (input, links, the tick when due, "
                    "flush), its wait excluded: packets that arrive during a pass wait for it")
              .Register(r)
              .Add({}, allo::latency_buckets_seconds())),
      clock_replies(BuildCounter()
                        .Name("alloplace_clock_replies_total")
                        .Help("Clock sync replies")
                        .Register(r)
                        .Add({})),
      intents(BuildCounter()
                  .Name("alloplace_intents_total")
                  .Help("Intents received")
                  .Register(r)
                  .Add({})),
      state_patches_built(
          BuildCounter()
              .Name("alloplace_state_patches_built_total")
              .Help("Distinct state messages built (each shared by all clients needing it)")
              .Register(r)
              .Add({})),
      state_clients_held(
          BuildGauge()
              .Name("alloplace_state_clients_held")
              .Help("Clients whose state stream the last tick held back (too many unacknowledged "
                    "revisions)")
              .Register(r)
              .Add({})),
      state_held(BuildCounter()
                     .Name("alloplace_state_held_total")
                     .Help("State messages not sent because the client had too many "
                           "unacknowledged revisions (one per client and tick)")
                     .Register(r)
                     .Add({})),
      state_probes(BuildCounter()
                       .Name("alloplace_state_probes_total")
                       .Help("State messages sent to a held client as a probe")
                       .Register(r)
                       .Add({})),
      interactions_(BuildCounter()
                        .Name("alloplace_interactions_total")
                        .Help("Interactions handled, by type, command and result")
                        .Register(r)),
      rejected_(BuildCounter()
                    .Name("alloplace_rejected_total")
                    .Help("Bad input dropped or answered with an error, by reason")
                    .Register(r)),
      state_bytes_(BuildCounter()
                       .Name("alloplace_state_bytes_sent_total")
                       .Help("State bytes sent")
                       .Register(r)),
      state_packets_(BuildCounter()
                         .Name("alloplace_state_packets_sent_total")
                         .Help("State packets sent")
                         .Register(r)) {
  set_bytes_ = &state_bytes_.Add({{"style", "set"}});
  merge_bytes_ = &state_bytes_.Add({{"style", "merge"}});
  set_packets_ = &state_packets_.Add({{"style", "set"}});
  merge_packets_ = &state_packets_.Add({{"style", "merge"}});
}

void PlaceMetrics::interaction(std::string_view type, std::string_view command,
                               std::string_view result) {
  std::string_view cmd = command_label(command);
  std::string key = std::string(type) + '\x1f' + std::string(cmd) + '\x1f' + std::string(result);
  auto it = interaction_children_.find(key);
  if (it == interaction_children_.end()) {
    auto& c = interactions_.Add({{"type", std::string(type)},
                                 {"command", std::string(cmd)},
                                 {"result", std::string(result)}});
    it = interaction_children_.emplace(key, &c).first;
  }
  it->second->Increment();
}

void PlaceMetrics::rejected(std::string_view reason) {
  auto it = rejected_children_.find(reason);
  if (it == rejected_children_.end()) {
    it = rejected_children_
             .emplace(std::string(reason), &rejected_.Add({{"reason", std::string(reason)}}))
             .first;
  }
  it->second->Increment();
}

void PlaceMetrics::state_sent(bool full_set, size_t bytes, size_t packets) {
  (full_set ? set_bytes_ : merge_bytes_)->Increment(static_cast<double>(bytes));
  (full_set ? set_packets_ : merge_packets_)->Increment(static_cast<double>(packets));
}

void PlaceMetrics::state_flow(size_t held, size_t probes) {
  state_clients_held.Set(static_cast<double>(held));
  state_held.Increment(static_cast<double>(held));
  state_probes.Increment(static_cast<double>(probes));
}

}  // namespace allo::place
