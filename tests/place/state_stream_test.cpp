// The per-client state stream: set vs merge by acked revision, sharing of
// bytes between clients, and a client mirror that stays equal to the world.
#include <random>

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

TEST_F(StateStream, AckOutsideTheHistoryGetsAFullSet) {
  join(1);
  for (int i = 1; i <= 80; ++i) place.tick(now + 0.05 * i);
  uint64_t old = place.world().revision() - 70;
  ack(*this, 1, old);
  out.clear();
  place.tick(now + 10);
  EXPECT_EQ(proto::parse_state_message(out.to(1, limits::kChannelState).at(0).json())->style,
            proto::PatchStyle::kSet);
  ack(*this, 1, place.world().revision() + 1000);  // a revision from the future
  out.clear();
  place.tick(now + 10.05);
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
  std::map<uint64_t, json> history;  // the client's last revisions
  json mirror;
  uint64_t acked = 0;
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
    if (msg->style == proto::PatchStyle::kSet) {
      mirror = msg->payload;
      ++sets;
    } else {
      auto base = history.find(msg->patch_from);
      if (base == history.end()) {
        ack(*this, 2, 0);  // unmergeable: ask for a set
        continue;
      }
      mirror = base->second;
      proto::apply_merge_patch(mirror, msg->payload);
      ++merges;
    }
    history[mirror["revision"].get<uint64_t>()] = mirror;
    while (history.size() > limits::kStateHistoryRevisions) history.erase(history.begin());
    ASSERT_EQ(mirror, world_doc(place.world())) << "step " << step;
    if (rng() % 10 < 8) {  // acks get lost too
      acked = mirror["revision"];
      ack(*this, 2, acked);
    }
  }
  EXPECT_GT(merges, 200);
  EXPECT_GE(sets, 1);
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
