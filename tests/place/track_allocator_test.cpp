// TrackAllocator: allocate_track in both body forms, live_media, release on
// entity removal, component removal and agent leave.
#include "place/track_allocator.hpp"

#include <prometheus/text_serializer.h>

#include "place_fixture.hpp"
#include "tests/support/net.hpp"

namespace allo::place::testing {
namespace {

TEST(ParseAllocateTrack, SeedForm) {
  auto media = parse_allocate_track(json::array({"allocate_track", "audio", 48000, 1, "opus"}));
  ASSERT_TRUE(media) << media.error().detail;
  EXPECT_EQ(media->media_type, "audio");
  EXPECT_EQ(media->sample_rate, 48000);
  EXPECT_EQ(media->channel_count, 1);
  EXPECT_EQ(media->format, "opus");
  EXPECT_EQ(unsupported_media_reason(*media), "");
}

TEST(ParseAllocateTrack, NewerFormWithAndWithoutMetadata) {
  auto media = parse_allocate_track(json::array(
      {"allocate_track", "audio", "opus", {{"sample_rate", 48000}, {"channel_count", 1}}}));
  ASSERT_TRUE(media) << media.error().detail;
  EXPECT_EQ(media->format, "opus");
  EXPECT_EQ(unsupported_media_reason(*media), "");

  auto bare = parse_allocate_track(json::array({"allocate_track", "audio", "opus"}));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->sample_rate, 48000) << "defaults when the metadata leaves it out";
  EXPECT_EQ(bare->channel_count, 1);

  auto stereo = parse_allocate_track(
      json::array({"allocate_track", "audio", "opus", {{"channel_count", 2}}}));
  ASSERT_TRUE(stereo);
  EXPECT_EQ(unsupported_media_reason(*stereo), "only mono (1 channel) audio is supported");
}

TEST(ParseAllocateTrack, MalformedBodies) {
  for (const json& body :
       {json::array({"allocate_track"}), json::array({"allocate_track", 3}),
        json::array({"allocate_track", "audio"}),
        json::array({"allocate_track", "audio", 48000, 1, 7}),
        json::array({"allocate_track", "audio", 48000.5, 1, "opus"}),
        json::array({"allocate_track", "audio", "opus", "meta"}),
        json::array({"allocate_track", "audio", "opus", {{"sample_rate", "x"}}})}) {
    auto media = parse_allocate_track(body);
    ASSERT_FALSE(media) << body.dump();
    EXPECT_EQ(media.error().code, "invalid_request");
  }
}

TEST(UnsupportedMedia, NamesWhatIsWrong) {
  EXPECT_EQ(unsupported_media_reason({"video", "mjpeg", 0, 0}), "only audio tracks are supported");
  EXPECT_EQ(unsupported_media_reason({"audio", "pcm", 48000, 1}),
            "only the opus audio format is supported");
  EXPECT_EQ(unsupported_media_reason({"audio", "opus", 44100, 1}),
            "only a sample rate of 48000 is supported");
}

struct RecordingTrackListener : TrackListener {
  void on_track_added(const Track& t) override { added.push_back(t); }
  void on_track_removed(const Track& t) override { removed.push_back(t); }
  std::vector<Track> added, removed;
};

class TrackAllocatorTest : public PlaceFixture {
 public:
  TrackAllocatorTest() : tracks(place, &listener) {}

  json allocate(AgentId agent, const std::string& from, const json& body) {
    send(agent, request(agent, from, "place", "t" + std::to_string(++request_no), body));
    return this->body(agent);
  }
  void tick() {
    now += 0.05;
    place.tick(now);
  }
  json components(const std::string& entity) {
    const auto* rec = place.world().find(entity);
    return rec ? rec->value->components() : json();
  }
  double rejected(const std::string& reason) {
    return allo::testing::metric_value(serialize_metrics(), "alloplace_rejected_total",
                                       "reason=\"" + reason + "\"");
  }
  std::string serialize_metrics() {
    return prometheus::TextSerializer().Serialize(registry.Collect());
  }

