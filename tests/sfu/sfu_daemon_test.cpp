// End to end: the real allo-sfu on free loopback ports; this test plays the
// place on the link and SDK clients on the direct path, with real Opus.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>

#include "common/fd_passing.hpp"
#include "opus_test_signal.hpp"
#include "proto/limits.hpp"
#include "proto/media_packet.hpp"
#include "proto/sfu_link.hpp"
#include "sfu/direct_token.hpp"
#include "sfu/enet_datagram.hpp"
#include "sfu/opus_level_meter.hpp"
#include "sfu_process.hpp"
#include "tests/support/enet_loopback_pair.hpp"
#include "tests/support/thread_sched.hpp"

namespace allo::sfu {
namespace {

namespace link = proto::sfu_link;
using namespace std::chrono_literals;

constexpr char kSecret[] = "a-link-secret-of-some-length";

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SfuDaemonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(enet_initialize(), 0); }

  virtual std::vector<std::string> sfu_args() const { return {"--workers", "2"}; }

  void SetUp() override {
    sfu = std::make_unique<test::SfuProcess>(test::free_udp_port(), test::free_udp_port(),
                                             test::free_tcp_port(), sfu_args());
    sfu->start();
    connect_place();
  }

  void connect_place() {
    welcome.reset();
    place = std::make_unique<test::EnetClient>(
        link::kLinkChannelCount, [this](uint8_t channel, const std::vector<uint8_t>& bytes) {
          if (channel == link::kLinkControl) {
            auto m = link::decode_sfu_message(
                {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
            if (m && std::holds_alternative<link::Welcome>(*m))
              welcome = std::get<link::Welcome>(*m);
            if (m && std::holds_alternative<link::RouteGroups>(*m)) {
              for (const auto& [agent, group] : std::get<link::RouteGroups>(*m).agents)
                reported_group[agent] = group;
            }
            return;
          }
          auto media = link::parse_media_to_agents(bytes);
          ASSERT_TRUE(media) << media.error().code;
          for (std::string_view agent : media->agents) {
            to_agent[std::string(agent)].emplace_back(media->media.begin(), media->media.end());
          }
        });
    ASSERT_TRUE(place->connect(sfu->link_port, 3s));
    place->send(link::kLinkControl, link::encode_place_message(link::Hello{1, kSecret}), true);
    ASSERT_TRUE(place->pump_until([&] { return welcome.has_value(); }, 3s));
  }

  // What the place replays after every (re)connection.
  void play_place_state() {
    for (const char* agent : {"alice", "bob", "carol"}) {
      place->send(link::kLinkControl, link::encode_place_message(link::AgentJoined{agent}), true);
    }
    place->send(link::kLinkControl,
                link::encode_place_message(link::TrackAdded{1, "alice", "e-alice"}), true);
  }

  void send_compatible(const std::string& agent, uint32_t track, const std::vector<uint8_t>& opus) {
    place->send(link::kLinkMedia,
                link::encode_media_from_agent(agent, proto::encode_media_packet(track, opus)),
                false);
  }

  // Alice talks on the compatible path until `done()`, one frame per 20 ms.
  bool alice_talks_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      send_compatible("alice", 1, opus[frame++ % opus.size()]);
      place->pump(20ms);
    }
    return done();
  }

