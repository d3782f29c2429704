// End to end: voice through the real alloplace --sfu and the real allo-sfu,
// with real Opus. Seed-protocol clients on raw ENet connections (channel 3,
// unchanged), an SDK client watching the place entity, and a direct-path
// client using a token from the place. One SFU and one place for the suite;
// the restart test kills and restarts the SFU. Every wait has a deadline.
#include <gtest/gtest.h>

#include <optional>

#include "place_process.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"
#include "proto/media_packet.hpp"
#include "proto/sfu_link.hpp"
#include "sfu/opus_level_meter.hpp"
#include "tests/sfu/opus_test_signal.hpp"
#include "tests/support/enet_peer.hpp"

namespace allo::testing {
namespace {

using nlohmann::json;
namespace link = proto::sfu_link;

// A client that only knows the seed protocol, on a raw ENet connection.
class SeedClient {
 public:
  void join(uint16_t port, const std::string& name) {
    ASSERT_TRUE(peer_.connect("127.0.0.1", port, 5.0));
    json reply = request({"announce",
                          "version",
                          2,
                          "identity",
                          {{"display_name", name}},
                          "spawn_avatar",
                          {{"geometry", {{"type", "hardcoded-model"}}}}});
    ASSERT_EQ(reply[0], "announce") << reply.dump();
    avatar = reply[1];
  }
  // A request to "place" from the avatar; the response body (null on timeout).
  json request(const json& body) {
    const std::string id = "r" + std::to_string(++requests_);
    peer_.send(limits::kChannelCommands,
               proto::encode_json({"interaction", "request", avatar, "place", id, body}));
    std::optional<json> reply;
    wait_until([&] { return reply.has_value(); }, 5.0,
               [&] {
                 pump();
                 for (const auto& text : commands_) {
                   auto doc = proto::decode_json(text, 1 << 20, 64);
                   if (doc && doc->size() == 6 && (*doc)[4] == id) reply = (*doc)[5];
                 }
                 commands_.clear();
               });
    return reply.value_or(json());
  }
  void send_media(uint32_t track, const std::vector<uint8_t>& opus) {
    auto packet = proto::encode_media_packet(track, opus);
    peer_.send(limits::kChannelMedia, std::string(packet.begin(), packet.end()), false);
  }
  // Services the connection briefly: channel-3 packets are kept in `media`.
  void pump(int timeout_ms = 1) {
    peer_.poll(timeout_ms);
    for (auto& p : peer_.received()) {
      if (p.channel == limits::kChannelMedia) media.push_back(std::move(p.bytes));
      if (p.channel == limits::kChannelCommands) commands_.push_back(std::move(p.bytes));
    }
    peer_.received().clear();
  }
  // Asks for a track; its id (0 on failure).
  uint32_t allocate_track() {
    json reply = request({"allocate_track", "audio", 48000, 1, "opus"});
    EXPECT_EQ(reply[0], "allocate_track") << reply.dump();
    EXPECT_EQ(reply[1], "ok") << reply.dump();
    return reply.size() == 3 && reply[2].is_number_unsigned() ? reply[2].get<uint32_t>() : 0;
  }

  std::string avatar;
  std::vector<std::string> media;

 private:
  EnetPeer peer_;
  std::vector<std::string> commands_;
  int requests_ = 0;
};

// Every packet is [u32 track][Opus][\n] of `track`; decoded in order (as a
// listener does) each is 20 ms, and the audio is the -6 dBFS sine sent.
void expect_intact_voice(const std::vector<std::string>& media, uint32_t track) {
  std::vector<std::vector<uint8_t>> payloads;
  for (const auto& bytes : media) {
    auto packet =
        proto::parse_media_packet({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->track_id, track);
    EXPECT_EQ(bytes.back(), '\n');
    payloads.emplace_back(packet->payload.begin(), packet->payload.end());
  }
  const auto pcm = sfu::test::decode_opus_stream(payloads);
  for (const auto& frame : pcm) EXPECT_EQ(frame.size(), 960u) << "20 ms at 48 kHz";
  ASSERT_GE(pcm.size(), 3u);
  EXPECT_NEAR(allo::rms_dbfs(pcm.back()), -6.0f, 2.0f) << "the sine that was sent";
}

class VoiceE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sfu_ = std::make_unique<SfuProcess>();
    place_ =
        std::make_unique<PlaceProcess>(std::vector<std::string>{"--sfu", sfu_->link_endpoint()});
  }
  static void TearDownTestSuite() {
    place_.reset();
    sfu_.reset();
  }

