#include "proto/clock.hpp"

#include <gtest/gtest.h>

#include <string>

#include "proto/json_frame.hpp"
#include "proto/limits.hpp"

namespace allo::proto {
namespace {

// What deployed clients send: their monotonic time, plus the framing '\n'.
const std::string kDeployedRequest = R"({"client_time":123.5})"
                                     "\n";
// What the seeds describe: the same time named client_clock.
const std::string kSeedRequest = R"({"client_clock":123.5})"
                                 "\n";

json decode(const std::string& wire) {
  return *decode_json(wire, limits::kMaxClockBytes, limits::kMaxJsonDepth);
}

TEST(Clock, ParsesBothNamings) {
  for (const auto& wire : {kDeployedRequest, kSeedRequest}) {
    auto r = parse_clock_request(decode(wire));
    ASSERT_TRUE(r) << wire;
    EXPECT_EQ(r->client_time, 123.5);
  }
  auto both = parse_clock_request(json::parse(R"({"client_time":1,"client_clock":2})"));
  ASSERT_TRUE(both);
  EXPECT_EQ(both->client_time, 1);  // client_time wins when both are there
}

TEST(Clock, IntegerTimesAreAccepted) {
  auto r = parse_clock_request(json::parse(R"({"client_time":42})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->client_time, 42.0);
}

TEST(Clock, ReplyCarriesBothNamingsAndEchoesThePacket) {
  auto r = parse_clock_request(json::parse(R"({"client_time":123.5,"seq":9})"));
  ASSERT_TRUE(r);
  json reply = clock_reply(*r, 456.25);
  // The exact wire reply: keys sorted, the extra field echoed, one '\n'.
  EXPECT_EQ(encode_json(reply),
            R"({"client_clock":123.5,)"  // seed naming of the client's time
            R"("client_time":123.5,)"    // deployed naming, echoed
            R"("seq":9,)"                // unknown fields come back untouched
            R"("server_clock":456.25,)"  // seed naming of the server's time
            R"("server_time":456.25})"   // what deployed clients read
            "\n");
}

TEST(Clock, ReplyRoundTripsForEitherKindOfClient) {
  for (const auto& wire : {kDeployedRequest, kSeedRequest}) {
    auto r = parse_clock_request(decode(wire));
    ASSERT_TRUE(r);
    auto back = parse_clock_reply(decode(encode_json(clock_reply(*r, 456.25))));
    ASSERT_TRUE(back) << back.error().detail;
    EXPECT_EQ(back->client_time, 123.5);
    EXPECT_EQ(back->server_time, 456.25);
  }
}

TEST(Clock, ParsesASeedStyleReply) {
  auto back = parse_clock_reply(json::parse(R"({"client_clock":1.5,"server_clock":9.5})"));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->client_time, 1.5);
  EXPECT_EQ(back->server_time, 9.5);
}

TEST(Clock, MalformedRequests) {
  for (const char* text : {"[]", "12", "{}", R"({"client_time":"12"})", R"({"client_clock":null})",
                           R"({"server_time":3})"}) {
    auto r = parse_clock_request(json::parse(text));
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, "malformed_clock") << text;
  }
}

TEST(Clock, MalformedReplies) {
  for (const char* text : {"[]", R"({"client_time":1})", R"({"server_time":1})",
                           R"({"client_time":1,"server_time":"2"})"}) {
    auto r = parse_clock_reply(json::parse(text));
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, "malformed_clock") << text;
  }
}

}  // namespace
}  // namespace allo::proto