  bool wait_metric(const std::string& name, const std::string& labels, double at_least) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (sfu->metric(name, labels) >= at_least) return true;
      place->pump(100ms);
    }
    return false;
  }

  // Every packet is a channel-3 packet of `track` whose Opus decodes to 20 ms
  // (one decoder, in order, as a listener does); once the decoder has settled
  // the audio is the -6 dBFS sine that was sent.
  static void expect_intact_opus(const std::vector<std::vector<uint8_t>>& media, uint32_t track) {
    std::vector<std::vector<uint8_t>> payloads;
    for (const auto& bytes : media) {
      auto packet = proto::parse_media_packet(bytes);
      ASSERT_TRUE(packet);
      EXPECT_EQ(packet->track_id, track);
      payloads.emplace_back(packet->payload.begin(), packet->payload.end());
    }
    const auto pcm = test::decode_opus_stream(payloads);
    for (const auto& frame : pcm) EXPECT_EQ(frame.size(), 960u) << "20 ms at 48 kHz";
    ASSERT_GE(pcm.size(), 3u);
    EXPECT_NEAR(allo::rms_dbfs(pcm.back()), -6.0f, 2.0f) << "the -6 dBFS sine that was sent";
  }

  // A direct-path client that sent its hello with a token for `name` signed
  // with `secret`, and got its answer (welcome or refusal) in replies[name].
  std::unique_ptr<test::EnetClient> connect_direct(const std::string& name,
                                                   const std::string& secret = kSecret) {
    auto client = std::make_unique<test::EnetClient>(
        limits::kChannelCount, [this, name](uint8_t channel, const std::vector<uint8_t>& bytes) {
          if (channel == limits::kChannelMedia) direct_media[name].push_back(bytes);
          if (channel == limits::kChannelState)
            replies[name] = std::string(bytes.begin(), bytes.end());
        });
    EXPECT_TRUE(client->connect(sfu->listen_port, 3s));
    client->send(0, link::encode_direct_hello({make_direct_token(secret, name, unix_now() + 60)}),
                 true);
    EXPECT_TRUE(client->pump_until([&] { return !replies[name].empty(); }, 3s)) << name;
    return client;
  }

  // Alice talks on the compatible path; `listener` on the direct path and the
  // place are pumped until `done()`.
  bool alice_talks_to_direct_listener_until(test::EnetClient& listener,
                                            const std::function<bool()>& done,
                                            std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      send_compatible("alice", 1, opus[frame++ % opus.size()]);
      listener.pump(10ms);
      place->pump(10ms);
    }
    return done();
  }

  std::unique_ptr<test::SfuProcess> sfu;
  std::unique_ptr<test::EnetClient> place;
  std::map<std::string, std::vector<std::vector<uint8_t>>> direct_media;
  std::map<std::string, std::string> replies;
  std::optional<link::Welcome> welcome;
  std::map<std::string, std::vector<std::vector<uint8_t>>> to_agent;
  std::map<std::string, uint16_t> reported_group;  // route_groups, latest per agent
  std::vector<std::vector<uint8_t>> opus = test::encode_sine(0.5f, 440, 100);
  size_t frame = 0;
};

TEST_F(SfuDaemonTest, WelcomeAdvertisesTheDirectEndpoint) {
  EXPECT_EQ(welcome->direct_endpoint, "127.0.0.1:" + std::to_string(sfu->listen_port));
  EXPECT_EQ(welcome->workers, 2u);
}

TEST_F(SfuDaemonTest, CompatiblePathDeliversRealOpusToEveryoneButTheSpeaker) {
  play_place_state();
  ASSERT_TRUE(alice_talks_until(
      [&] { return to_agent["bob"].size() >= 5 && to_agent["carol"].size() >= 5; }, 5s));
  EXPECT_TRUE(to_agent["alice"].empty());
  expect_intact_opus(to_agent["bob"], 1);
  EXPECT_TRUE(wait_metric("allo_sfu_packets_in_total", "worker=\"link\"", 5));
  EXPECT_GE(sfu->metric("allo_sfu_tracks"), 1);
}

TEST_F(SfuDaemonTest, OnlyTheOwnerMaySendAndMalformedMediaIsDroppedAndCounted) {
  play_place_state();
  place->pump(100ms);
  for (int i = 0; i < 5; ++i) send_compatible("bob", 1, opus[0]);  // bob does not own track 1
  for (int i = 0; i < 3; ++i) {
    place->send(link::kLinkMedia,
                link::encode_media_from_agent("alice", std::vector<uint8_t>{0, 0, 0, 1, '\n'}),
                false);
  }
  for (int i = 0; i < 2; ++i) send_compatible("alice", 99, opus[0]);  // unknown track
  const std::vector<uint8_t> oversized(limits::kMaxMediaPacketBytes + 1, 0);
  for (int i = 0; i < 2; ++i) {
    place->send(link::kLinkMedia, link::encode_media_from_agent("alice", oversized), false);
  }
  for (int i = 0; i < 2; ++i)
    send_compatible("alice", 1, std::vector<uint8_t>{0x03, 0x00});  // not Opus
  EXPECT_TRUE(wait_metric("allo_sfu_dropped_total", "reason=\"not_owner\"", 5));
  EXPECT_TRUE(wait_metric("allo_sfu_dropped_total", "reason=\"too_short\"", 3));
  EXPECT_TRUE(wait_metric("allo_sfu_dropped_total", "reason=\"unknown_track\"", 2));
  EXPECT_TRUE(wait_metric("allo_sfu_dropped_total", "reason=\"too_large\"", 2));
  EXPECT_TRUE(wait_metric("allo_sfu_dropped_total", "reason=\"invalid_opus\"", 2));
  EXPECT_TRUE(to_agent.empty()) << "nothing dropped reached a listener";
  EXPECT_EQ(sfu->metric("allo_sfu_packets_in_total"), 0);
}

