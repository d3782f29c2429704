#include "proto/sfu_link.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace allo::proto::sfu_link {
namespace {

TEST(SfuLinkMedia, MediaFromAgentKnownBytes) {
  const std::vector<uint8_t> media = {0x00, 0x00, 0x00, 0x2A, 0xF8, 0xFF, 0xFE, '\n'};
  const std::vector<uint8_t> expected = {0x01,                    // tag: media_from_agent
                                         0x03, 'b',  'o',  'b',   // agent id, length-prefixed
                                         0x00, 0x00, 0x00, 0x2A,  // track 42 (big-endian)
                                         0xF8, 0xFF, 0xFE,        // Opus
                                         '\n'};                   // trailing byte
  EXPECT_EQ(encode_media_from_agent("bob", media), expected);
  auto parsed = parse_media_from_agent(expected);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->agent, "bob");
  EXPECT_EQ(std::vector<uint8_t>(parsed->media.begin(), parsed->media.end()), media);
}

TEST(SfuLinkMedia, MediaToAgentsKnownBytes) {
  const std::vector<uint8_t> media = {0x00, 0x00, 0x00, 0x07, 0xF8, '\n'};
  const std::vector<std::string_view> agents = {"a", "bc"};
  const std::vector<uint8_t> expected = {0x02,             // tag: media_to_agents
                                         0x00, 0x02,       // two agents
                                         0x01, 'a',        // agent "a"
                                         0x02, 'b',  'c',  // agent "bc"
                                         0x00, 0x00, 0x00,
                                         0x07, 0xF8, '\n'};  // the media packet, unchanged
  EXPECT_EQ(encode_media_to_agents(agents, media), expected);
  auto parsed = parse_media_to_agents(expected);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->agents, agents);
  EXPECT_EQ(std::vector<uint8_t>(parsed->media.begin(), parsed->media.end()), media);
}

TEST(SfuLinkMedia, RejectsMalformed) {
  EXPECT_EQ(parse_media_from_agent(std::vector<uint8_t>{}).error().code, "wrong_tag");
  EXPECT_EQ(parse_media_from_agent(std::vector<uint8_t>{0x02, 1, 'a', 9}).error().code,
            "wrong_tag");
  EXPECT_EQ(parse_media_from_agent(std::vector<uint8_t>{0x01}).error().code, "truncated");
  EXPECT_EQ(parse_media_from_agent(std::vector<uint8_t>{0x01, 5, 'a'}).error().code, "truncated");
  EXPECT_EQ(parse_media_from_agent(std::vector<uint8_t>{0x01, 0, 1}).error().code, "bad_agent");
  EXPECT_EQ(parse_media_from_agent(std::vector<uint8_t>{0x01, 1, 'a'}).error().code, "empty_media");
  std::vector<uint8_t> huge = {0x01, 1, 'a'};
  huge.resize(3 + limits::kMaxMediaPacketBytes + 1, 0);
  EXPECT_EQ(parse_media_from_agent(huge).error().code, "too_large");
  EXPECT_EQ(parse_media_to_agents(std::vector<uint8_t>{0x02, 0xFF, 0xFF}).error().code,
            "too_many_agents");
  EXPECT_EQ(parse_media_to_agents(std::vector<uint8_t>{0x02, 0x00, 0x02, 1, 'a'}).error().code,
            "truncated");
}

TEST(SfuLinkControl, PlaceMessagesKnownJson) {
  EXPECT_EQ(encode_place_message(TrackAdded{42, "alice", "e1"}),
            R"({"entity":"e1","owner":"alice","track":42,"type":"track_added"})"
            "\n");
  EXPECT_EQ(encode_place_message(Hello{1, "0123456789abcdef"}),
            R"({"secret":"0123456789abcdef","type":"hello","version":1})"
            "\n");
  auto positions = decode_place_message(R"({"type":"positions","agents":{"a":[1,2.5,-3]}})");
  ASSERT_TRUE(positions);
  const auto& p = std::get<Positions>(*positions);
  ASSERT_EQ(p.agents.size(), 1u);
  EXPECT_EQ(p.agents[0].agent, "a");
  EXPECT_FLOAT_EQ(p.agents[0].y, 2.5f);
  EXPECT_FLOAT_EQ(p.agents[0].z, -3.0f);
}

TEST(SfuLinkControl, SharedSocketMessagesKnownJson) {
  EXPECT_EQ(encode_place_message(AgentRouted{"12", {0x7F000001, 40000, 0x1002, 1392, 2049}}),
            R"({"agent":"12","route":{"group":2049,"ip":"127.0.0.1","mtu":1392,"peer":4098,)"
            R"("port":40000},"type":"agent_route"})"
            "\n");
  auto welcome = decode_sfu_message(
      R"({"type":"welcome","version":1,"direct_endpoint":"h:1","workers":2,"relay":"allo-sfu-x"})");
  ASSERT_TRUE(welcome);
  EXPECT_EQ(std::get<Welcome>(*welcome).relay, "allo-sfu-x");
  auto old_welcome =
      decode_sfu_message(R"({"type":"welcome","version":1,"direct_endpoint":"h:1","workers":2})");
  ASSERT_TRUE(old_welcome);
  EXPECT_TRUE(std::get<Welcome>(*old_welcome).relay.empty()) << "no shared socket offered";
  auto groups = decode_sfu_message(R"({"type":"route_groups","agents":{"3":17}})");
  ASSERT_TRUE(groups);
  EXPECT_EQ(std::get<RouteGroups>(*groups).agents,
            (std::vector<std::pair<std::string, uint16_t>>{{"3", 17}}));
}

