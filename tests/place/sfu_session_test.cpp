// SfuSession: the messages the place sends on the SFU link (hello, replay,
// agents, tracks, positions, media) and what it does with the SFU's, without
// sockets.
#include "place/sfu_session.hpp"

#include <prometheus/text_serializer.h>

#include <map>
#include <set>

#include "place_fixture.hpp"
#include "proto/media_packet.hpp"
#include "sfu/direct_token.hpp"
#include "tests/support/net.hpp"

namespace allo::place::testing {
namespace {

namespace link = proto::sfu_link;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";
constexpr int64_t kUnixNow = 1'700'000'000;

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct SessionTrackListener : TrackListener {
  void on_track_added(const Track& t) override { session->on_track_added(t); }
  void on_track_removed(const Track& t) override { session->on_track_removed(t); }
  SfuSession* session = nullptr;
};

class SfuSessionTest : public PlaceFixture {
 public:
  SfuSessionTest()
      : link_metrics(registry),
        tracks(place, &forward),
        session(
            place, tracks, out, kSecret,
            [this](uint8_t channel, std::span<const uint8_t> bytes) {
              (channel == link::kLinkControl ? control : media)
                  .emplace_back(bytes.begin(), bytes.end());
            },
            [] { return kUnixNow; }, &link_metrics) {
    forward.session = &session;
  }

