// AssetRelay without sockets: a Place with a recording outbox, the link side
// recorded as parsed link messages.
#include "place/asset_relay.hpp"

#include <prometheus/text_serializer.h>

#include "place_fixture.hpp"
#include "proto/asset_frame.hpp"
#include "proto/assetd_link.hpp"
#include "tests/support/net.hpp"

namespace allo::place::testing {
namespace {

using Bytes = std::vector<uint8_t>;
using proto::LinkKind;

const std::string kIdA = "asset:sha256:" + std::string(64, 'a');
const std::string kIdB = "asset:sha1:" + std::string(40, 'b');

struct Delivery {
  AgentId agent;
  Bytes frame;
};

class RecordingRelayOutput : public AssetRelayOutput {
 public:
  void send_link(std::vector<uint8_t> message) override { link.push_back(std::move(message)); }
  void deliver(AgentId agent, std::span<const uint8_t> frame) override {
    delivered.push_back({agent, {frame.begin(), frame.end()}});
  }
  // Link messages sent so far, parsed (the buffers stay alive in `link`).
  std::vector<proto::LinkMessage> messages() const {
    std::vector<proto::LinkMessage> out;
    for (const auto& m : link) out.push_back(*proto::parse_link_message(m));
    return out;
  }
  std::vector<Bytes> link;
  std::vector<Delivery> delivered;
};

class AssetRelayTest : public PlaceFixture {
 public:
  void send_frame(AgentId agent, const Bytes& frame) {
    send_raw(agent, limits::kChannelAssets, std::string(frame.begin(), frame.end()));
  }
  double rejected(const std::string& reason) {
    return allo::testing::metric_value(prometheus::TextSerializer().Serialize(registry.Collect()),
                                       "alloplace_rejected_total", "reason=\"" + reason + "\"");
  }
  void tick() {
    now += 0.05;
    place.tick(now);
  }

  RecordingRelayOutput output;
  AssetRelay relay{place, output, registry};
};

TEST_F(AssetRelayTest, LinkUpSendsHelloThenEveryJoinedAgent) {
  join(1);
  join(2);
  EXPECT_TRUE(output.link.empty());  // nothing goes out while the link is down
  relay.on_link_up();
  auto m = output.messages();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].kind, LinkKind::kHello);
  EXPECT_EQ(m[0].version, proto::kAssetdLinkVersion);
  EXPECT_EQ(m[1].kind, LinkKind::kAgentJoined);
  EXPECT_EQ(m[1].agent, 1u);
  EXPECT_EQ(m[2].agent, 2u);
  // A reconnect replays them again; an agent announced while up joins at once.
  relay.on_link_down();
  relay.on_link_up();
  join(3);
  m = output.messages();
  ASSERT_EQ(m.size(), 7u);
  EXPECT_EQ(m[3].kind, LinkKind::kHello);
  EXPECT_EQ(m[6].kind, LinkKind::kAgentJoined);
  EXPECT_EQ(m[6].agent, 3u);
}

TEST_F(AssetRelayTest, FramesGoToAssetdUnchangedWithTheHintOfThePublishingEntity) {
  std::string publisher_avatar = join(1);
  join(2);
  relay.on_link_up();
  output.link.clear();
  Bytes hinted = proto::encode_asset_request({kIdA, {0, 100}, publisher_avatar});
  Bytes unknown = proto::encode_asset_request({kIdA, {0, 0}, "no-such-entity"});
  Bytes data = proto::encode_asset_data(kIdA, {0, 3}, 3, Bytes{1, 2, 3});
  Bytes garbage = {0x00, 0x01, 0x00, 0x09, 'x'};  // assetd answers and counts it
  Bytes stub = {0x00, 0x01};                      // too short to forward: counted here
  for (const auto& f : {hinted, unknown, data, garbage, stub}) send_frame(2, f);
  EXPECT_EQ(rejected("asset_too_short"), 1);
  auto m = output.messages();
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].kind, LinkKind::kFrameFromAgent);
  EXPECT_EQ(m[0].agent, 2u);
  EXPECT_EQ(m[0].hint_agent, 1u);
  EXPECT_EQ(Bytes(m[0].frame.begin(), m[0].frame.end()), hinted);
  EXPECT_EQ(m[1].hint_agent, 0u);
  EXPECT_EQ(Bytes(m[2].frame.begin(), m[2].frame.end()), data);
  EXPECT_EQ(m[2].hint_agent, 0u);
  EXPECT_EQ(Bytes(m[3].frame.begin(), m[3].frame.end()), garbage);
  EXPECT_TRUE(out.to(2, limits::kChannelAssets).empty());  // the place answered nothing itself
}

TEST_F(AssetRelayTest, FramesForAgentsAreDeliveredAndCreditedUntilTheyLeave) {
  join(1);
  relay.on_link_up();
  Bytes frame = proto::encode_asset_data(kIdA, {0, 2}, 2, Bytes{7, 8});
  relay.on_link_message(proto::encode_link_frame_to_agent(1, frame));
  ASSERT_EQ(output.delivered.size(), 1u);
  EXPECT_EQ(output.delivered[0].agent, 1u);
  EXPECT_EQ(output.delivered[0].frame, frame);
  output.link.clear();
  relay.credit(1, static_cast<uint32_t>(frame.size()));
  auto m = output.messages();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].kind, LinkKind::kDelivered);
  EXPECT_EQ(m[0].agent, 1u);
  EXPECT_EQ(m[0].bytes, frame.size());

  place.on_disconnect(1);
  m = output.messages();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].kind, LinkKind::kAgentLeft);
  relay.on_link_message(proto::encode_link_frame_to_agent(1, frame));  // dropped
  relay.credit(1, 10);                                                 // dropped
  EXPECT_EQ(output.delivered.size(), 1u);
  EXPECT_EQ(output.link.size(), 2u);
}