TEST_F(SfuDaemonTest, DirectPathWithValidTokensAndRefusalOfABadOne) {
  play_place_state();
  auto alice = connect_direct("alice");
  auto bob = connect_direct("bob");
  EXPECT_EQ(replies["alice"], link::encode_direct_welcome("alice"));
  EXPECT_EQ(replies["bob"], link::encode_direct_welcome("bob"));

  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (direct_media["bob"].size() < 5 && std::chrono::steady_clock::now() < deadline) {
    alice->send(limits::kChannelMedia, proto::encode_media_packet(1, opus[frame++ % opus.size()]),
                false);
    alice->pump(5ms);
    bob->pump(15ms);
    place->pump(1ms);
  }
  ASSERT_GE(direct_media["bob"].size(), 5u) << replies["alice"] << sfu->scrape();
  expect_intact_opus(direct_media["bob"], 1);
  EXPECT_TRUE(direct_media["alice"].empty());
  // Carol (compatible path) hears alice through the place; bob, on the direct
  // path now, no longer gets the compatible copy.
  to_agent.clear();
  for (int i = 0; i < 10; ++i) {
    alice->send(limits::kChannelMedia, proto::encode_media_packet(1, opus[frame++ % opus.size()]),
                false);
    alice->pump(5ms);
    bob->pump(5ms);
    place->pump(10ms);
  }
  place->pump(50ms);
  EXPECT_GE(to_agent["carol"].size(), 5u);
  EXPECT_TRUE(to_agent["bob"].empty());

  // Bob may not send on alice's track over the direct path either.
  for (int i = 0; i < 4; ++i) {
    bob->send(limits::kChannelMedia, proto::encode_media_packet(1, opus[0]), false);
  }
  EXPECT_TRUE(wait_metric("allo_sfu_dropped_total", "reason=\"not_owner\"", 4));

  auto mallory = connect_direct("mallory", "not-the-link-secret");
  ASSERT_TRUE(mallory->pump_until([&] { return !mallory->connected(); }, 3s));
  EXPECT_EQ(replies["mallory"], link::encode_direct_refused("bad_signature"));
}

// ENet's packet throttle would drop a share of a listener's voice after one
// late acknowledgement (common/enet_voice_peer.hpp): allo-sfu sets it never
// to throttle down, and ENet passes the setting on to the client's end,
// where it shows (ENet's defaults are 2 and 2).
TEST_F(SfuDaemonTest, DirectPeersHaveNoPacketThrottle) {
  auto bob = connect_direct("bob");
  ASSERT_EQ(replies["bob"], link::encode_direct_welcome("bob"));
  auto configured = [&] {
    const ENetPeer* peer = bob->peer();  // null if the SFU disconnected it
    return peer != nullptr && peer->packetThrottleDeceleration == 0 &&
           peer->packetThrottleAcceleration == ENET_PEER_PACKET_THROTTLE_SCALE;
  };
  EXPECT_TRUE(bob->pump_until(configured, 3s));
}

TEST_F(SfuDaemonTest, ASpeakersOwnLevelSparesTheDecoderAndListenersGetTheSeedTrailer) {
  play_place_state();
  auto alice = connect_direct("alice");
  auto bob = connect_direct("bob");
  ASSERT_EQ(replies["bob"], link::encode_direct_welcome("bob"));
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (direct_media["bob"].size() < 5 && std::chrono::steady_clock::now() < deadline) {
    alice->send(
        limits::kChannelMedia,
        proto::encode_media_packet(1, opus[frame++ % opus.size()], proto::level_trailer(-6.0f)),
        false);
    alice->pump(5ms);
    bob->pump(15ms);
  }
  ASSERT_GE(direct_media["bob"].size(), 5u);
  for (const auto& packet : direct_media["bob"]) EXPECT_EQ(packet.back(), '\n');
  expect_intact_opus(direct_media["bob"], 1);
  ASSERT_TRUE(wait_metric("allo_sfu_packets_in_total", "", 5));
  EXPECT_EQ(sfu->metric("allo_sfu_levels_decoded_total"), 0);
  // A seed-protocol sender's packets are decoded for their level.
  for (int i = 0; i < 3; ++i) send_compatible("alice", 1, opus[frame++ % opus.size()]);
  EXPECT_TRUE(wait_metric("allo_sfu_levels_decoded_total", "", 3));
}