  void SetUp() override {
    observer = join(*place_, "observer");
    for (SeedClient* c : {&speaker, &listener}) c->join(place_->port, "seed");
    ASSERT_TRUE(wait_for_media_service(true)) << "the place's SFU link came up";
  }

  // Services every client for about one 20 ms frame.
  void pump_all() {
    for (int i = 0; i < 10; ++i) {
      speaker.pump(1);
      listener.pump(1);
      observer->poll(0);
    }
  }
  // The speaker sends one frame every ~20 ms until `done()`.
  bool speak_until(uint32_t track, const std::function<bool()>& done, double timeout = 5.0) {
    return wait_until(done, timeout, [&] {
      speaker.send_media(track, opus[frame++ % opus.size()]);
      pump_all();
    });
  }
  // A component of an entity as the observer sees it (null when absent).
  json component(const std::string& entity, const std::string& name) {
    const json& doc = observer->state().document();
    auto entities = doc.find("entities");
    if (entities == doc.end() || !entities->contains(entity)) return json();
    return (*entities)[entity]["components"].value(name, json());
  }
  json place_component(const std::string& name) { return component("place", name); }
  bool wait_for_media_service(bool present) {
    const json expected = {{"direct_endpoint", "127.0.0.1:" + std::to_string(sfu_->direct_port)}};
    return wait_until(
        [&] {
          return present ? place_component("media_service") == expected
                         : place_component("media_service").is_null();
        },
        8.0, [&] { pump_all(); });
  }
  double place_rejected(const std::string& reason) {
    return place_->metric("alloplace_rejected_total", "reason=\"" + reason + "\"");
  }