  RecordingTrackListener listener;
  TrackAllocator tracks;
  int request_no = 0;
  const json seed_body = json::array({"allocate_track", "audio", 48000, 1, "opus"});
};

TEST_F(TrackAllocatorTest, AllocatesATrackAndAddsLiveMediaToTheSendingEntity) {
  std::string avatar = join(1);
  EXPECT_EQ(allocate(1, avatar, seed_body), json::array({"allocate_track", "ok", 1}));
  tick();
  EXPECT_EQ(
      components(avatar)["live_media"],
      json({{"track_id", 1}, {"sample_rate", 48000}, {"channel_count", 1}, {"format", "opus"}}));
  ASSERT_EQ(listener.added.size(), 1u);
  EXPECT_EQ(listener.added[0].id, 1u);
  EXPECT_EQ(listener.added[0].owner, 1u);
  EXPECT_EQ(listener.added[0].entity, avatar);
  EXPECT_TRUE(tracks.owns(1, 1));
  EXPECT_FALSE(tracks.owns(2, 1));
  EXPECT_FALSE(tracks.owns(1, 2));
  // The other components are kept.
  EXPECT_EQ(components(avatar)["geometry"]["name"], "head");
}

TEST_F(TrackAllocatorTest, SameEntityKeepsItsTrackAndOtherEntitiesGetNewIds) {
  std::string a = join(1, "annie");
  std::string b = join(2, "bert");
  EXPECT_EQ(allocate(1, a, seed_body), json::array({"allocate_track", "ok", 1}));
  EXPECT_EQ(allocate(1, a, json::array({"allocate_track", "audio", "opus", json::object()})),
            json::array({"allocate_track", "ok", 1}));
  EXPECT_EQ(allocate(2, b, seed_body), json::array({"allocate_track", "ok", 2}));
  EXPECT_EQ(listener.added.size(), 2u);
  EXPECT_TRUE(tracks.owns(2, 2));
}

TEST_F(TrackAllocatorTest, UnsupportedOrMalformedRequestsFailWithAReason) {
  std::string avatar = join(1);
  EXPECT_EQ(allocate(1, avatar, json::array({"allocate_track", "video", "mjpeg", json::object()})),
            json::array({"allocate_track", "failed", "only audio tracks are supported"}));
  EXPECT_EQ(allocate(1, avatar, json::array({"allocate_track", "audio", 44100, 1, "opus"})),
            json::array({"allocate_track", "failed", "only a sample rate of 48000 is supported"}));
  json malformed = allocate(1, avatar, json::array({"allocate_track"}));
  EXPECT_EQ(malformed[0], "allocate_track");
  EXPECT_EQ(malformed[1], "failed");
  EXPECT_TRUE(tracks.tracks().empty());
  EXPECT_TRUE(listener.added.empty());
  EXPECT_EQ(rejected("allocate_track_failed"), 3);
  tick();
  EXPECT_FALSE(components(avatar).contains("live_media"));
}

TEST_F(TrackAllocatorTest, ReleasedWhenTheEntityIsRemoved) {
  join(1);
  send(1, request(1, place.agent(1)->avatar, "place", "s", {"spawn_entity", json::object()}));
  std::string speaker = body(1)[1];
  EXPECT_EQ(allocate(1, speaker, seed_body), json::array({"allocate_track", "ok", 1}));
  tick();
  send(1, request(1, speaker, "place", "r", {"remove_entity", speaker}));
  EXPECT_EQ(body(1), json::array({"remove_entity", "ok"}));
  EXPECT_TRUE(listener.removed.empty()) << "released when the revision is committed";
  tick();
  ASSERT_EQ(listener.removed.size(), 1u);
  EXPECT_EQ(listener.removed[0].id, 1u);
  EXPECT_TRUE(tracks.tracks().empty());
}

TEST_F(TrackAllocatorTest, ReleasedWhenLiveMediaIsRemovedFromTheEntity) {
  std::string avatar = join(1);
  allocate(1, avatar, seed_body);
  tick();
  send(1, request(1, avatar, "place", "c",
                  {"change_components", avatar, "add_or_change", json::object(), "remove",
                   json::array({"live_media"})}));
  tick();
  ASSERT_EQ(listener.removed.size(), 1u);
  EXPECT_EQ(tracks.find(1), nullptr);
}

TEST_F(TrackAllocatorTest, UnrelatedChangesKeepTheTrack) {
  std::string avatar = join(1);
  allocate(1, avatar, seed_body);
  tick();
  send(1, request(1, avatar, "place", "c",
                  {"change_components", avatar, "add_or_change", {{"text", {{"string", "hi"}}}}}));
  tick();
  EXPECT_TRUE(listener.removed.empty());
  EXPECT_EQ(components(avatar)["live_media"]["track_id"], 1);
}

TEST_F(TrackAllocatorTest, ReleasedWhenTheAgentLeaves) {
  std::string a = join(1, "annie");
  std::string b = join(2, "bert");
  allocate(1, a, seed_body);
  allocate(2, b, seed_body);
  place.on_disconnect(1);
  ASSERT_EQ(listener.removed.size(), 1u);
  EXPECT_EQ(listener.removed[0].owner, 1u);
  tick();
  EXPECT_EQ(listener.removed.size(), 1u) << "not released twice";
  EXPECT_TRUE(tracks.owns(2, 2));
}

TEST_F(TrackAllocatorTest, AnAgentMayHoldALimitedNumberOfTracks) {
  join(1);
  for (size_t i = 0; i <= kMaxTracksPerAgent; ++i) {
    send(1, request(1, place.agent(1)->avatar, "place", "s" + std::to_string(i),
                    {"spawn_entity", json::object()}));
    std::string entity = body(1)[1];
    json reply = allocate(1, entity, seed_body);
    if (i < kMaxTracksPerAgent) {
      EXPECT_EQ(reply[1], "ok") << i;
    } else {
      EXPECT_EQ(reply,
                json::array({"allocate_track", "failed", "an agent may hold at most 16 tracks"}));
    }
  }
  EXPECT_EQ(tracks.tracks().size(), kMaxTracksPerAgent);
}

}  // namespace
}  // namespace allo::place::testing
