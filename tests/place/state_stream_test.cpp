// The per-client state stream: set vs merge by acked revision, sharing of
// bytes between clients, and a client mirror that stays equal to the world.
#include <array>
#include <deque>
#include <map>
#include <random>

#include "allo/state_mirror.hpp"
#include "place/state_encoder.hpp"
#include "place_fixture.hpp"
#include "proto/intent.hpp"
#include "proto/state_message.hpp"

namespace allo::place::testing {
namespace {

using StateStream = PlaceFixture;

void ack(PlaceFixture& f, AgentId id, uint64_t rev) {
  proto::Intent in;
  in.ack_state_rev = rev;
  f.send_raw(id, limits::kChannelState, proto::encode_json(proto::to_json(in)));
}

// The world as clients see it.
json world_doc(const World& w) {
  json ents = json::object();
  for (const auto& [id, rec] : w.records()) ents[id] = rec.value->doc;
  return {{"entities", ents}, {"revision", w.revision()}};
}

TEST_F(StateStream, NewClientGetsSetThenMergeFromItsAck) {
  std::string a = join(1);
  out.clear();
  place.tick(now + 0.05);
  auto first = out.to(1, limits::kChannelState);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_FALSE(first[0].reliable);
  EXPECT_EQ(first[0].bytes->back(), '\n');  // deployed clients overwrite the last byte
  auto msg = proto::parse_state_message(first[0].json());
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->style, proto::PatchStyle::kSet);
  EXPECT_TRUE(msg->payload["entities"].contains(a));
  EXPECT_EQ(msg->payload["entities"][a]["id"], a);
  EXPECT_TRUE(msg->payload["entities"][a]["components"].is_object());

  ack(*this, 1, msg->revision);
  out.clear();
  place.tick(now + 0.10);
  auto second = proto::parse_state_message(out.to(1, limits::kChannelState).at(0).json());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->style, proto::PatchStyle::kMerge);
  EXPECT_EQ(second->patch_from, msg->revision);
  // Only the clock changed.
  EXPECT_EQ(second->payload["entities"].size(), 1u);
  EXPECT_TRUE(second->payload["entities"]["place"]["components"].contains("clock"));
}

TEST_F(StateStream, ClientsThatAckedTheSameRevisionShareOneBuffer) {
  for (AgentId id = 1; id <= 5; ++id) join(id);
  place.tick(now + 0.05);
  uint64_t rev = place.world().revision();
  for (AgentId id = 1; id <= 5; ++id) ack(*this, id, id <= 3 ? rev : 0);
  out.clear();
  place.tick(now + 0.10);
  std::set<const std::string*> buffers;
  for (AgentId id = 1; id <= 5; ++id)
    buffers.insert(out.to(id, limits::kChannelState).at(0).bytes.get());
  EXPECT_EQ(buffers.size(), 2u);  // one merge for 1..3, one set for 4..5
  EXPECT_EQ(place.last_tick_stats().patches_built, 1u);
  EXPECT_EQ(place.last_tick_stats().sets_built, 1u);
}

// A client acknowledging a revision 64 or more older than what it was sent
// may no longer hold it: it is held (too much in flight), and the probe that
// follows is the full set.
TEST_F(StateStream, AnAckTheClientMayNoLongerHoldGetsAFullSet) {
  join(1);
  for (int i = 1; i <= 80; ++i) place.tick(now + 0.05 * i);
  uint64_t old = place.world().revision() - 70;
  ack(*this, 1, old);
  out.clear();
  double t = now + 4;
  for (int i = 1; i <= 200 && out.to(1, limits::kChannelState).empty(); ++i) {
    place.tick(t += 0.05);
  }
  EXPECT_EQ(proto::parse_state_message(out.to(1, limits::kChannelState).at(0).json())->style,
            proto::PatchStyle::kSet);
  EXPECT_EQ(metrics.state_probes.Value(), 1);
  ack(*this, 1, place.world().revision() + 1000);  // a revision from the future
  out.clear();
  place.tick(t + 0.05);
  EXPECT_EQ(proto::parse_state_message(out.to(1, limits::kChannelState).at(0).json())->style,
            proto::PatchStyle::kSet);
}