  static std::unique_ptr<SfuProcess> sfu_;
  static std::unique_ptr<PlaceProcess> place_;
  std::unique_ptr<client::Client> observer;
  SeedClient speaker, listener;
  std::vector<std::vector<uint8_t>> opus = sfu::test::encode_sine(0.5f, 440, 100);
  size_t frame = 0;
};

std::unique_ptr<SfuProcess> VoiceE2E::sfu_;
std::unique_ptr<PlaceProcess> VoiceE2E::place_;

TEST_F(VoiceE2E, CompatiblePathCarriesRealOpusBetweenSeedClients) {
  const uint32_t track = speaker.allocate_track();
  ASSERT_NE(track, 0u);
  // Visors learn which entity plays the track from its live_media component.
  const json live_media = {
      {"track_id", track}, {"sample_rate", 48000}, {"channel_count", 1}, {"format", "opus"}};
  ASSERT_TRUE(wait_until([&] { return component(speaker.avatar, "live_media") == live_media; }, 5.0,
                         [&] { pump_all(); }));

  ASSERT_TRUE(speak_until(track, [&] { return listener.media.size() >= 10; }));
  expect_intact_voice(listener.media, track);
  EXPECT_TRUE(speaker.media.empty()) << "a speaker does not hear itself";
  // On one machine the place lends its socket: the SFU wrote those packets.
  EXPECT_EQ(sfu_->metric("allo_sfu_shared_socket"), 1);
  EXPECT_GE(sfu_->metric("allo_sfu_shared_socket_routes"), 3);
  EXPECT_EQ(sfu_->metric("allo_sfu_dropped_total", "reason=\"socket_full\""), 0);
}

TEST_F(VoiceE2E, NonOwnersMediaIsDroppedByThePlaceAndCounted) {
  const uint32_t track = speaker.allocate_track();
  ASSERT_NE(track, 0u);
  const double not_owner_before = place_rejected("media_not_owner");
  const double sfu_in_before = sfu_->metric("allo_sfu_packets_in_total", "worker=\"link\"");
  for (int i = 0; i < 5; ++i) listener.send_media(track, opus[i]);  // not the listener's track
  ASSERT_TRUE(wait_until([&] { return place_rejected("media_not_owner") >= not_owner_before + 5; },
                         5.0, [&] { pump_all(); }));
  // The owner's packets, sent after, still flow; once the SFU has counted
  // them, it has seen everything the place forwarded before them.
  ASSERT_TRUE(speak_until(track, [&] {
    return sfu_->metric("allo_sfu_packets_in_total", "worker=\"link\"") >= sfu_in_before + 5;
  }));
  EXPECT_EQ(sfu_->metric("allo_sfu_dropped_total", "reason=\"not_owner\""), 0)
      << "the place did not forward them";
  EXPECT_EQ(place_rejected("media_not_owner"), not_owner_before + 5);
}

TEST_F(VoiceE2E, MediaTokenOpensTheDirectPathToTheSfu) {
  const uint32_t track = speaker.allocate_track();
  ASSERT_NE(track, 0u);
  json reply = listener.request(json::array({"media_token"}));
  ASSERT_EQ(reply.size(), 4u) << reply.dump();
  EXPECT_EQ(reply[0], "media_token");
  const std::string endpoint = "127.0.0.1:" + std::to_string(sfu_->direct_port);
  EXPECT_EQ(reply[2], endpoint);
  EXPECT_EQ(reply[3], 60);

  EnetPeer direct;
  ASSERT_TRUE(direct.connect("127.0.0.1", sfu_->direct_port, 5.0));
  direct.send(limits::kChannelState, link::encode_direct_hello({reply[1].get<std::string>()}));
  auto welcome = proto::decode_json(direct.next(limits::kChannelState, 5.0), 4096, 8);
  ASSERT_TRUE(welcome);
  EXPECT_EQ((*welcome)["type"], "welcome") << welcome->dump();

  std::vector<std::string> heard;
  ASSERT_TRUE(speak_until(track, [&] {
    direct.poll(1);
    for (auto& p : direct.received()) {
      if (p.channel == limits::kChannelMedia) heard.push_back(std::move(p.bytes));
    }
    direct.received().clear();
    return heard.size() >= 10;
  }));
  expect_intact_voice(heard, track);
}

// Restarts the suite's place.
TEST_F(VoiceE2E, APlaceKilledBesideItsSfuGetsItsPortBackAndLendsItsSocketAgain) {
  ASSERT_TRUE(wait_until([&] { return sfu_->metric("allo_sfu_shared_socket") == 1; }, 5.0,
                         [&] { pump_all(); }));
  // The SFU holds a copy of the dead place's socket until it sees their
  // connection close; the new place must still get the port.
  place_->restart_now();
  observer = join(*place_, "observer");
  SeedClient talker, hearer;
  talker.join(place_->port, "talker");
  hearer.join(place_->port, "hearer");
  ASSERT_TRUE(wait_for_media_service(true));
  const uint32_t track = talker.allocate_track();
  ASSERT_NE(track, 0u);
  ASSERT_TRUE(wait_until([&] { return hearer.media.size() >= 10; }, 5.0,
                         [&] {
                           talker.send_media(track, opus[frame++ % opus.size()]);
                           for (int i = 0; i < 10; ++i) {
                             talker.pump(1);
                             hearer.pump(1);
                             observer->poll(0);
                           }
                         }));
  expect_intact_voice(hearer.media, track);
  EXPECT_EQ(sfu_->metric("allo_sfu_shared_socket"), 1) << "lent again by the new place";
}

// Keep last: it restarts the suite's SFU.
TEST_F(VoiceE2E, SfuRestartPausesVoiceAndThePlaceKeepsWorking) {
  const uint32_t track = speaker.allocate_track();
  ASSERT_NE(track, 0u);
  ASSERT_TRUE(speak_until(track, [&] { return listener.media.size() >= 3; }));

  EXPECT_EQ(place_->metric("alloplace_sfu_link_up"), 1);
  const double ups = place_->metric("alloplace_sfu_link_ups_total");
  sfu_->kill_now();
  ASSERT_TRUE(wait_for_media_service(false)) << "the place noticed the SFU is gone";
  EXPECT_EQ(place_->metric("alloplace_sfu_link_up"), 0);
  // Everything else keeps working; voice is dropped and counted.
  json spawned;
  bool done = false;
  observer->spawn_entity({{"text", {{"string", "still here"}}}}, [&](const json& r) {
    spawned = r;
    done = true;
  });
  ASSERT_TRUE(wait_until([&] { return done; }, 5.0, [&] { pump_all(); }));
  EXPECT_EQ(spawned[0], "spawn_entity") << spawned.dump();
  EXPECT_EQ(listener.request(json::array({"media_token"}))[1], "media_unavailable");
  const double no_sfu_before = place_rejected("media_no_sfu");
  speaker.send_media(track, opus[0]);
  EXPECT_TRUE(wait_until([&] { return place_rejected("media_no_sfu") > no_sfu_before; }, 5.0,
                         [&] { pump_all(); }));

  sfu_->start();
  ASSERT_TRUE(wait_for_media_service(true)) << "the link came back";
  EXPECT_EQ(place_->metric("alloplace_sfu_link_ups_total"), ups + 1);
  // The place replayed agents and tracks: the same track is heard again.
  listener.media.clear();
  ASSERT_TRUE(speak_until(track, [&] { return listener.media.size() >= 10; }));
  expect_intact_voice(listener.media, track);
}

}  // namespace
}  // namespace allo::testing
