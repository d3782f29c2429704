// VoiceSession end to end: two SDK clients, each talking to a scripted place
// (FakePlace answers allocate_track and media_token), and the real allo-sfu
// whose link this test plays, as the place would. Real Opus both ways.
#include "allo/voice_session.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <numbers>

#include "fake_place.hpp"
#include "proto/interaction.hpp"
#include "proto/limits.hpp"
#include "proto/media_packet.hpp"
#include "proto/sfu_link.hpp"
#include "sfu/direct_token.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/enet_peer.hpp"
#include "tests/support/net.hpp"

namespace allo::client {
namespace {

namespace link = proto::sfu_link;
using testing::FakePlace;

constexpr char kSecret[] = "voice-session-test-link-secret";
constexpr uint32_t kAliceTrack = 1;

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<int16_t> sine_frame(size_t frame) {
  std::vector<int16_t> pcm(kVoiceFrameSamples);
  for (size_t i = 0; i < pcm.size(); ++i) {
    const double t = static_cast<double>(frame * kVoiceFrameSamples + i) / kVoiceSampleRate;
    pcm[i] = static_cast<int16_t>(0.5 * 32767 * std::sin(2 * std::numbers::pi * 440 * t));
  }
  return pcm;
}

double rms(std::span<const int16_t> pcm) {
  double sum = 0;
  for (int16_t s : pcm) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(pcm.size())) / 32767;
}

// What the place answers one agent: a track, and a token minted with `secret`
// (or an error when `secret` is empty).
struct PlaceScript {
  std::string agent;
  uint32_t track = 0;
  std::string secret = kSecret;
};

class VoiceSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    listen_port = allo::testing::free_udp_port();
    const uint16_t link_port = allo::testing::free_udp_port();
    metrics_port = allo::testing::free_tcp_port();
    sfu = std::make_unique<allo::testing::ChildProcess>(std::vector<std::string>{
        std::string(ALLO_BIN_DIR) + "/allo-sfu", "--link", "127.0.0.1:" + std::to_string(link_port),
        "--listen", "127.0.0.1:" + std::to_string(listen_port), "--metrics",
        "127.0.0.1:" + std::to_string(metrics_port), "--workers", "1", "--log-level", "warn"});
    // Ready when its metrics endpoint answers; ENet resends the CONNECT meanwhile.
    ASSERT_TRUE(allo::testing::wait_until(
        [&] { return !allo::testing::scrape_metrics(metrics_port).empty(); }, 10, [] {}));
    place_link.connect("127.0.0.1", link_port, 5, link::kLinkChannelCount);
    ASSERT_TRUE(place_link.connected());
    place_link.send(link::kLinkControl, link::encode_place_message(link::Hello{1, kSecret}));
    ASSERT_FALSE(place_link.next(link::kLinkControl, 3).empty()) << "welcome";
    for (const char* agent : {"alice", "bob"}) {
      place_link.send(link::kLinkControl, link::encode_place_message(link::AgentJoined{agent}));
    }
    place_link.send(link::kLinkControl,
                    link::encode_place_message(link::TrackAdded{kAliceTrack, "alice", "e-alice"}));
    place_link.poll(20);
  }

  void TearDown() override {
    sessions.clear();
    clients.clear();
    places.clear();
    if (sfu) {
      sfu->kill_now(SIGTERM);
      if (!sfu->wait(5)) sfu->kill_now(SIGKILL);
    }
  }

  // A Client connected to its own FakePlace that follows `script`.
  VoiceSession& add_client(const PlaceScript& script) {
    const uint16_t port = listen_port;
    places.push_back(std::make_unique<FakePlace>([script, port](FakePlace& place,
                                                                const FakePlace::Received& r) {
      if (r.channel != limits::kChannelCommands) return;
      auto in = proto::parse_interaction(r.doc);
      if (!in) return;
      json body;
      if (in->name() == "allocate_track") {
        body = json::array({"allocate_track", "ok", script.track});
      } else if (in->name() == "media_token" && script.secret.empty()) {
        body = json::array({"error", "media_unavailable", "no SFU"});
      } else if (in->name() == "media_token") {
        const int64_t expiry = unix_now() + 60;
        body =
            json::array({"media_token", sfu::make_direct_token(script.secret, script.agent, expiry),
                         "127.0.0.1:" + std::to_string(port), expiry});
      } else {
        return;
      }
      place.send(limits::kChannelCommands, proto::to_json(proto::make_response(*in, body)), true);
    }));
    clients.push_back(std::make_unique<Client>());
    auto connected = clients.back()->connect(places.back()->url(), 3);
    EXPECT_TRUE(connected);
    sessions.push_back(std::make_unique<VoiceSession>(*clients.back()));
    return *sessions.back();
  }

  bool pump_until(const std::function<bool()>& cond, double seconds) {
    return allo::testing::wait_until(cond, seconds, [&] {
      for (auto& c : clients) c->poll(1);
      for (auto& s : sessions) s->poll(0);
      place_link.poll(0);
    });
  }

  // Starts the session's media path (and track, if it has one) and waits.
  void start(VoiceSession& session, bool with_track) {
    bool track_done = !with_track, path_done = false;
    if (with_track) {
      ASSERT_TRUE(session.allocate_track([&](const proto::Result<uint32_t>& track) {
        EXPECT_TRUE(track);
        track_done = true;
      }));
    }
    ASSERT_TRUE(session.connect_media([&](VoicePath, const proto::Error&) { path_done = true; }));
    ASSERT_TRUE(pump_until([&] { return track_done && path_done; }, 5));
  }

  uint16_t listen_port = 0;
  std::unique_ptr<allo::testing::ChildProcess> sfu;
  allo::testing::EnetPeer place_link;
  uint16_t metrics_port = 0;
  std::vector<std::unique_ptr<FakePlace>> places;
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::unique_ptr<VoiceSession>> sessions;
};