TEST_F(StateStream, IdleClientsGetOnlyTheClockAndItIsSmall) {
  for (AgentId id = 1; id <= 3; ++id) join(id);
  place.tick(now + 0.05);
  for (AgentId id = 1; id <= 3; ++id) ack(*this, id, place.world().revision());
  out.clear();
  place.tick(now + 0.10);
  auto packet = out.to(1, limits::kChannelState).at(0);
  // 20 Hz * this size must stay far under the 6 KB/s per idle client target.
  EXPECT_LT(packet.bytes->size(), 200u) << *packet.bytes;
}

// Random changes by two agents, a client that loses packets and acks what
// it applied; its mirror must equal the world after every applied message.
TEST_F(StateStream, MirrorFollowsRandomChangesDespiteLoss) {
  std::string a = join(1), b = join(2);
  std::mt19937 rng(1234);
  std::vector<std::string> spawned;
  client::StateMirror mirror;  // the SDK's: ack 0 after an unmergeable patch
  int sets = 0, merges = 0;
  for (int step = 1; step <= 400; ++step) {
    int action = rng() % 4;
    if (action == 0 || spawned.empty()) {
      send(1, request(1, a, "place", "s" + std::to_string(step),
                      {"spawn_entity", {{"text", {{"string", std::to_string(rng())}}}}}));
      spawned.push_back(body(1)[1]);
    } else if (action == 1) {
      std::string id = spawned[rng() % spawned.size()];
      send(1, request(1, a, "place", "c" + std::to_string(step),
                      {"change_components",
                       id,
                       "add_or_change",
                       {{"text", {{"string", std::to_string(rng())}}}, {"n", {{"v", step}}}},
                       "remove",
                       json::array()}));
    } else if (action == 2 && spawned.size() > 3) {
      size_t i = rng() % spawned.size();
      send(1, request(1, a, "place", "r" + std::to_string(step), {"remove_entity", spawned[i]}));
      spawned.erase(spawned.begin() + static_cast<long>(i));
    }
    out.clear();
    place.tick(now + 0.05 * step);
    auto packets = out.to(2, limits::kChannelState);
    ASSERT_EQ(packets.size(), 1u);
    if (rng() % 10 < 3) continue;  // 30% of state packets lost
    auto msg = proto::parse_state_message(packets[0].json());
    ASSERT_TRUE(msg);
    auto outcome = mirror.apply(packets[0].json());
    ASSERT_NE(outcome, client::StateMirror::Outcome::kMalformed);
    if (outcome == client::StateMirror::Outcome::kApplied) {
      ++(msg->style == proto::PatchStyle::kSet ? sets : merges);
      ASSERT_EQ(mirror.document(), world_doc(place.world())) << "step " << step;
    }
    if (rng() % 10 < 8) ack(*this, 2, mirror.ack_revision());  // acks get lost too
  }
  EXPECT_GT(merges, 200);
  EXPECT_GE(sets, 1);
}

proto::PatchStyle style_of(const SentPacket& p) {
  return proto::parse_state_message(p.json())->style;
}

// A client that stops acknowledging gets `window` messages, then probes at
// doubling intervals; once its acknowledgement may be gone from its history
// the probes are full sets. Nothing every tick.
TEST_F(StateStream, AClientThatStopsAckingIsHeldAndProbedWithBackoff) {
  const StateFlowLimits limits;
  join(1);
  place.tick(now + 0.05);
  ack(*this, 1, place.world().revision());
  out.clear();
  const int ticks = 200;  // 10 s
  for (int i = 2; i < 2 + ticks; ++i) place.tick(now + 0.05 * i);
  auto packets = out.to(1, limits::kChannelState);
  // Probes after 0.25, 0.75, 1.75, 3.75 and 7.75 s of silence.
  ASSERT_EQ(packets.size(), limits.window + 5);
  size_t sets = 0;
  for (const auto& p : packets) sets += style_of(p) == proto::PatchStyle::kSet;
  EXPECT_EQ(sets, 2u) << "the probes after the acknowledged revision may be gone";
  EXPECT_EQ(metrics.state_probes.Value(), 5);
  EXPECT_EQ(metrics.state_held.Value(), ticks - limits.window - 5);
  EXPECT_EQ(metrics.state_clients_held.Value(), 1);

  // The ack moves to the last probe: the stream resumes at once, as a merge.
  ack(*this, 1, proto::parse_state_message(packets.back().json())->revision);
  out.clear();
  place.tick(now + 0.05 * (2 + ticks));
  packets = out.to(1, limits::kChannelState);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(style_of(packets[0]), proto::PatchStyle::kMerge);
  EXPECT_EQ(metrics.state_clients_held.Value(), 0);
}

