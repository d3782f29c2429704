// Voice end to end through the real daemons: alloplace --sfu and allo-sfu.
// Alice (SDK) allocates a track and speaks real Opus; Bob (SDK) hears and
// decodes it, on the direct path (the default) and on the compatible path.
#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <numbers>

#include "allo/client.hpp"
#include "allo/voice_session.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/net.hpp"

namespace allo::client {
namespace {

using allo::testing::ChildProcess;

std::vector<int16_t> sine_frame(size_t frame) {
  std::vector<int16_t> pcm(kVoiceFrameSamples);
  for (size_t i = 0; i < pcm.size(); ++i) {
    const double t = static_cast<double>(frame * kVoiceFrameSamples + i) / kVoiceSampleRate;
    pcm[i] = static_cast<int16_t>(0.5 * 32767 * std::sin(2 * std::numbers::pi * 330 * t));
  }
  return pcm;
}

double rms(std::span<const int16_t> pcm) {
  double sum = 0;
  for (int16_t s : pcm) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(pcm.size())) / 32767;
}

std::unique_ptr<ChildProcess> start_daemon(std::vector<std::string> argv, uint16_t metrics_port) {
  auto process = std::make_unique<ChildProcess>(argv);
  EXPECT_TRUE(allo::testing::wait_until(
      [&] { return !allo::testing::scrape_metrics(metrics_port).empty(); }, 10, [] {}))
      << argv[0] << " did not start";
  return process;
}

void stop(std::unique_ptr<ChildProcess>& process) {
  if (!process) return;
  process->kill_now(SIGTERM);
  if (!process->wait(5)) process->kill_now(SIGKILL);
}

struct Agent {
  std::unique_ptr<Client> client;
  std::unique_ptr<VoiceSession> voice;
};

TEST(VoicePlace, AliceSpeaksThroughPlaceAndSfuAndBobDecodesOnBothPaths) {
  const uint16_t link = allo::testing::free_udp_port(), listen = allo::testing::free_udp_port();
  const uint16_t place_port = allo::testing::free_udp_port();
  const uint16_t sfu_metrics = allo::testing::free_tcp_port();
  const uint16_t place_metrics = allo::testing::free_tcp_port();
  auto sfu = start_daemon(
      {std::string(ALLO_BIN_DIR) + "/allo-sfu", "--link", "127.0.0.1:" + std::to_string(link),
       "--listen", "127.0.0.1:" + std::to_string(listen), "--metrics",
       "127.0.0.1:" + std::to_string(sfu_metrics), "--workers", "2", "--log-level", "warn"},
      sfu_metrics);
  auto place = start_daemon({std::string(ALLO_BIN_DIR) + "/alloplace", "--listen",
                             "127.0.0.1:" + std::to_string(place_port), "--metrics",
                             "127.0.0.1:" + std::to_string(place_metrics), "--sfu",
                             "127.0.0.1:" + std::to_string(link), "--log-level", "warn"},
                            place_metrics);
  const std::string url = "alloplace://127.0.0.1:" + std::to_string(place_port);

  for (bool direct : {true, false}) {
    SCOPED_TRACE(direct ? "direct path" : "compatible path");
    std::vector<Agent> agents(2);
    for (size_t i = 0; i < agents.size(); ++i) {
      agents[i].client = std::make_unique<Client>();
      ASSERT_TRUE(agents[i].client->connect(url, 3));
      bool announced = false;
      ASSERT_TRUE(agents[i].client->announce(
          {{"display_name", i == 0 ? "alice" : "bob"}},
          {{"geometry", {{"type", "hardcoded-model"}, {"name", "head"}}}},
          [&](const AnnounceResult& r) { announced = r.ok; }));
      ASSERT_TRUE(agents[i].client->run_until([&] { return announced; }, 5));
      VoiceOptions options;
      options.prefer_direct = direct;
      agents[i].voice = std::make_unique<VoiceSession>(*agents[i].client, options);
    }
    auto pump = [&] {
      for (auto& a : agents) {
        a.client->poll(1);
        a.voice->poll(0);
      }
    };
    VoiceSession& alice = *agents[0].voice;
    VoiceSession& bob = *agents[1].voice;
    bool track = false;
    int paths = 0;
    ASSERT_TRUE(alice.allocate_track([&](const proto::Result<uint32_t>& t) {
      ASSERT_TRUE(t) << t.error().code << " " << t.error().detail;
      track = true;
    }));
    for (auto& a : agents) {
      ASSERT_TRUE(a.voice->connect_media([&](VoicePath, const proto::Error&) { ++paths; }));
    }
    ASSERT_TRUE(allo::testing::wait_until([&] { return track && paths == 2; }, 5, pump));
    const VoicePath expected = direct ? VoicePath::kDirect : VoicePath::kCompatible;
    EXPECT_EQ(alice.path(), expected) << alice.fallback_reason();
    EXPECT_EQ(bob.path(), expected) << bob.fallback_reason();

    // The place published the track on alice's avatar (bob sees it in state).
    const std::string avatar = agents[0].client->avatar_id();
    ASSERT_TRUE(allo::testing::wait_until(
        [&] {
          const auto& entities = agents[1].client->state().document()["entities"];
          return entities.contains(avatar) && entities[avatar]["components"].contains("live_media");
        },
        5, pump));
    const auto& media =
        agents[1].client->state().document()["entities"][avatar]["components"]["live_media"];
    EXPECT_EQ(media["track_id"], alice.track());
    EXPECT_EQ(media["format"], "opus");

    std::vector<std::vector<int16_t>> heard;
    bob.on_audio([&](uint32_t from, std::span<const int16_t> pcm) {
      EXPECT_EQ(from, alice.track());
      heard.emplace_back(pcm.begin(), pcm.end());
    });
    size_t frame = 0;
    ASSERT_TRUE(allo::testing::wait_until([&] { return heard.size() >= 15; }, 5,
                                          [&] {
                                            EXPECT_TRUE(alice.send_pcm(sine_frame(frame++)));
                                            pump();
                                          }));
    for (const auto& pcm : heard) EXPECT_EQ(pcm.size(), kVoiceFrameSamples);
    EXPECT_NEAR(rms(heard.back()), 0.5 / std::sqrt(2.0), 0.07) << "the sine alice sent";
    EXPECT_EQ(bob.stats().decode_errors, 0u);
    for (auto& a : agents) {
      a.voice.reset();
      a.client->disconnect(0.2);
    }
  }
  stop(place);
  stop(sfu);
}

}  // namespace
}  // namespace allo::client