TEST_F(SfuDaemonTest, DirectListenersArePingedEveryTwoSecondsNotEveryHalfSecond) {
  auto bob = connect_direct("bob");
  ASSERT_EQ(replies["bob"], link::encode_direct_welcome("bob"));
  // Bob sends nothing of his own now, so after the start-up traffic (the
  // host's bandwidth limits, sent within a second of a connect) all he
  // receives is the SFU's pings: one per kVoicePingIntervalMs of silence,
  // two in four seconds (ENet's default of 500 ms would make eight).
  bob->set_ping_interval(60'000);
  bob->pump(1500ms);
  const uint32_t before = bob->datagrams_received();
  bob->pump(4s);
  const uint32_t pings = bob->datagrams_received() - before;
  EXPECT_GE(pings, 1u) << "the SFU still checks that bob is there";
  EXPECT_LE(pings, 3u);
  EXPECT_TRUE(bob->connected());
}

TEST_F(SfuDaemonTest, ADirectListenerStaysOffTheCompatiblePathWhenThePlaceReconnects) {
  play_place_state();
  auto bob = connect_direct("bob");
  ASSERT_EQ(replies["bob"], link::encode_direct_welcome("bob"));
  // The same place (same secret) loses its link and comes back.
  place->disconnect();
  connect_place();
  play_place_state();
  ASSERT_TRUE(alice_talks_to_direct_listener_until(
      *bob, [&] { return direct_media["bob"].size() >= 5 && to_agent["carol"].size() >= 5; }, 5s));
  place->pump(50ms);
  EXPECT_TRUE(to_agent["bob"].empty()) << "bob would hear alice twice";
  expect_intact_opus(direct_media["bob"], 1);
}

TEST_F(SfuDaemonTest, ANewPlaceSessionDisconnectsTheOldSessionsDirectPeers) {
  play_place_state();
  auto bob = connect_direct("bob");
  ASSERT_EQ(replies["bob"], link::encode_direct_welcome("bob"));
  // A hello with the same secret (the same place process) keeps bob.
  place->send(link::kLinkControl, link::encode_place_message(link::Hello{1, kSecret}), true);
  ASSERT_TRUE(alice_talks_to_direct_listener_until(
      *bob, [&] { return direct_media["bob"].size() >= 3; }, 5s));
  // Another place process: its agents are other people, and bob's token was
  // signed with the old secret.
  welcome.reset();
  place->send(link::kLinkControl,
              link::encode_place_message(link::Hello{1, "a-second-place-process-secret"}), true);
  ASSERT_TRUE(place->pump_until([&] { return welcome.has_value(); }, 3s));
  EXPECT_TRUE(bob->pump_until([&] { return !bob->connected(); }, 3s));
  // Nor are the old session's tracks known: alice's track 1 is not replayed.
  to_agent.clear();
  for (int i = 0; i < 3; ++i) send_compatible("alice", 1, opus[0]);
  EXPECT_TRUE(wait_metric("allo_sfu_dropped_total", "reason=\"unknown_track\"", 3));
  EXPECT_TRUE(to_agent.empty());
}

TEST_F(SfuDaemonTest, AnAgentThatLeavesThePlaceLosesItsDirectPath) {
  play_place_state();
  auto bob = connect_direct("bob");
  ASSERT_EQ(replies["bob"], link::encode_direct_welcome("bob"));
  place->send(link::kLinkControl, link::encode_place_message(link::AgentLeft{"bob"}), true);
  EXPECT_TRUE(bob->pump_until([&] { return !bob->connected(); }, 3s));
}

TEST_F(SfuDaemonTest, VoiceResumesAfterAnSfuRestart) {
  play_place_state();
  ASSERT_TRUE(alice_talks_until([&] { return !to_agent["bob"].empty(); }, 5s));
  sfu->stop();
  ASSERT_TRUE(place->pump_until([&] { return !place->connected(); }, 3s)) << "the place notices";
  sfu->start();
  // The place reconnects and replays its agents and tracks.
  connect_place();
  play_place_state();
  to_agent.clear();
  ASSERT_TRUE(alice_talks_until([&] { return to_agent["bob"].size() >= 10; }, 5s));
  expect_intact_opus(to_agent["bob"], 1);
}

// The place's public socket, played by an ENet host whose one client is
// bob's seed connection; the test lends its socket to the SFU.
class SfuDaemonSharedSocketTest : public SfuDaemonTest {
 protected:
  void SetUp() override {
    SfuDaemonTest::SetUp();
    ASSERT_TRUE(public_host.connect());
    ASSERT_FALSE(welcome->relay.empty()) << "the SFU offers a shared socket";
  }
  void TearDown() override {
    if (lender >= 0) close(lender);
  }
  // Connects to the SFU's relay and hands over the public socket with `secret`.
  int lend(const std::string& secret) {
    const int connection = connect_abstract(welcome->relay);
    EXPECT_GE(connection, 0) << std::strerror(errno);
    EXPECT_EQ(send_with_fd(connection, secret, static_cast<int>(public_host.server->socket)), 0);
    return connection;
  }
  void route_bob(uint16_t first_group) {
    const ENetPeer& peer = *public_host.server_peer;
    link::AgentRoute route{ntohl(peer.address.host), peer.address.port, header_peer_of(peer),
                           static_cast<uint16_t>(peer.mtu), first_group};
    place->send(link::kLinkControl, link::encode_place_message(link::AgentRouted{"bob", route}),
                true);
  }
  // Alice talks on the compatible path; bob's seed connection and the place
  // link are pumped until `done()`.
  bool alice_talks_to_bob_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    ENetEvent event;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      send_compatible("alice", 1, opus[frame++ % opus.size()]);
      place->pump(10ms);
      for (int i = 0; i < 10; ++i) {
        enet_host_service(public_host.server, &event, 0);
        if (enet_host_service(public_host.client, &event, 1) > 0 &&
            event.type == ENET_EVENT_TYPE_RECEIVE) {
          if (event.channelID == limits::kChannelMedia)
            bob_heard.emplace_back(event.packet->data,
                                   event.packet->data + event.packet->dataLength);
          enet_packet_destroy(event.packet);
        }
      }
    }
    return done();
  }

  testing::EnetLoopbackPair public_host{limits::kChannelCount};
  int lender = -1;
  std::vector<std::vector<uint8_t>> bob_heard;
};