TEST_F(StateStream, AHeldClientThatAcksZeroGetsASetAtOnce) {
  join(1);
  place.tick(now + 0.05);
  ack(*this, 1, place.world().revision());
  int step = 2;
  for (; step < 2 + 40; ++step) place.tick(now + 0.05 * step);
  ASSERT_EQ(metrics.state_clients_held.Value(), 1);
  double probes = metrics.state_probes.Value();
  ack(*this, 1, 0);  // e.g. after an unmergeable patch
  out.clear();
  place.tick(now + 0.05 * step);
  auto packets = out.to(1, limits::kChannelState);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(style_of(packets[0]), proto::PatchStyle::kSet);
  EXPECT_EQ(metrics.state_probes.Value(), probes) << "sent as asked, not as a probe";
  EXPECT_EQ(metrics.state_clients_held.Value(), 0);
}

TEST_F(StateStream, AClientThatAlwaysAcksZeroGetsASetEveryTick) {
  join(1);
  out.clear();
  for (int i = 1; i <= 100; ++i) {
    ack(*this, 1, 0);
    place.tick(now + 0.05 * i);
  }
  auto packets = out.to(1, limits::kChannelState);
  ASSERT_EQ(packets.size(), 100u);
  for (const auto& p : packets) EXPECT_EQ(style_of(p), proto::PatchStyle::kSet);
  EXPECT_EQ(metrics.state_held.Value(), 0);
}

// A client that applies each message 3.5 s after it was sent (more than the
// 64 revisions clients keep) and acks what it applied: flow control sends
// it about one message per round trip, each a merge patch over more than
// 64 revisions instead of a full set, and its mirror equals the world at
// every revision it reaches.
TEST_F(StateStream, ASlowClientStaysOnMergesFromFarBehind) {
  std::string a = join(1);
  join(2);
  const int delay = 70;  // ticks
  std::deque<std::pair<int, SentPacket>> in_flight;
  std::map<uint64_t, json> world_at;
  client::StateMirror mirror;
  int sets = 0, merges = 0, far_merges = 0;
  for (int step = 1; step <= 600; ++step) {
    if (step % 3 == 0) {
      send(1, request(1, a, "place", "s" + std::to_string(step),
                      {"spawn_entity", {{"text", {{"string", std::to_string(step)}}}}}));
    }
    out.clear();
    place.tick(now + 0.05 * step);
    world_at[place.world().revision()] = world_doc(place.world());
    for (const auto& p : out.to(2, limits::kChannelState)) in_flight.emplace_back(step + delay, p);
    while (!in_flight.empty() && in_flight.front().first <= step) {
      json packet = in_flight.front().second.json();
      in_flight.pop_front();
      auto msg = proto::parse_state_message(packet);
      ASSERT_TRUE(msg);
      ASSERT_EQ(mirror.apply(packet), client::StateMirror::Outcome::kApplied)
          << "step " << step << ": patch from " << msg->patch_from;
      if (msg->style == proto::PatchStyle::kSet) {
        ++sets;
      } else {
        ++merges;
        far_merges += msg->revision - msg->patch_from >= limits::kStateHistoryRevisions;
      }
      uint64_t rev = mirror.revision();
      ASSERT_EQ(mirror.document(), world_at.at(rev)) << "step " << step;
      ack(*this, 2, rev);
    }
  }
  // Sets only until its first acknowledgement came back; then merges, most
  // of them over more than 64 revisions, about one per round trip.
  EXPECT_LE(sets, delay + 1);
  EXPECT_GE(merges, 5);
  EXPECT_LE(merges, 2 * 600 / delay);
  EXPECT_GT(far_merges, merges / 2);
  EXPECT_GT(metrics.state_held.Value(), 0);
}