TEST(SfuLinkControl, RejectsBadSharedSocketMessages) {
  auto route = [](const std::string& fields) {
    auto m = decode_place_message(R"({"type":"agent_route","agent":"1","route":{)" + fields + "}}");
    return m ? std::string("ok") : m.error().detail;
  };
  EXPECT_EQ(route(R"("ip":"127.0.0.1","port":1,"peer":2,"mtu":1400,"group":3)"), "ok");
  EXPECT_EQ(route(R"("ip":"::1","port":1,"peer":2,"mtu":1400,"group":3)"), "route.ip");
  EXPECT_EQ(route(R"("ip":"127.0.0.1","port":1,"peer":2,"mtu":1400,"group":65536)"), "route.group");
  EXPECT_EQ(route(R"("ip":"127.0.0.1","port":1,"peer":2,"mtu":1400)"), "route.group");
  EXPECT_EQ(route(R"("ip":"127.0.0.1","port":0,"peer":2,"mtu":1400,"group":3)"), "route");
  EXPECT_EQ(route(R"("ip":"127.0.0.1","port":1,"peer":2,"mtu":100,"group":3)"), "route");
  EXPECT_EQ(route(R"("ip":"127.0.0.1","port":1,"peer":2,"mtu":4097,"group":3)"), "route");
  EXPECT_EQ(route(R"("ip":"127.0.0.1","port":1,"peer":49153,"mtu":1400,"group":3)"), "route")
      << "bits 14-15 are ENet header flags";
  EXPECT_EQ(decode_place_message(R"({"type":"agent_route","agent":"1","route":[]})").error().detail,
            "route");
  EXPECT_EQ(decode_sfu_message(
                R"({"type":"welcome","version":1,"direct_endpoint":"h:1","workers":2,"relay":7})")
                .error()
                .detail,
            "relay");
  EXPECT_EQ(decode_sfu_message(R"({"type":"route_groups","agents":{"3":-1}})").error().detail,
            "agents.3");
  EXPECT_EQ(decode_sfu_message(R"({"type":"route_groups","agents":[]})").error().detail, "agents");
}

TEST(SfuLinkControl, RoundTripsEveryPlaceMessage) {
  const std::vector<PlaceMessage> messages = {
      Hello{1, "a-secret-of-16-bytes"},
      AgentJoined{"x"},
      AgentLeft{"x"},
      TrackAdded{1, "x", "e"},
      TrackRemoved{4000000000u},
      Positions{{{"x", 1, 2, 3}, {"y", 0, 0, 0}}},
      AgentRouted{"x", {0x7F000001, 5000, 0x1003, 1392, 9}}};
  for (const PlaceMessage& message : messages) {
    const std::string encoded = encode_place_message(message);
    auto decoded = decode_place_message(encoded);
    ASSERT_TRUE(decoded) << encoded << ": " << decoded.error().detail;
    EXPECT_EQ(encode_place_message(*decoded), encoded);
  }
}

TEST(SfuLinkControl, RoundTripsSfuMessages) {
  for (const SfuMessage& message :
       std::vector<SfuMessage>{Welcome{1, "127.0.0.1:21338", 2}, LoadReport{2, 3, 4, 5, 6, 7},
                               Welcome{1, "127.0.0.1:21338", 2, "allo-sfu-0a1b"},
                               RouteGroups{{{"7", 65535}, {"12", 0}}}}) {
    const std::string encoded = encode_sfu_message(message);
    auto decoded = decode_sfu_message(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(encode_sfu_message(*decoded), encoded);
  }
}

TEST(SfuLinkControl, RejectsBadControl) {
  EXPECT_EQ(decode_place_message("[1]").error().code, "not_object");
  EXPECT_EQ(decode_place_message(R"({"type":"nope"})").error().code, "unknown_type");
  EXPECT_EQ(decode_place_message(R"({"type":"hello","version":2,"secret":"0123456789abcdef"})")
                .error()
                .code,
            "unsupported_version");
  auto short_secret = decode_place_message(R"({"type":"hello","version":1,"secret":"short"})");
  EXPECT_EQ(short_secret.error().detail, "secret");
  auto bad_track = decode_place_message(R"({"type":"track_removed","track":-1})");
  EXPECT_EQ(bad_track.error().code, "bad_field");
  EXPECT_EQ(bad_track.error().detail, "track");
  EXPECT_EQ(
      decode_place_message(R"({"type":"track_added","track":5000000000,"owner":"a","entity":"e"})")
          .error()
          .detail,
      "track");
  EXPECT_EQ(decode_place_message(R"({"type":"positions","agents":{"a":[1,2]}})").error().code,
            "bad_field");
}

TEST(SfuLinkDirect, HelloRoundTrip) {
  auto hello = decode_direct_hello(encode_direct_hello({"tok"}));
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->token, "tok");
  EXPECT_EQ(decode_direct_hello(R"({"type":"hello"})").error().code, "bad_field");
  EXPECT_EQ(encode_direct_refused("bad_token"),
            "{\"reason\":\"bad_token\",\"type\":\"refused\"}\n");
}

// Replays the named seed corpus through the fuzz entry (must never crash).
TEST(SfuLinkCorpus, ReplaysSeedCorpus) {
  const std::filesystem::path dir = std::filesystem::path(ALLO_CORPUS_DIR) / "sfu_link";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(fuzz_sfu_link(data.data(), data.size()), 0) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 5u);
}

}  // namespace
}  // namespace allo::proto::sfu_link