TEST_F(SfuDaemonSharedSocketTest, RoutedAgentsGetVoiceStraightFromTheSfuOthersThroughThePlace) {
  lender = lend(kSecret);
  ASSERT_TRUE(wait_metric("allo_sfu_shared_socket", "", 1));
  play_place_state();
  route_bob(1);
  ASSERT_TRUE(alice_talks_to_bob_until([&] {
    return bob_heard.size() >= 10 && to_agent["carol"].size() >= 10 && reported_group["bob"] >= 10;
  }));
  expect_intact_opus(bob_heard, 1);
  EXPECT_TRUE(to_agent["bob"].empty()) << "bob's voice no longer passes through the place";
  EXPECT_EQ(sfu->metric("allo_sfu_shared_socket_routes"), 1);

  // The place takes its socket back (it exits, or its link drops): bob's
  // voice goes through the place again.
  close(lender);
  lender = -1;
  ASSERT_TRUE(place->pump_until([&] { return sfu->metric("allo_sfu_shared_socket") == 0; }, 3s));
  ASSERT_TRUE(alice_talks_to_bob_until([&] { return to_agent["bob"].size() >= 3; }));
}

TEST_F(SfuDaemonSharedSocketTest, AHandOverWithTheWrongSecretIsRefusedAndClosed) {
  const int wrong = lend("not-the-link-secret");
  char byte;
  // The SFU closes a refused connection: a read sees the end of it.
  ASSERT_TRUE(place->pump_until([&] { return recv(wrong, &byte, 1, MSG_DONTWAIT) == 0; }, 3s));
  close(wrong);
  EXPECT_EQ(sfu->metric("allo_sfu_shared_socket"), 0);
  lender = lend(kSecret);  // the right one still works after it
  ASSERT_TRUE(wait_metric("allo_sfu_shared_socket", "", 1));
}