  // Control messages sent so far (decoded), then forgets them.
  std::vector<link::PlaceMessage> take_control() {
    std::vector<link::PlaceMessage> out_messages;
    for (const auto& bytes : control) {
      auto m =
          link::decode_place_message({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
      EXPECT_TRUE(m) << m.error().code;
      if (m) out_messages.push_back(*m);
    }
    control.clear();
    return out_messages;
  }
  void connect_and_welcome() {
    session.on_link_connected();
    session.on_link_packet(
        link::kLinkControl,
        bytes_of(link::encode_sfu_message(link::Welcome{1, "10.0.0.5:21338", 2})));
  }
  std::string allocate(AgentId agent) {
    const std::string avatar = place.agent(agent)->avatar;
    send(agent,
         request(agent, avatar, "place", "t", {"allocate_track", "audio", 48000, 1, "opus"}));
    EXPECT_EQ(body(agent)[1], "ok") << body(agent).dump();
    return avatar;
  }
  void send_media(AgentId agent, uint32_t track) {
    auto packet = proto::encode_media_packet(track, std::vector<uint8_t>{0xfc, 0xff, 0xfe});
    send_raw(agent, limits::kChannelMedia, std::string(packet.begin(), packet.end()));
  }
  double rejected(const std::string& reason) {
    return allo::testing::metric_value(prometheus::TextSerializer().Serialize(registry.Collect()),
                                       "alloplace_rejected_total", "reason=\"" + reason + "\"");
  }
  void tick() {
    now += 0.25;
    place.tick(now);
  }
  json place_components() { return place.world().find("place")->value->components(); }
  void move_avatar(AgentId agent, double x, double y, double z) {
    const std::string avatar = place.agent(agent)->avatar;
    json matrix = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, x, y, z, 1};
    send(
        agent,
        request(
            agent, avatar, "place", "m",
            {"change_components", avatar, "add_or_change", {{"transform", {{"matrix", matrix}}}}}));
  }

  double metric(const std::string& name, const std::string& labels = "") {
    return allo::testing::metric_value(prometheus::TextSerializer().Serialize(registry.Collect()),
                                       name, labels);
  }

  SfuLinkMetrics link_metrics;
  SessionTrackListener forward;
  TrackAllocator tracks;
  SfuSession session;
  std::vector<std::vector<uint8_t>> control, media;
};

TEST_F(SfuSessionTest, NothingIsSentWithoutALink) {
  join(1);
  allocate(1);
  tick();
  EXPECT_TRUE(control.empty());
  EXPECT_FALSE(session.ready());
}

TEST_F(SfuSessionTest, ConnectingSendsHelloThenReplaysAgentsTracksAndPositions) {
  join(1, "annie");
  join(2, "bert");
  place.on_connect(3, now);  // connected but not announced: unknown to the SFU
  allocate(2);
  move_avatar(2, 1, 2, 3);
  tick();
  session.on_link_connected();
  auto sent = take_control();
  ASSERT_EQ(sent.size(), 5u);
  ASSERT_TRUE(std::holds_alternative<link::Hello>(sent[0]));
  EXPECT_EQ(std::get<link::Hello>(sent[0]).secret, kSecret);
  EXPECT_EQ(std::get<link::AgentJoined>(sent[1]).agent, "1");
  EXPECT_EQ(std::get<link::AgentJoined>(sent[2]).agent, "2");
  const auto& track = std::get<link::TrackAdded>(sent[3]);
  EXPECT_EQ(track.track, 1u);
  EXPECT_EQ(track.owner_agent, "2");
  EXPECT_EQ(track.entity, place.agent(2)->avatar);
  const auto& positions = std::get<link::Positions>(sent[4]);
  ASSERT_EQ(positions.agents.size(), 2u);
  EXPECT_EQ(positions.agents[1].agent, "2");
  EXPECT_FLOAT_EQ(positions.agents[1].x, 1);
  EXPECT_FLOAT_EQ(positions.agents[1].y, 2);
  EXPECT_FLOAT_EQ(positions.agents[1].z, 3);
}

TEST_F(SfuSessionTest, AgentsAndTracksComingAndGoingAreForwarded) {
  connect_and_welcome();
  take_control();
  join(1);
  allocate(1);
  auto sent = take_control();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::get<link::AgentJoined>(sent[0]).agent, "1");
  EXPECT_EQ(std::get<link::TrackAdded>(sent[1]).track, 1u);
  place.on_disconnect(1);
  sent = take_control();
  ASSERT_EQ(sent.size(), 2u);
  // Tracks are released before the agent leaves.
  EXPECT_EQ(std::get<link::TrackRemoved>(sent[0]).track, 1u);
  EXPECT_EQ(std::get<link::AgentLeft>(sent[1]).agent, "1");
}

TEST_F(SfuSessionTest, WelcomePublishesTheDirectEndpointUntilTheLinkIsLost) {
  connect_and_welcome();
  EXPECT_TRUE(session.ready());
  tick();
  EXPECT_EQ(place_components()["media_service"], json({{"direct_endpoint", "10.0.0.5:21338"}}));
  EXPECT_EQ(metric("alloplace_sfu_link_up"), 1);
  session.on_link_packet(
      link::kLinkControl,
      bytes_of(link::encode_sfu_message(link::LoadReport{2, 3, 4, 100, 250, 7})));
  EXPECT_EQ(metric("alloplace_sfu_load", "field=\"tracks\""), 3);
  EXPECT_EQ(metric("alloplace_sfu_load", "field=\"packets_dropped\""), 7);
  session.on_link_lost();
  EXPECT_FALSE(session.ready());
  EXPECT_EQ(metric("alloplace_sfu_link_up"), 0);
  tick();
  EXPECT_FALSE(place_components().contains("media_service"));
  EXPECT_TRUE(place_components().contains("clock"));
  connect_and_welcome();
  EXPECT_EQ(metric("alloplace_sfu_link_ups_total"), 2);
}

TEST_F(SfuSessionTest, MediaTokenIsAVerifiableTokenForTheAgent) {
  join(1);
  send(1, request(1, place.agent(1)->avatar, "place", "k", {"media_token"}));
  EXPECT_EQ(body(1)[0], "error");
  EXPECT_EQ(body(1)[1], "media_unavailable");

  connect_and_welcome();
  send(1, request(1, place.agent(1)->avatar, "place", "k2", {"media_token"}));
  json reply = body(1);
  ASSERT_EQ(reply.size(), 4u) << reply.dump();
  EXPECT_EQ(reply[0], "media_token");
  EXPECT_EQ(reply[2], "10.0.0.5:21338");
  EXPECT_EQ(reply[3], sfu::kDirectTokenLifetimeSeconds);
  auto agent = sfu::verify_direct_token(kSecret, reply[1].get<std::string>(), kUnixNow + 1);
  ASSERT_TRUE(agent) << agent.error().code;
  EXPECT_EQ(*agent, "1");
  EXPECT_FALSE(sfu::verify_direct_token(kSecret, reply[1].get<std::string>(),
                                        kUnixNow + sfu::kDirectTokenLifetimeSeconds + 1));
}

TEST_F(SfuSessionTest, OwnersMediaIsWrappedOthersAndLinkDownAreDroppedAndCounted) {
  join(1, "annie");
  join(2, "bert");
  allocate(1);
  send_media(1, 1);
  EXPECT_EQ(rejected("media_no_sfu"), 1);

  connect_and_welcome();
  send_media(1, 1);
  ASSERT_EQ(media.size(), 1u);
  // [0x01][len 1]["1"][u32 BE 1][fc ff fe][\n]
  EXPECT_EQ(media[0], (std::vector<uint8_t>{0x01, 1, '1', 0, 0, 0, 1, 0xfc, 0xff, 0xfe, '\n'}));

  send_media(2, 1);  // bert does not own track 1
  send_media(1, 7);  // nobody's track
  EXPECT_EQ(media.size(), 1u);
  EXPECT_EQ(rejected("media_not_owner"), 2);

  send_raw(1, limits::kChannelMedia, std::string("\0\0", 2));
  EXPECT_EQ(rejected("media_too_short"), 1);
  EXPECT_EQ(media.size(), 1u);
}

TEST_F(SfuSessionTest, MediaToAgentsIsDeliveredUnchangedToAnnouncedListedAgents) {
  join(1, "annie");
  join(2, "bert");
  place.on_connect(3, now);  // not announced
  connect_and_welcome();
  out.clear();
  const std::vector<uint8_t> packet = proto::encode_media_packet(1, std::vector<uint8_t>{9, 8, 7});
  const std::vector<std::string_view> to = {"2", "3", "99", "x1"};
  session.on_link_packet(link::kLinkMedia, link::encode_media_to_agents(to, packet));
  ASSERT_EQ(out.sent.size(), 1u);
  EXPECT_EQ(out.sent[0].to, 2u);
  EXPECT_EQ(out.sent[0].channel, limits::kChannelMedia);
  EXPECT_FALSE(out.sent[0].reliable);
  EXPECT_EQ(*out.sent[0].bytes, std::string(packet.begin(), packet.end()));

  session.on_link_packet(link::kLinkMedia, std::vector<uint8_t>{0x02, 0xff});  // truncated
  EXPECT_EQ(out.sent.size(), 1u);
}

TEST_F(SfuSessionTest, PositionsAreSentAtMostFiveTimesASecondAndOnlyWhenChanged) {
  join(1, "annie");
  join(2, "bert");
  connect_and_welcome();
  take_control();
  tick();
  EXPECT_TRUE(take_control().empty()) << "nobody moved since the replay";
  move_avatar(2, 0, 0, -2);
  tick();
  auto sent = take_control();
  ASSERT_EQ(sent.size(), 1u);
  const auto& positions = std::get<link::Positions>(sent[0]);
  ASSERT_EQ(positions.agents.size(), 1u);
  EXPECT_EQ(positions.agents[0].agent, "2");
  EXPECT_FLOAT_EQ(positions.agents[0].z, -2);

  // Within 200 ms of the last update nothing is sent; after, the latest is.
  move_avatar(2, 0, 0, -3);
  now += 0.05;
  place.tick(now);
  EXPECT_TRUE(take_control().empty());
  tick();
  sent = take_control();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FLOAT_EQ(std::get<link::Positions>(sent[0]).agents[0].z, -3);
}

TEST_F(SfuSessionTest, AReconnectReplaysEverythingAgain) {
  join(1);
  allocate(1);
  connect_and_welcome();
  const size_t first = take_control().size();
  session.on_link_lost();
  send_media(1, 1);
  EXPECT_EQ(rejected("media_no_sfu"), 1);
  connect_and_welcome();
  EXPECT_EQ(take_control().size(), first);
  send_media(1, 1);
  EXPECT_EQ(media.size(), 1u);
}

// The shared socket, with hooks that record instead of touching sockets.
class SfuSessionSharedSocketTest : public SfuSessionTest {
 public:
  SfuSessionSharedSocketTest() {
    session.set_shared_socket_hooks(SfuSession::SharedSocketHooks{
        [this](AgentId id) -> std::optional<link::AgentRoute> {
          if (unroutable.contains(id)) return std::nullopt;
          return link::AgentRoute{0x7F000001, static_cast<uint16_t>(40000 + id), 0x1000, 1392, 0};
        },
        [this](const std::string& relay, const std::string& secret) {
          lent_to.push_back(relay + "/" + secret);
          return lend_works;
        },
        [this] { ++withdrawn; }});
  }
  void connect_and_welcome_with_relay() {
    session.on_link_connected();
    session.on_link_packet(
        link::kLinkControl,
        bytes_of(link::encode_sfu_message(link::Welcome{1, "10.0.0.5:21338", 2, "allo-sfu-abc"})));
  }
  // The first groups of the agent_route messages sent since the last call, by agent.
  std::map<std::string, uint16_t> routes_sent() {
    std::map<std::string, uint16_t> out;
    for (const auto& m : take_control()) {
      if (const auto* r = std::get_if<link::AgentRouted>(&m)) out[r->agent] = r->route.first_group;
    }
    return out;
  }
  void report(const std::string& agent, uint16_t group) {
    session.on_link_packet(link::kLinkControl,
                           bytes_of(link::encode_sfu_message(link::RouteGroups{{{agent, group}}})));
  }