// A client that keeps its last states in a ring indexed by revision % 64 (a
// layout deployed visors may use; the SDK keeps them by arrival) must find
// every merge patch's base in its ring: the place patches from an
// acknowledged revision only while nothing sent to the client since is 64 or
// more revisions newer (StateFlow::may_patch_from), so no newer state can
// have taken the base's slot. Packets arrive 0-20 ticks late, and 100-110
// ticks late in stalls of 60 ticks every 200 (so the stream is held and
// patches span more than 64 revisions); a fifth are lost, and the channel
// is sequenced as ENet's unreliable one is (a packet older than one already
// delivered is dropped). The acknowledgements travel 0-20 ticks and a fifth
// of them are lost, so the place often patches from an older ack than the
// client's newest state.
void run_revision_ring_client(PlaceFixture& f) {
  std::string a = f.join(1);
  f.join(2);
  std::mt19937 rng(13);
  struct Slot {
    uint64_t revision = 0;
    json doc;
  };
  std::array<Slot, limits::kStateHistoryRevisions> ring;
  std::multimap<int, json> in_flight;        // arrival step -> packet
  std::multimap<int, uint64_t> acks_on_way;  // arrival step -> acknowledged revision
  std::map<uint64_t, json> world_at;
  uint64_t newest = 0;  // newest revision delivered (sequencing)
  int merges = 0, far_merges = 0;
  for (int step = 1; step <= 800; ++step) {
    if (step % 2 == 0) {
      f.send(1, f.request(1, a, "place", "s" + std::to_string(step),
                          {"spawn_entity", {{"text", {{"string", std::to_string(step)}}}}}));
    }
    for (auto it = acks_on_way.begin(); it != acks_on_way.end() && it->first <= step;
         it = acks_on_way.erase(it)) {
      ack(f, 2, it->second);
    }
    f.out.clear();
    f.place.tick(f.now + 0.05 * step);
    world_at[f.place.world().revision()] = world_doc(f.place.world());
    for (const auto& p : f.out.to(2, limits::kChannelState)) {
      if (rng() % 5 == 0) continue;  // lost
      const bool stalled = step % 200 < 60;
      const int late = stalled ? 100 + static_cast<int>(rng() % 11) : static_cast<int>(rng() % 21);
      in_flight.emplace(step + late, p.json());
    }
    for (auto it = in_flight.begin(); it != in_flight.end() && it->first <= step;
         it = in_flight.erase(it)) {
      auto msg = proto::parse_state_message(it->second);
      ASSERT_TRUE(msg);
      if (msg->revision <= newest) continue;  // sequenced: older than one delivered
      json doc;
      if (msg->style == proto::PatchStyle::kSet) {
        doc = msg->payload;
      } else {
        ASSERT_EQ(msg->style, proto::PatchStyle::kMerge);
        const Slot& base = ring[msg->patch_from % ring.size()];
        ASSERT_EQ(base.revision, msg->patch_from)
            << "step " << step << ": the base's slot holds another revision";
        doc = base.doc;
        proto::apply_merge_patch(doc, msg->payload);
        ++merges;
        far_merges += msg->revision - msg->patch_from >= limits::kStateHistoryRevisions;
      }
      ASSERT_EQ(doc, world_at.at(msg->revision)) << "step " << step;
      ring[msg->revision % ring.size()] = {msg->revision, doc};
      newest = msg->revision;
      if (rng() % 5 != 0) acks_on_way.emplace(step + static_cast<int>(rng() % 21), newest);
    }
  }
  EXPECT_GE(merges, 20);
  EXPECT_GT(far_merges, 0) << "some bases were more than 64 revisions behind";
}

TEST_F(StateStream, ARevisionRingClientFindsEveryPatchBase) {
  run_revision_ring_client(*this);
}

// The same without flow control: the stream is never held, so during the
// stalls the place has sent 64 and more revisions past the client's
// acknowledgement, some of which the client received (taking the base's
// slot); the patch base rule alone must send it full sets then.
class UnheldStateStream : public PlaceFixture {
 public:
  UnheldStateStream() : PlaceFixture(StateFlowLimits{.window = 0}) {}
};

TEST_F(UnheldStateStream, ARevisionRingClientFindsEveryPatchBase) {
  run_revision_ring_client(*this);
}

TEST(StateEncoder, FullSetIsValidJsonWithEveryEntity) {
  World w;
  w.put("a\"quote", 1, {{"text", {{"string", "x"}}}});
  w.put("b", 1, json::object());
  w.commit();
  json doc = json::parse(encode_full_set(w));
  EXPECT_EQ(doc["patch_style"], "set");
  EXPECT_EQ(doc["revision"], 1);
  EXPECT_EQ(doc["entities"]["a\"quote"]["components"]["text"]["string"], "x");
  EXPECT_EQ(doc["entities"]["b"]["id"], "b");
}

}  // namespace
}  // namespace allo::place::testing