TEST_F(SfuDaemonSharedSocketTest, WithoutAPlaceEveryHandOverIsRefused) {
  place->disconnect();
  // The SFU closes a connection it refuses (a read sees its end). One left
  // unanswered would keep the link thread's poll() ready, spinning it.
  auto closed_by_sfu = [](int connection) {
    pollfd ready{connection, POLLIN, 0};
    char byte;
    return ::poll(&ready, 1, 3000) == 1 && recv(connection, &byte, 1, MSG_DONTWAIT) == 0;
  };
  // The first may race the disconnect; by the second the place is gone.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int connection = lend(kSecret);
    EXPECT_TRUE(closed_by_sfu(connection)) << "attempt " << attempt;
    close(connection);
  }
  EXPECT_EQ(sfu->metric("allo_sfu_shared_socket"), 0);
}

TEST_F(SfuDaemonSharedSocketTest, ARestartedSfuDeliversFromTheGroupThePlaceHandsIt) {
  lender = lend(kSecret);
  ASSERT_TRUE(wait_metric("allo_sfu_shared_socket", "", 1));
  play_place_state();
  route_bob(1);
  ASSERT_TRUE(alice_talks_to_bob_until([&] { return reported_group["bob"] >= 5; }));
  const uint16_t used = reported_group["bob"];
  sfu->stop();
  ASSERT_TRUE(place->pump_until([&] { return !place->connected(); }, 3s));
  close(lender);
  sfu->start();
  connect_place();
  lender = lend(kSecret);
  ASSERT_TRUE(wait_metric("allo_sfu_shared_socket", "", 1));
  play_place_state();
  route_bob(static_cast<uint16_t>(used + 2048 + 1));  // as SfuSession does
  bob_heard.clear();
  ASSERT_TRUE(alice_talks_to_bob_until([&] { return bob_heard.size() >= 10; }));
  expect_intact_opus(bob_heard, 1);
}

class SfuDaemonWithoutSharedSocketTest : public SfuDaemonTest {
 protected:
  std::vector<std::string> sfu_args() const override {
    return {"--workers", "2", "--shared-socket", "off"};
  }
};

TEST_F(SfuDaemonWithoutSharedSocketTest, TheWelcomeOffersNoRelayAndVoiceGoesThroughThePlace) {
  EXPECT_TRUE(welcome->relay.empty());
  play_place_state();
  ASSERT_TRUE(alice_talks_until([&] { return to_agent["bob"].size() >= 3; }, 5s));
  EXPECT_EQ(sfu->metric("allo_sfu_shared_socket"), 0);
}

class SfuDaemonRealtimeTest : public SfuDaemonTest {
 protected:
  std::vector<std::string> sfu_args() const override {
    return {"--workers", "2", "--rt-priority", "5"};
  }
};

TEST_F(SfuDaemonRealtimeTest, FanOutThreadsRunUnderRoundRobinWhereAllowedAndVoiceFlowsEitherWay) {
  // Where this machine refuses SCHED_RR, the SFU must say so, run at normal
  // priority and still forward.
  // Run as root (as CI is) or with `ulimit -r 5`, this checks the threads'
  // policy; elsewhere only the fallback. The result is recorded either way.
  const bool allowed = allo::testing::may_use_round_robin(5);
  RecordProperty("sched_rr_allowed", allowed ? "yes" : "no");
  const size_t want = allowed ? 3 : 0;  // the link thread and the 2 workers
  EXPECT_TRUE(allo::testing::wait_until(
      [&] {
        return allo::testing::round_robin_threads(sfu->pid(), 5) == want &&
               sfu->metric("allo_sfu_rt_priority") == (allowed ? 5 : 0);
      },
      5, [] {}))
      << "SCHED_RR allowed here: " << allowed;
  EXPECT_EQ(allo::testing::real_time_threads(sfu->pid()), want)
      << "the metrics server's threads keep normal scheduling";
  EXPECT_GT(allo::testing::thread_scheds(sfu->pid()).size(), want);
  play_place_state();
  ASSERT_TRUE(alice_talks_until([&] { return to_agent["bob"].size() >= 10; }, 5s));
  expect_intact_opus(to_agent["bob"], 1);
}

}  // namespace
}  // namespace allo::sfu