  std::set<AgentId> unroutable;
  std::vector<std::string> lent_to;
  bool lend_works = true;
  int withdrawn = 0;
};

TEST_F(SfuSessionSharedSocketTest, AWelcomeWithARelayLendsTheSocketThenRoutesEveryAnnouncedAgent) {
  join(1);
  join(2);
  unroutable.insert(2);
  place.on_connect(3, now);  // not announced: no route
  session.on_link_connected();
  EXPECT_TRUE(routes_sent().empty()) << "no route before the socket is lent";
  session.on_link_packet(
      link::kLinkControl,
      bytes_of(link::encode_sfu_message(link::Welcome{1, "10.0.0.5:21338", 2, "allo-sfu-abc"})));
  EXPECT_EQ(lent_to, std::vector<std::string>{std::string("allo-sfu-abc/") + kSecret});
  EXPECT_TRUE(session.socket_lent());
  EXPECT_EQ(routes_sent(), (std::map<std::string, uint16_t>{{"1", 1}}));
  join(4);
  auto sent = take_control();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::get<link::AgentJoined>(sent[0]).agent, "4");
  const auto& route = std::get<link::AgentRouted>(sent[1]);
  EXPECT_EQ(route.agent, "4");
  EXPECT_EQ(route.route.port, 40004);
  EXPECT_EQ(route.route.first_group, 1);
  session.on_link_lost();
  EXPECT_EQ(withdrawn, 1);
  EXPECT_FALSE(session.socket_lent());
}

TEST_F(SfuSessionSharedSocketTest, NoRelayOrAFailedLendSendsNoRoutes) {
  join(1);
  connect_and_welcome();  // an SFU that offers no shared socket
  EXPECT_TRUE(lent_to.empty());
  EXPECT_TRUE(routes_sent().empty());
  session.on_link_lost();
  EXPECT_EQ(withdrawn, 0);
  lend_works = false;  // an SFU on another machine
  connect_and_welcome_with_relay();
  EXPECT_EQ(lent_to.size(), 1u);
  EXPECT_FALSE(session.socket_lent());
  EXPECT_TRUE(routes_sent().empty());
}

TEST_F(SfuSessionSharedSocketTest, ANewSfuStartsPastEveryGroupTheLastOneMayHaveUsed) {
  join(1);
  join(2);
  connect_and_welcome_with_relay();
  EXPECT_EQ(routes_sent(), (std::map<std::string, uint16_t>{{"1", 1}, {"2", 1}}));
  report("1", 500);  // agent 1 got 500 groups; agent 2 was never reported on
  session.on_link_lost();
  connect_and_welcome_with_relay();
  EXPECT_EQ(routes_sent(), (std::map<std::string, uint16_t>{{"1", 500 + kRouteGroupMargin + 1},
                                                            {"2", 1 + kRouteGroupMargin}}));
  // Counting wraps at 16 bits, as ENet's groups do.
  report("1", 65000);
  session.on_link_lost();
  connect_and_welcome_with_relay();
  EXPECT_EQ(routes_sent()["1"], static_cast<uint16_t>(65000 + kRouteGroupMargin + 1));
  // An agent that leaves and comes back is a new ENet peer: its groups start over.
  place.on_disconnect(2);
  take_control();
  join(2);
  EXPECT_EQ(routes_sent()["2"], 1);
}

TEST_F(SfuSessionSharedSocketTest, ReportsForUnknownAgentsAreIgnored) {
  join(1);
  connect_and_welcome_with_relay();
  routes_sent();
  report("999", 7);
  report("not-a-number", 7);
  session.on_link_lost();
  connect_and_welcome_with_relay();
  EXPECT_EQ(routes_sent(), (std::map<std::string, uint16_t>{{"1", 1 + kRouteGroupMargin}}));
}

}  // namespace
}  // namespace allo::place::testing
