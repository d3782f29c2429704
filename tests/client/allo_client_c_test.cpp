// The C API: handle lifetime, error returns without a server, and one
// announce/request round trip against FakePlace.
#include "allo/allo_client.h"

#include <gtest/gtest.h>

#include <string>

#include "fake_place.hpp"
#include "proto/interaction.hpp"

namespace {

using allo::client::testing::FakePlace;
using nlohmann::json;

TEST(CApi, CreateDestroyAndDefaults) {
  allo_client_options options;
  allo_client_options_default(&options);
  EXPECT_EQ(options.intent_rate_hz, 20);
  EXPECT_EQ(options.request_timeout_seconds, 10);
  allo_client* c = allo_client_create(&options);
  ASSERT_NE(c, nullptr);
  EXPECT_STREQ(allo_client_last_error(c), "");
  EXPECT_EQ(allo_client_is_connected(c), 0);
  EXPECT_EQ(allo_client_socket_fd(c), -1);
  EXPECT_EQ(allo_client_socket_fd(nullptr), -1);
  EXPECT_STREQ(allo_client_avatar_id(c), "");
  EXPECT_EQ(allo_client_state_revision(c), 0u);
  char* state = allo_client_state_json(c);
  ASSERT_NE(state, nullptr);
  EXPECT_STREQ(state, R"({"entities":{},"revision":0})");
  allo_client_free_string(state);
  allo_client_destroy(c);
  allo_client_destroy(nullptr);  // no-op
  allo_client_destroy(allo_client_create(nullptr));
}

TEST(CApi, ErrorReturnsWithoutServer) {
  allo_client* c = allo_client_create(nullptr);
  EXPECT_EQ(allo_client_connect(c, "udp://x", 1), ALLO_ERR_BAD_URL);
  EXPECT_NE(std::string(allo_client_last_error(c)).find("bad_url"), std::string::npos);
  EXPECT_EQ(allo_client_connect(c, nullptr, 1), ALLO_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(allo_client_connect(c, "alloplace://127.0.0.1:9", 0.2), ALLO_ERR_CONNECT_FAILED);
  EXPECT_EQ(allo_client_poll(c, 0), ALLO_ERR_NOT_CONNECTED);
  EXPECT_EQ(allo_client_request(c, "place", "[\"x\"]", nullptr, nullptr), ALLO_ERR_NOT_CONNECTED);
  EXPECT_EQ(allo_client_request(c, "place", "{not json", nullptr, nullptr), ALLO_ERR_BAD_JSON);
  EXPECT_EQ(allo_client_request(c, "place", "[1]", nullptr, nullptr), ALLO_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(allo_client_oneway(c, nullptr, "[\"x\"]"), ALLO_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(allo_client_announce(c, "{}", "nope", nullptr, nullptr), ALLO_ERR_BAD_JSON);
  EXPECT_EQ(allo_client_set_intent(c, R"({"xmovement":"fast"})"), ALLO_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(allo_client_set_intent(c, R"({"xmovement":0.5,"poses":{}})"), ALLO_OK);
  EXPECT_EQ(allo_client_poll(nullptr, 0), ALLO_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(allo_client_is_connected(nullptr), 0);
  EXPECT_EQ(allo_client_state_json(nullptr), nullptr);
  allo_client_disconnect(c, 0.1);  // not connected: no-op
  allo_client_destroy(c);
}

struct Seen {
  std::string avatar, place, reply;
  int announce_ok = -1;
};

TEST(CApi, AnnounceAndRequestRoundTrip) {
  FakePlace place([](FakePlace& p, const FakePlace::Received& r) {
    auto in = allo::proto::parse_interaction(r.doc);
    if (!in) return;
    json body = in->name() == "announce" ? json::array({"announce", "av7", "C Place"})
                                         : json::array({"echo", in->body});
    p.send(1, allo::proto::to_json(allo::proto::make_response(*in, body)), true);
  });
  allo_client* c = allo_client_create(nullptr);
  ASSERT_EQ(allo_client_connect(c, place.url().c_str(), 5), ALLO_OK);
  EXPECT_EQ(allo_client_connect(c, place.url().c_str(), 5), ALLO_ERR_ALREADY_CONNECTED);
  EXPECT_GE(allo_client_socket_fd(c), 0);
  Seen seen;
  ASSERT_EQ(allo_client_announce(
                c, R"({"display_name":"c"})", "{}",
                [](void* user, int ok, const char* avatar, const char* name, const char*) {
                  auto* s = static_cast<Seen*>(user);
                  s->announce_ok = ok;
                  s->avatar = avatar;
                  s->place = name;
                },
                &seen),
            ALLO_OK);
  ASSERT_EQ(
      allo_client_request(
          c, "place", R"(["hello",1])",
          [](void* user, const char* body) { static_cast<Seen*>(user)->reply = body; }, &seen),
      ALLO_OK);
  for (int i = 0; i < 500 && seen.reply.empty(); ++i) ASSERT_GE(allo_client_poll(c, 10), 0);
  EXPECT_EQ(seen.announce_ok, 1);
  EXPECT_EQ(seen.avatar, "av7");
  EXPECT_EQ(seen.place, "C Place");
  EXPECT_STREQ(allo_client_avatar_id(c), "av7");
  EXPECT_EQ(json::parse(seen.reply), json::parse(R"(["echo",["hello",1]])"));
  allo_client_disconnect(c, 1);
  EXPECT_EQ(allo_client_is_connected(c), 0);
  EXPECT_EQ(allo_client_socket_fd(c), -1);
  allo_client_destroy(c);
}

}  // namespace
