// End to end: the real alloplace process on loopback, driven by SDK clients
// and a raw ENet peer. Every wait has a deadline.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "place_process.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"
#include "tests/support/enet_peer.hpp"
#include "tests/support/thread_sched.hpp"

namespace allo::testing {
namespace {

using nlohmann::json;

bool has_entity(const client::Client& c, const std::string& id) {
  const json& doc = c.state().document();
  return doc.contains("entities") && doc["entities"].contains(id);
}

TEST(PlaceE2E, TwoAgentsSeeEachOthersSpawnChangeAndRemove) {
  PlaceProcess place;
  auto a = join(place, "annie");
  auto b = join(place, "bert");
  std::vector<client::Client*> both = {a.get(), b.get()};
  // b sees a's avatar (and its child) through the state stream.
  ASSERT_TRUE(
      wait_until([&] { return has_entity(*b, a->avatar_id()); }, 5.0, [&] { poll_all(both); }));

  json spawned = call(*a, {b.get()}, "place", {"spawn_entity", {{"text", {{"string", "hello"}}}}});
  ASSERT_EQ(spawned[0], "spawn_entity") << spawned.dump();
  std::string id = spawned[1];
  ASSERT_TRUE(wait_until([&] { return has_entity(*b, id); }, 5.0, [&] { poll_all(both); }));
  EXPECT_EQ(b->state().document()["entities"][id]["components"]["text"]["string"], "hello");

  json changed = call(*a, {b.get()}, "place",
                      {"change_components",
                       id,
                       "add_or_change",
                       {{"text", {{"string", "bye"}}}},
                       "remove",
                       json::array()});
  EXPECT_EQ(changed, json::array({"change_components", "ok"}));
  ASSERT_TRUE(wait_until(
      [&] {
        return has_entity(*b, id) &&
               b->state().document()["entities"][id]["components"]["text"]["string"] == "bye";
      },
      5.0, [&] { poll_all(both); }));

  // b may not touch a's entity: the default ACL rule answers
  // ["interaction_denied", <the original interaction>, "<rule>"].
  json denied = call(*b, {a.get()}, "place", {"remove_entity", id});
  ASSERT_EQ(denied.size(), 3u) << denied.dump();
  EXPECT_EQ(denied[0], "interaction_denied");
  EXPECT_EQ(denied[1][0], "interaction");
  EXPECT_EQ(denied[1][5], json::array({"remove_entity", id}));
  EXPECT_TRUE(denied[2].is_string() && !denied[2].get<std::string>().empty());

  EXPECT_EQ(call(*a, {b.get()}, "place", {"remove_entity", id}),
            json::array({"remove_entity", "ok"}));
  ASSERT_TRUE(wait_until([&] { return !has_entity(*b, id); }, 5.0, [&] { poll_all(both); }));
}

TEST(PlaceE2E, RequestResponseAndOnewayBetweenAgents) {
  PlaceProcess place;
  auto a = join(place, "annie");
  auto b = join(place, "bert");
  std::vector<proto::Interaction> at_b;
  b->on_interaction([&](const proto::Interaction& in) {
    at_b.push_back(in);
    if (in.type == proto::InteractionType::kRequest) b->respond(in, {"poke", "ok"});
  });
  json reply = call(*a, {b.get()}, b->avatar_id(), {"poke", true});
  EXPECT_EQ(reply, json::array({"poke", "ok"}));
  ASSERT_EQ(at_b.size(), 1u);
  EXPECT_EQ(at_b[0].from, a->avatar_id());

  ASSERT_TRUE(a->oneway(b->avatar_id(), {"point", {0, 1, 0}, {0, 1, -1}}));
  ASSERT_TRUE(wait_until([&] { return at_b.size() == 2; }, 5.0,
                         [&] {
                           poll_all({a.get(), b.get()});
                         }));
  EXPECT_EQ(at_b[1].type, proto::InteractionType::kOneway);
  EXPECT_EQ(at_b[1].body[0], "point");

  // Unknown recipient: an error shaped for deployed clients.
  json err = call(*a, {b.get()}, "nobody-has-this", {"poke", true});
  EXPECT_EQ(err[0], "error");
  EXPECT_EQ(err[1], "invalid_recipient");
}

TEST(PlaceE2E, DisconnectRemovesTheAgentsEntitiesForEveryoneElse) {
  PlaceProcess place;
  auto a = join(place, "annie");
  auto b = join(place, "bert");
  std::vector<client::Client*> both = {a.get(), b.get()};
  std::string spawned = call(*a, {b.get()}, "place",
                             {"spawn_entity", {{"children", json::array({json::object()})}}})[1];
  std::string avatar = a->avatar_id();
  ASSERT_TRUE(wait_until([&] { return has_entity(*b, spawned) && has_entity(*b, avatar); }, 5.0,
                         [&] { poll_all(both); }));
  size_t before = b->state().document()["entities"].size();
  a->disconnect();
  ASSERT_TRUE(wait_until([&] { return !has_entity(*b, spawned) && !has_entity(*b, avatar); }, 5.0,
                         [&] { b->poll(5); }));
  EXPECT_EQ(b->state().document()["entities"].size(),
            before - 4);  // avatar + hand + entity + child
  EXPECT_TRUE(wait_until([&] { return place.metric("alloplace_agents_connected") == 1; }, 5.0,
                         [&] { b->poll(5); }));
}

TEST(PlaceE2E, HostileInputGetsErrorsAndOthersKeepBeingServed) {
  PlaceProcess place;
  auto good = join(place, "good");
  EnetPeer raw;
  ASSERT_TRUE(raw.connect("127.0.0.1", place.port, 5.0));
  // Sends bytes, returns the reply's body (every body is an array starting with a string).
  auto reply_body = [&](const std::string& bytes) {
    raw.send(limits::kChannelCommands, bytes);
    std::string reply = raw.next(limits::kChannelCommands, 5.0);
    good->poll(0);
    auto doc = proto::decode_json(reply, 1 << 20, 32);
    if (!doc || !doc->is_array() || doc->size() != 6) return json::array({"no reply", reply});
    EXPECT_EQ(reply.back(), '\n');
    EXPECT_TRUE((*doc)[5].is_array() && (*doc)[5][0].is_string());
    return (*doc)[5];
  };
  auto error_code = [&](const std::string& bytes) {
    return reply_body(bytes)[1].get<std::string>();
  };
  // Before announce, anything but announce is refused.
  EXPECT_EQ(error_code(R"(["interaction","request","","place","1",["spawn_entity",{}]])"),
            "not_announced");
  EXPECT_EQ(error_code("{\"cmd\": "), "malformed_json");
  EXPECT_EQ(error_code(std::string(1000, '[') + std::string(1000, ']')), "too_deep");
  EXPECT_EQ(error_code(std::string(2 * 1024 * 1024, ' ')),
            "too_large");  // arrives in ENet fragments
  EXPECT_EQ(error_code(R"(["interaction","request","","place","2",["announce","version","two"]])"),
            "unsupported_version");
  EXPECT_EQ(
      reply_body(
          R"(["interaction","request","","place","3",["announce","version",2,"identity",{},"spawn_avatar",{}]])")
          [0],
      "announce");
  // Now announced: spoofing another agent's entity is refused.
  std::string spoof = json::array({"interaction",
                                   "request",
                                   good->avatar_id(),
                                   "place",
                                   "4",
                                   {"change_components",
                                    good->avatar_id(),
                                    "add_or_change",
                                    {{"text", {{"string", "x"}}}},
                                    "remove",
                                    json::array()}})
                          .dump();
  EXPECT_EQ(error_code(spoof), "invalid_sender");
  // Responses nobody asked for are refused.
  EXPECT_EQ(error_code(
                json::array({"interaction", "response", "", good->avatar_id(), "5", {"poke", "ok"}})
                    .dump()),
            "invalid_sender");
  // The good client is unaffected.
  EXPECT_EQ(call(*good, {}, "place", {"spawn_entity", json::object()})[0], "spawn_entity");
  std::string metrics = place.metrics();
  EXPECT_GE(metric_value(metrics, "alloplace_rejected_total", "reason=\"too_large\""), 1);
  EXPECT_GE(metric_value(metrics, "alloplace_rejected_total", "reason=\"invalid_sender\""), 2);
  EXPECT_GE(metric_value(metrics, "alloplace_rejected_total", "reason=\"not_announced\""), 1);
}

TEST(PlaceE2E, AgentThatNeverAnnouncesIsDisconnected) {
  PlaceProcess place({"--announce-timeout", "0.5"});
  EnetPeer raw;
  ASSERT_TRUE(raw.connect("127.0.0.1", place.port, 5.0));
  EXPECT_TRUE(wait_until([&] { return !raw.connected(); }, 5.0, [&] { raw.poll(20); }));
}

// ENet's packet throttle drops a share of a peer's unreliable packets at the
// sending end after one late acknowledgement (common/enet_voice_peer.hpp):
// the place has ENet tell every client never to throttle down (its defaults
// are 2 and 2), so a speaker's own ENet does not drop its voice on the way
// in.
TEST(PlaceE2E, ClientsAreToldNotToThrottleTheirVoice) {
  PlaceProcess place;
  EnetPeer raw;
  ASSERT_TRUE(raw.connect("127.0.0.1", place.port, 5.0));
  EXPECT_TRUE(wait_until(
      [&] {
        return raw.peer()->packetThrottleDeceleration == 0 &&
               raw.peer()->packetThrottleAcceleration == ENET_PEER_PACKET_THROTTLE_SCALE;
      },
      5.0, [&] { raw.poll(20); }))
      << "acceleration " << raw.peer()->packetThrottleAcceleration << ", deceleration "
      << raw.peer()->packetThrottleDeceleration;
}

// Random changes by one agent while an observer loses 30% of its state
// packets: it must converge to exactly what a lossless observer sees.
TEST(PlaceE2E, LossyMirrorConvergesToTheServerState) {
  PlaceProcess place;
  auto writer = join(place, "writer");
  client::ClientOptions lossy_options;
  lossy_options.state_drop_fraction = 0.3;
  lossy_options.state_drop_seed = 7;
  auto lossy = join(place, "lossy", lossy_options);
  auto clean = join(place, "clean");
  std::vector<client::Client*> all = {writer.get(), lossy.get(), clean.get()};
  std::mt19937 rng(99);
  std::vector<std::string> ids;
  // Keep changing things until the lossy client has lost a good number of packets.
  for (int i = 0; i < 2000 && lossy->stats().state_packets_dropped < 20; ++i) {
    int op = static_cast<int>(rng() % 3);
    if (op == 0 || ids.size() < 3) {
      writer->spawn_entity({{"n", {{"v", i}}}}, [&](const json& r) {
        if (r[0] == "spawn_entity") ids.push_back(r[1]);
      });
    } else if (op == 1) {
      writer->change_components(ids[rng() % ids.size()], {{"n", {{"v", i}}}, {"m", {{"w", i * 2}}}},
                                json::array(), [](const json&) {});
    } else {
      size_t k = rng() % ids.size();
      writer->remove_entity(ids[k], "cascade", [](const json&) {});
      ids.erase(ids.begin() + static_cast<long>(k));
    }
    poll_all(all, 3);
  }
  auto without_clock = [](json doc) {
    doc["entities"].erase("place");
    doc.erase("revision");
    return doc;
  };
  ASSERT_TRUE(wait_until(
      [&] {
        return lossy->state().revision() == clean->state().revision() &&
               lossy->state().document() == clean->state().document() &&
               without_clock(clean->state().document())["entities"].size() == ids.size() + 6;
      },
      10.0, [&] { poll_all(all, 2); }))
      << "lossy rev " << lossy->state().revision() << " clean rev " << clean->state().revision();
  EXPECT_GE(lossy->stats().state_packets_dropped, 20u);
  EXPECT_GT(lossy->stats().merges_applied, 20u);
}

TEST(PlaceE2E, MetricsCountAgentsEntitiesAndTicks) {
  PlaceProcess place;
  auto a = join(place, "annie");
  // Gauges are updated by the tick after the announce.
  ASSERT_TRUE(wait_until([&] { return place.metric("alloplace_entities") == 3; }, 5.0,
                         [&] { a->poll(10); }));
  std::string m = place.metrics();
  EXPECT_EQ(metric_value(m, "alloplace_agents_announced"), 1);
  EXPECT_GT(metric_value(m, "alloplace_tick_duration_seconds_count"), 0);
  // Every tick runs in a pass, and passes also run for the client's input
  // between ticks (its announce, intents and clock requests).
  EXPECT_GT(metric_value(m, "alloplace_loop_pass_seconds_count"),
            metric_value(m, "alloplace_tick_duration_seconds_count"));
  EXPECT_GT(metric_value(m, "alloplace_loop_pass_seconds_sum"), 0);
  EXPECT_GT(metric_value(m, "alloplace_state_bytes_sent_total"), 0);
  EXPECT_EQ(metric_value(m, "alloplace_interactions_total", "command=\"announce\",result=\"ok\""),
            1);
}

TEST(PlaceE2E, RtPriorityPutsOnlyTheEventLoopUnderRoundRobinWhereAllowed) {
  // Where this machine refuses SCHED_RR, the place says so in the gauge (and
  // its log) and runs at normal priority; clients are served either way.
  // Run as root (as CI is) or with `ulimit -r 9`, this checks the thread's
  // policy; elsewhere only the fallback. The result is recorded either way.
  const bool allowed = may_use_round_robin(9);
  RecordProperty("sched_rr_allowed", allowed ? "yes" : "no");
  PlaceProcess place({"--rt-priority", "9"});
  auto a = join(place, "annie");
  EXPECT_EQ(place.metric("alloplace_rt_priority"), allowed ? 9 : 0);
  EXPECT_EQ(real_time_threads(place.pid()), allowed ? 1u : 0u)
      << "the event loop only, not the metrics server";
  EXPECT_EQ(round_robin_threads(place.pid(), 9), allowed ? 1u : 0u);
  EXPECT_GT(thread_scheds(place.pid()).size(), 1u);
}

TEST(PlaceE2E, ARealTimeLoopAboveRtMaxLoadGoesBackToNormalScheduling) {
  // A client floods the place with requests it must parse; with rt-max-load
  // at its floor (5% of a core) that load puts the loop back on SCHED_OTHER.
  // Where SCHED_RR is refused there is nothing to leave: the load is still
  // measured and nothing is demoted.
  const bool allowed = may_use_round_robin(9);
  RecordProperty("sched_rr_allowed", allowed ? "yes" : "no");
  // The flooding peer never announces: keep it from timing out meanwhile.
  PlaceProcess place({"--rt-priority", "9", "--rt-max-load", "0.05", "--announce-timeout", "60"});
  EnetPeer raw;
  ASSERT_TRUE(raw.connect("127.0.0.1", place.port, 5.0));
  json numbers = json::array();
  for (int i = 0; i < 3000; ++i) numbers.push_back(i);
  const std::string request = json::array({"interaction", "request", "", "place", "1",
                                           json::array({"spawn_entity", {{"padding", numbers}}})})
                                  .dump();
  // Each request gets an error reply (not announced); at most 32 are in
  // flight, so a slow machine is flooded as hard as it can take, no harder.
  size_t sent = 0, answered = 0;
  double max_load = 0;
  auto busy = [&] {
    max_load = std::max(max_load, place.metric("alloplace_loop_load"));
    return max_load > 0.05 && (!allowed || place.metric("alloplace_rt_demotions_total") >= 1);
  };
  ASSERT_TRUE(wait_until(busy, 20.0,
                         [&] {
                           for (; sent < answered + 32; ++sent)
                             raw.send(limits::kChannelCommands, request);
                           raw.poll(1);
                           for (const auto& packet : raw.received())
                             answered += packet.channel == limits::kChannelCommands;
                           raw.received().clear();
                         }))
      << "highest load " << max_load << ", " << answered << " of " << sent << " answered";
  EXPECT_EQ(place.metric("alloplace_rt_priority"), 0);
  EXPECT_EQ(real_time_threads(place.pid()), 0u) << "the loop left SCHED_RR";
  EXPECT_EQ(place.metric("alloplace_rt_demotions_total"), allowed ? 1 : 0)
      << "demoted once: it comes back only after 10 quiet seconds";
}

}  // namespace
}  // namespace allo::testing
