// Voice request bodies and the pure parsers of the place's / SFU's replies.
#include "allo/voice_place_replies.hpp"

#include <gtest/gtest.h>

namespace allo::client {
namespace {

using nlohmann::json;

TEST(VoicePlaceReplies, RequestBodiesUseTheSeedForms) {
  EXPECT_EQ(allocate_track_body().dump(), R"(["allocate_track","audio",48000,1,"opus"])");
  EXPECT_EQ(media_token_body().dump(), R"(["media_token"])");
}

TEST(VoicePlaceReplies, AllocateTrack) {
  auto ok = parse_allocate_track_reply(json::parse(R"(["allocate_track","ok",7])"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 7u);
  auto failed = parse_allocate_track_reply(
      json::parse(R"(["allocate_track","failed","unsupported media format"])"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "allocate_failed");
  EXPECT_EQ(failed.error().detail, "unsupported media format");
  auto error = parse_allocate_track_reply(json::parse(R"(["error","timeout","no reply"])"));
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().code, "timeout");
  for (const char* bad : {R"(["allocate_track","ok",0])", R"(["allocate_track","ok",4294967296])",
                          R"(["allocate_track","ok","7"])", R"(["allocate_track","maybe",1])",
                          R"(["announce","ok",1])", R"({"a":1})", "[]"}) {
    auto out = parse_allocate_track_reply(json::parse(bad));
    ASSERT_FALSE(out) << bad;
    EXPECT_EQ(out.error().code, "bad_reply") << bad;
  }
}

TEST(VoicePlaceReplies, MediaToken) {
  auto ok = parse_media_token_reply(
      json::parse(R"(["media_token","123.616c.ff","127.0.0.1:21338",1700000000])"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->token, "123.616c.ff");
  EXPECT_EQ(ok->endpoint.host, "127.0.0.1");
  EXPECT_EQ(ok->endpoint.port, 21338);
  EXPECT_EQ(ok->expiry, 1700000000);
  auto unavailable =
      parse_media_token_reply(json::parse(R"(["error","media_unavailable","no SFU"])"));
  ASSERT_FALSE(unavailable);
  EXPECT_EQ(unavailable.error().code, "media_unavailable");
  for (const char* bad : {R"(["media_token","t","no-port",1])", R"(["media_token","","h:1",1])",
                          R"(["media_token","t","h:1"])", R"(["media_token",1,"h:1",1])"}) {
    auto out = parse_media_token_reply(json::parse(bad));
    ASSERT_FALSE(out) << bad;
    EXPECT_EQ(out.error().code, "bad_reply") << bad;
  }
}

TEST(VoicePlaceReplies, DirectWelcomeAndRefusal) {
  auto welcome = parse_direct_reply("{\"type\":\"welcome\",\"agent\":\"alice\"}\n");
  ASSERT_TRUE(welcome);
  EXPECT_EQ(*welcome, "alice");
  auto refused = parse_direct_reply(R"({"type":"refused","reason":"expired"})");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "refused");
  EXPECT_EQ(refused.error().detail, "expired");
  for (const char* bad : {"not json", R"({"type":"welcome"})", R"({"type":5})", "[1]"}) {
    auto out = parse_direct_reply(bad);
    ASSERT_FALSE(out) << bad;
    EXPECT_EQ(out.error().code, "bad_reply") << bad;
  }
}

}  // namespace
}  // namespace allo::client
