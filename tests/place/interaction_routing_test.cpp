// Routing between agents and the bad-input paths of channel 1.
#include "place_fixture.hpp"

namespace allo::place::testing {
namespace {

using Routing = PlaceFixture;

json interaction(const std::string& type, const std::string& from, const std::string& to,
                 const std::string& rid, const json& body) {
  return json::array({"interaction", type, from, to, rid, body});
}

TEST_F(Routing, RequestGoesToOwnerAndResponseOnlyBackToRequester) {
  std::string a = join(1), b = join(2);
  out.clear();
  send(1, interaction("request", a, b, "q1", {"poke", true}));
  auto at_b = out.to(2, limits::kChannelCommands);
  ASSERT_EQ(at_b.size(), 1u);
  EXPECT_EQ(at_b[0].json(), interaction("request", a, b, "q1", {"poke", true}));
  EXPECT_EQ(place.pending_request_count(), 1u);

  send(2, interaction("response", b, a, "q1", {"poke", "ok"}));
  EXPECT_EQ(last_reply(1), interaction("response", b, a, "q1", {"poke", "ok"}));
  EXPECT_EQ(place.pending_request_count(), 0u);

  // The same response again has no request behind it.
  out.clear();
  send(2, interaction("response", b, a, "q1", {"poke", "ok"}));
  EXPECT_TRUE(out.to(1, limits::kChannelCommands).empty());
  EXPECT_EQ(body(2)[1], "unexpected_response");
}

TEST_F(Routing, ResponseFromAnAgentThatWasNotAskedIsRejected) {
  std::string a = join(1), b = join(2), c = join(3);
  send(1, interaction("request", a, b, "q1", {"poke", true}));
  out.clear();
  send(3, interaction("response", c, a, "q1", {"poke", "forged"}));
  EXPECT_TRUE(out.to(1, limits::kChannelCommands).empty());
  EXPECT_EQ(body(3)[1], "unexpected_response");
  EXPECT_EQ(place.pending_request_count(), 1u);
}

TEST_F(Routing, OnewayGoesToOwnerWithoutPending) {
  std::string a = join(1), b = join(2);
  out.clear();
  send(1, interaction("oneway", a, b, "", {"point", {1, 2, 3}, {4, 5, 6}}));
  ASSERT_EQ(out.to(2, limits::kChannelCommands).size(), 1u);
  EXPECT_EQ(place.pending_request_count(), 0u);
}

TEST_F(Routing, SpoofedFromIsRejected) {
  std::string a = join(1), b = join(2);
  out.clear();
  send(1, interaction("request", b, b, "q1", {"poke", true}));
  EXPECT_TRUE(out.to(2, limits::kChannelCommands).empty());
  EXPECT_EQ(body(1), json::array({"error", "invalid_sender", body(1)[2]}));
  EXPECT_EQ(last_reply(1)[4], "q1");  // answered as the response to q1
}

TEST_F(Routing, UnknownRecipientIsAnError) {
  std::string a = join(1);
  send(1, interaction("request", a, "ghost", "q1", {"poke", true}));
  EXPECT_EQ(body(1)[1], "invalid_recipient");
}

TEST_F(Routing, InteractionsBeforeAnnounceAreRefused) {
  place.on_connect(1, now);
  send(1, interaction("request", "", "place", "q1", {"spawn_entity", json::object()}));
  EXPECT_EQ(body(1)[1], "not_announced");
  EXPECT_EQ(place.world().size(), 1u);  // only the place entity
}

TEST_F(Routing, UnannouncedAgentIsDisconnectedAfterTheDeadline) {
  place.on_connect(1, now);
  place.on_connect(2, now);
  join(3);
  place.tick(now + 4.0);
  EXPECT_TRUE(out.disconnected.empty());
  std::string a2 = [&] {
    send(2, request(2, "", "place", "a",
                    {"announce", "version", 3, "identity", json::object(), "spawn_avatar",
                     json::object()}));
    return body(2)[1].get<std::string>();
  }();
  place.tick(now + 6.0);  // options: 5 s announce timeout
  EXPECT_EQ(out.disconnected, std::set<AgentId>{1});
}

TEST_F(Routing, MalformedPacketsGetErrorsShapedForDeployedClients) {
  join(1);
  auto check = [&](const std::string& bytes, const std::string& code) {
    out.clear();
    send_raw(1, limits::kChannelCommands, bytes);
    json reply = last_reply(1);
    ASSERT_TRUE(reply.is_array()) << bytes;
    // Every reply body is an array starting with a string.
    ASSERT_TRUE(reply[5].is_array() && reply[5][0].is_string());
    EXPECT_EQ(reply[5][0], "error");
    EXPECT_EQ(reply[5][1], code) << bytes;
  };
  check("{not json", "malformed_json");
  check("[\"interaction\",\"request\",\"a\"]\n", "malformed_interaction");
  check("[\"interaction\",\"teleport\",\"a\",\"b\",\"1\",[\"x\"]]", "malformed_interaction");
  check("[\"interaction\",\"request\",\"a\",\"b\",\"1\",{\"not\":\"array\"}]",
        "malformed_interaction");
  check("[\"interaction\",\"request\",\"a\",\"b\",\"1\",[5]]", "malformed_interaction");
  check(std::string(200, '[') + std::string(200, ']'), "too_deep");
  check(std::string(limits::kMaxPacketBytes + 10, ' '), "too_large");
  check("", "empty");
}

TEST_F(Routing, ErrorToARequestCarriesItsRequestId) {
  join(1);
  send_raw(1, limits::kChannelCommands, "[\"interaction\",\"request\",\"a\",\"b\",\"77\",[5]]");
  EXPECT_EQ(last_reply(1)[1], "response");
  EXPECT_EQ(last_reply(1)[4], "77");
}

TEST_F(Routing, RecipientLeavingAnswersPendingRequestsWithAnError) {
  std::string a = join(1), b = join(2);
  send(1, interaction("request", a, b, "q1", {"poke", true}));
  place.on_disconnect(2);
  EXPECT_EQ(last_reply(1),
            interaction("response", b, a, "q1", {"error", "recipient_gone", last_reply(1)[5][2]}));
  EXPECT_EQ(place.pending_request_count(), 0u);
}

TEST_F(Routing, UnansweredRequestTimesOut) {
  std::string a = join(1), b = join(2);
  send(1, interaction("request", a, b, "q1", {"poke", true}));
  place.tick(now + 6.0);  // request timeout 5 s
  EXPECT_EQ(last_reply(1)[5][1], "timeout");
  EXPECT_EQ(place.pending_request_count(), 0u);
}

TEST_F(Routing, PendingRequestsPerAgentAreBounded) {
  std::string a = join(1), b = join(2);
  for (size_t i = 0; i < limits::kMaxPendingRequestsPerAgent; ++i) {
    send(1, interaction("request", a, b, "q" + std::to_string(i), {"poke", true}));
  }
  send(1, interaction("request", a, b, "overflow", {"poke", true}));
  EXPECT_EQ(body(1)[1], "too_many_pending_requests");
  EXPECT_EQ(place.pending_request_count(), limits::kMaxPendingRequestsPerAgent);
}

TEST_F(Routing, PublicationsAreDroppedWithoutSubscribers) {
  std::string a = join(1), b = join(2);
  out.clear();
  send(1, interaction("publication", a, "", "", {"new_tweet", "nevyn", "hi"}));
  EXPECT_TRUE(out.to(2, limits::kChannelCommands).empty());
  EXPECT_TRUE(out.to(1, limits::kChannelCommands).empty());
}

TEST_F(Routing, BadInputFromOneAgentDoesNotAffectAnother) {
  std::string a = join(1), b = join(2);
  for (int i = 0; i < 50; ++i) send_raw(1, limits::kChannelCommands, "garbage" + std::to_string(i));
  send_raw(1, limits::kChannelState, "{\"intent\": 5}");
  send_raw(1, limits::kChannelClock, "[]");
  send_raw(1, limits::kChannelMedia, "x");
  send_raw(1, 9, "x");
  send(2, request(2, b, "place", "s", {"spawn_entity", json::object()}));
  EXPECT_EQ(body(2)[0], "spawn_entity");
  EXPECT_TRUE(place.world().contains(a));
}

}  // namespace
}  // namespace allo::place::testing