TEST_F(AssetRelayTest, BatchesFromAssetdAreDeliveredInOrderAndBadOnesDroppedWhole) {
  join(1);
  join(2);
  relay.on_link_up();
  Bytes a = proto::encode_asset_data(kIdA, {0, 1}, 1, Bytes{1});
  Bytes b = proto::encode_asset_data(kIdB, {0, 1}, 1, Bytes{2});
  proto::LinkBatchWriter batch;
  batch.add(proto::encode_link_frame_to_agent(2, a));
  batch.add(proto::encode_link_frame_to_agent(1, b));
  relay.on_link_message(batch.bytes());
  ASSERT_EQ(output.delivered.size(), 2u);
  EXPECT_EQ(output.delivered[0].agent, 2u);
  EXPECT_EQ(output.delivered[0].frame, a);
  EXPECT_EQ(output.delivered[1].agent, 1u);
  EXPECT_EQ(output.delivered[1].frame, b);

  batch.clear();
  batch.add(proto::encode_link_frame_to_agent(1, a));
  batch.add(Bytes{0x05, 0, 0, 0, 1});  // frame_to_agent without a frame
  relay.on_link_message(batch.bytes());
  EXPECT_EQ(output.delivered.size(), 2u);  // not even the good first message
  EXPECT_EQ(rejected("assetd_link_bad_payload"), 1);
}

TEST_F(AssetRelayTest, WhileTheLinkIsDownRequestsFailWithAssetdUnavailable) {
  join(1);
  send_frame(1, proto::encode_asset_request({kIdA, {0, 10}, ""}));
  auto replies = out.to(1, limits::kChannelAssets);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(replies[0].reliable);
  Bytes reply(replies[0].bytes->begin(), replies[0].bytes->end());
  auto frame = proto::parse_asset_frame(reply);
  ASSERT_TRUE(frame);
  auto failure = proto::parse_asset_failure(*frame);
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->id, kIdA);
  EXPECT_EQ(failure->error_code, "assetd_unavailable");

  send_frame(1, proto::encode_asset_data(kIdA, {0, 1}, 1, Bytes{1}));  // dropped
  send_frame(1, Bytes{0x00});                                          // malformed
  EXPECT_EQ(out.to(1, limits::kChannelAssets).size(), 1u);
  EXPECT_EQ(rejected("assetd_unavailable"), 2);
  EXPECT_EQ(rejected("asset_too_short"), 1);
  EXPECT_TRUE(output.link.empty());
}

TEST_F(AssetRelayTest, NewAssetIdsInComponentsAreReferencedOncePerAgent) {
  std::string avatar = join(1);
  relay.on_link_up();
  tick();
  output.link.clear();
  send(1, request(1, avatar, "place", "s1",
                  {"spawn_entity",
                   {{"geometry", {{"type", "asset"}, {"name", kIdA}}},
                    {"material", {{"texture", kIdB}, {"other", "asset:sha1:nothex"}}}}}));
  ASSERT_EQ(body(1)[0], "spawn_entity") << body(1).dump();
  std::string entity = body(1)[1];
  tick();
  auto m = output.messages();
  ASSERT_EQ(m.size(), 2u);
  std::set<std::string> ids;
  for (const auto& msg : m) {
    EXPECT_EQ(msg.kind, LinkKind::kAssetReferenced);
    EXPECT_EQ(msg.agent, 1u);
    ids.insert(msg.asset_id);
  }
  EXPECT_EQ(ids, (std::set<std::string>{kIdA, kIdB}));

  // Changing the entity again with a known id says nothing; a new id is reported.
  const std::string kIdC = "asset:sha256:" + std::string(64, 'c');
  send(1,
       request(1, avatar, "place", "c1",
               {"change_components",
                entity,
                "add_or_change",
                {{"geometry", {{"type", "asset"}, {"name", kIdA}}}, {"text", {{"string", kIdC}}}},
                "remove",
                json::array()}));
  tick();
  m = output.messages();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[2].asset_id, kIdC);
}

TEST_F(AssetRelayTest, BadLinkMessagesAreCountedAndDropped) {
  relay.on_link_up();
  relay.on_link_message(Bytes{0x05});
  relay.on_link_message(proto::encode_link_agent_joined(3));  // not a kind assetd sends
  EXPECT_EQ(rejected("assetd_link_too_short"), 1);
  EXPECT_EQ(rejected("assetd_link_unexpected_kind"), 1);
  EXPECT_TRUE(output.delivered.empty());
}

TEST(AssetIdScan, FindsNestedIdsAndStopsAtTheDepthLimit) {
  nlohmann::json value = {{"a", {kIdA, "asset:sha256:short", 5}}, {"b", {{"c", kIdB}}}};
  std::vector<std::string> found;
  for_each_asset_id(value, [&](const std::string& id) { found.push_back(id); });
  EXPECT_EQ(found, (std::vector<std::string>{kIdA, kIdB}));
  nlohmann::json deep = kIdA;
  for (int i = 0; i < kMaxAssetScanDepth + 5; ++i) deep = nlohmann::json::array({deep});
  found.clear();
  for_each_asset_id(deep, [&](const std::string& id) { found.push_back(id); });
  EXPECT_TRUE(found.empty());
}

}  // namespace
}  // namespace allo::place::testing
