#include "proto/interaction.hpp"

#include <gtest/gtest.h>

#include <string>

#include "proto/json_frame.hpp"
#include "proto/limits.hpp"

namespace allo::proto {
namespace {

// An announce request as deployed clients send it on channel 1.
const std::string kAnnounce =
    R"(["interaction",)"  // tag
    R"("request",)"       // type
    R"("",)"              // from: the agent has no entity yet
    R"("place",)"         // to: the place itself
    R"("req-1",)"         // request id, echoed by the response
    R"(["announce","version",2,"identity",{"display_name":"Ana"},"spawn_avatar",{}]])";  // body

json parse(std::string_view text) {
  return json::parse(text);
}

json with(json doc, size_t index, json value) {
  doc[index] = std::move(value);
  return doc;
}

TEST(Interaction, ParsesAnnounceRequest) {
  auto i = parse_interaction(parse(kAnnounce));
  ASSERT_TRUE(i) << i.error().detail;
  EXPECT_EQ(i->type, InteractionType::kRequest);
  EXPECT_EQ(i->from, "");
  EXPECT_EQ(i->to, "place");
  EXPECT_EQ(i->request_id, "req-1");
  EXPECT_EQ(i->name(), "announce");
  EXPECT_EQ(i->body[2], 2);
}

TEST(Interaction, RoundTripGivesTheSameWireBytes) {
  auto i = parse_interaction(parse(kAnnounce));
  ASSERT_TRUE(i);
  EXPECT_EQ(encode_json(to_json(*i)), kAnnounce + "\n");
  auto again = parse_interaction(to_json(*i));
  ASSERT_TRUE(again);
  EXPECT_EQ(to_json(*again), to_json(*i));
}

TEST(Interaction, AllTypesAndTheOneWaySpelling) {
  json base = parse(kAnnounce);
  struct Case {
    const char* wire;
    InteractionType type;
    const char* written;
  } cases[] = {{"request", InteractionType::kRequest, "request"},
               {"response", InteractionType::kResponse, "response"},
               {"oneway", InteractionType::kOneway, "oneway"},
               {"one-way", InteractionType::kOneway, "oneway"},  // older spelling
               {"publication", InteractionType::kPublication, "publication"}};
  for (const auto& c : cases) {
    auto i = parse_interaction(with(base, 1, c.wire));
    ASSERT_TRUE(i) << c.wire;
    EXPECT_EQ(i->type, c.type);
    EXPECT_EQ(to_string(i->type), c.written);
    EXPECT_EQ(to_json(*i)[1], c.written);
  }
}

TEST(Interaction, OnewayAndPublicationNeedNoRequestId) {
  json doc = with(parse(kAnnounce), 4, "");
  EXPECT_TRUE(parse_interaction(with(doc, 1, "oneway")));
  EXPECT_TRUE(parse_interaction(with(with(doc, 1, "publication"), 3, "")));
}

TEST(Interaction, MakeResponseSwapsEndsAndKeepsTheId) {
  auto request = parse_interaction(with(parse(kAnnounce), 2, "avatar-7"));
  ASSERT_TRUE(request);
  Interaction response = make_response(*request, json::array({"announce", "avatar-7", "Lobby"}));
  EXPECT_EQ(response.type, InteractionType::kResponse);
  EXPECT_EQ(response.from, "place");
  EXPECT_EQ(response.to, "avatar-7");
  EXPECT_EQ(response.request_id, "req-1");
  EXPECT_EQ(to_json(response), parse(R"(["interaction","response","place","avatar-7","req-1",)"
                                     R"(["announce","avatar-7","Lobby"]])"));
  EXPECT_TRUE(parse_interaction(to_json(response)));
}

TEST(Interaction, ErrorBodyIsAnArrayStartingWithAString) {
  json body = error_body("invalid_request", "no such entity");
  EXPECT_EQ(body, parse(R"(["error","invalid_request","no such entity"])"));
  auto request = parse_interaction(parse(kAnnounce));
  ASSERT_TRUE(request);
  auto reply = parse_interaction(to_json(make_response(*request, body)));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->name(), "error");
}

void expect_error(const json& doc, const char* code) {
  auto i = parse_interaction(doc);
  ASSERT_FALSE(i) << doc.dump();
  EXPECT_EQ(i.error().code, code) << doc.dump();
  EXPECT_FALSE(i.error().detail.empty());
}

TEST(Interaction, MalformedShapes) {
  json base = parse(kAnnounce);
  expect_error(json::object(), "malformed_interaction");
  expect_error(parse(R"(["interaction","request","","place","r"])"), "malformed_interaction");
  json seven = base;
  seven.push_back(1);
  expect_error(seven, "malformed_interaction");
  expect_error(with(base, 0, "interactions"), "malformed_interaction");
  expect_error(with(base, 1, "shout"), "malformed_interaction");
  expect_error(with(base, 2, 5), "malformed_interaction");
  expect_error(with(base, 3, nullptr), "malformed_interaction");
  expect_error(with(base, 4, 17), "malformed_interaction");
}

TEST(Interaction, BodyMustBeAnArrayStartingWithAString) {
  json base = parse(kAnnounce);
  expect_error(with(base, 5, json::object({{"announce", 1}})), "malformed_interaction");
  expect_error(with(base, 5, json::array()), "malformed_interaction");
  expect_error(with(base, 5, json::array({42, "announce"})), "malformed_interaction");
  expect_error(with(base, 5, json::array({json::array({"announce"})})), "malformed_interaction");
  expect_error(with(base, 5, "announce"), "malformed_interaction");
}

TEST(Interaction, IdsLongerThanTheLimit) {
  json base = parse(kAnnounce);
  std::string at_limit(limits::kMaxIdLength, 'x');
  std::string over(limits::kMaxIdLength + 1, 'x');
  EXPECT_TRUE(parse_interaction(with(base, 4, at_limit)));
  for (size_t field : {2, 3, 4}) expect_error(with(base, field, over), "id_too_long");
}

TEST(Interaction, RequestAndResponseNeedARequestId) {
  json base = with(parse(kAnnounce), 4, "");
  expect_error(base, "missing_request_id");
  expect_error(with(base, 1, "response"), "missing_request_id");
}

}  // namespace
}  // namespace allo::proto