TEST_F(VoiceSessionTest, DirectPathAliceSpeaksAndBobDecodesHerTrack) {
  VoiceSession& alice = add_client({"alice", kAliceTrack});
  VoiceSession& bob = add_client({"bob", 0});
  EXPECT_EQ(bob.direct_socket_fd(), -1) << "no direct link before connect_media";
  start(alice, true);
  start(bob, false);
  EXPECT_EQ(alice.path(), VoicePath::kDirect) << alice.fallback_reason();
  EXPECT_EQ(bob.path(), VoicePath::kDirect) << bob.fallback_reason();
  EXPECT_EQ(alice.track(), kAliceTrack);
  const int bob_fd = bob.direct_socket_fd();
  ASSERT_GE(bob_fd, 0);
  EXPECT_NE(bob_fd, clients[1]->socket_fd()) << "the SFU link is its own socket";

  // Bob's voice arrives on his direct socket: poll him only when it is readable.
  size_t opus_heard = 0;
  bob.on_opus([&](uint32_t, std::span<const uint8_t>) { ++opus_heard; });
  ASSERT_TRUE(allo::testing::wait_until([&] { return opus_heard > 0; }, 5,
                                        [&] {
                                          EXPECT_TRUE(alice.send_pcm(sine_frame(0)));
                                          clients[0]->poll(0);
                                          alice.poll(0);
                                          place_link.poll(0);
                                          pollfd p{bob_fd, POLLIN, 0};
                                          if (::poll(&p, 1, 20) == 1) bob.poll(0);
                                        }));
  bob.on_opus(nullptr);

  std::vector<std::vector<int16_t>> heard;
  bob.on_audio([&](uint32_t track, std::span<const int16_t> pcm) {
    EXPECT_EQ(track, kAliceTrack);
    heard.emplace_back(pcm.begin(), pcm.end());
  });
  size_t frame = 0;
  ASSERT_TRUE(pump_until(
      [&] {
        EXPECT_TRUE(alice.send_pcm(sine_frame(frame++)));
        return heard.size() >= 15;
      },
      5));
  for (const auto& pcm : heard) EXPECT_EQ(pcm.size(), kVoiceFrameSamples);
  EXPECT_NEAR(rms(heard.back()), 0.5 / std::sqrt(2.0), 0.07) << "the sine alice sent";
  EXPECT_EQ(bob.stats().decode_errors, 0u);
  EXPECT_EQ(alice.stats().packets_received, 0u) << "the SFU never echoes a speaker";
  // Alice's frames carried their level: the SFU decoded none of them.
  std::string metrics;
  ASSERT_TRUE(allo::testing::wait_until(
      [&] {
        metrics = allo::testing::scrape_metrics(metrics_port);
        return allo::testing::metric_value(metrics, "allo_sfu_packets_in_total") >= 15;
      },
      5, [&] { alice.poll(10); }));
  EXPECT_EQ(allo::testing::metric_value(metrics, "allo_sfu_levels_decoded_total"), 0);
}

TEST_F(VoiceSessionTest, FallsBackToTheCompatiblePathWhenTheTokenIsRefused) {
  VoiceSession& alice = add_client({"alice", kAliceTrack, "not-the-link-secret"});
  start(alice, true);
  EXPECT_EQ(alice.path(), VoicePath::kCompatible);
  EXPECT_EQ(alice.fallback_reason(), "refused");
  EXPECT_EQ(alice.direct_socket_fd(), -1) << "no direct link on the compatible path";
  ASSERT_TRUE(alice.send_pcm(sine_frame(0)));
  FakePlace& place = *places.back();
  ASSERT_TRUE(pump_until(
      [&] {
        for (const auto& r : place.received())
          if (r.channel == limits::kChannelMedia) return true;
        return false;
      },
      3));
  for (const auto& r : place.received()) {
    if (r.channel != limits::kChannelMedia) continue;
    ASSERT_EQ(r.raw.back(), '\n');
    auto packet =
        proto::parse_media_packet({reinterpret_cast<const uint8_t*>(r.raw.data()), r.raw.size()});
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->track_id, kAliceTrack);
    auto decoder = VoiceOpusDecoder::create();
    auto pcm = decoder->decode(packet->payload);
    ASSERT_TRUE(pcm);
    EXPECT_EQ(pcm->size(), kVoiceFrameSamples);
  }
}

TEST_F(VoiceSessionTest, FallsBackWhenThePlaceHasNoMediaService) {
  VoiceSession& bob = add_client({"bob", 0, ""});
  start(bob, false);
  EXPECT_EQ(bob.path(), VoicePath::kCompatible);
  EXPECT_EQ(bob.fallback_reason(), "media_unavailable");
  auto refused = bob.send_opus(std::vector<uint8_t>{1, 2, 3});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "not_ready") << "no track allocated";
}

}  // namespace
}  // namespace allo::client
