// Client against FakePlace over loopback ENet: wire forms of what it sends,
// and how it reacts to replies, state, clock echoes and disconnects.
#include "allo/client.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include "common/mono_clock.hpp"
#include "fake_place.hpp"
#include "proto/clock.hpp"
#include "proto/interaction.hpp"
#include "proto/limits.hpp"
#include "tests/support/net.hpp"

namespace allo::client {
namespace {

using testing::FakePlace;

// A place that answers announce with avatar "av1" and echoes clock packets;
// other requests go to `extra`.
FakePlace::Handler standard_place(
    std::function<void(FakePlace&, const proto::Interaction&)> extra = nullptr) {
  return [extra](FakePlace& place, const FakePlace::Received& r) {
    if (r.channel == limits::kChannelClock) {
      auto req = proto::parse_clock_request(r.doc);
      if (req)
        place.send(limits::kChannelClock, proto::clock_reply(*req, req->client_time + 1000), false);
      return;
    }
    if (r.channel != limits::kChannelCommands) return;
    auto in = proto::parse_interaction(r.doc);
    if (!in) return;
    if (in->name() == "announce") {
      place.send(
          limits::kChannelCommands,
          proto::to_json(proto::make_response(*in, json::array({"announce", "av1", "Fake"}))),
          true);
    } else if (extra) {
      extra(place, *in);
    }
  };
}

bool announce(Client& client) {
  bool done = false, ok = false;
  auto sent =
      client.announce({{"display_name", "t"}}, json::object(), [&](const AnnounceResult& r) {
        done = true;
        ok = r.ok;
      });
  return sent && client.run_until([&] { return done; }, 5) && ok;
}

TEST(Client, ErrorsWithoutServer) {
  Client client;
  EXPECT_EQ(client.connect("http://x", 1).error().code, "bad_url");
  EXPECT_EQ(client.connect("alloplace://", 1).error().code, "bad_url");
  double start = mono_seconds();
  // Nothing listens on this port of a fresh FakePlace-less address: UDP gives no refusal.
  auto r = client.connect("alloplace://127.0.0.1:9", 0.3);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "connect_timeout");
  EXPECT_LT(mono_seconds() - start, 2.0);
  EXPECT_FALSE(client.is_connected());
  EXPECT_EQ(client.poll(0), -1);
  EXPECT_EQ(client.request("place", json::array({"x"}), nullptr).error().code, "not_connected");
  EXPECT_EQ(client.oneway("place", json::array({"x"})).error().code, "not_connected");
}

// True when `fd` becomes readable within timeout_ms.
bool readable_within(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

TEST(Client, SocketFdIsTheConnectionsSocketWhileConnected) {
  ClientOptions options;
  options.clock_interval_seconds = 0;  // nothing of ours makes the place answer
  Client client(options);
  EXPECT_EQ(client.socket_fd(), -1) << "not connected yet";
  FakePlace place(nullptr);
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  const int fd = client.socket_fd();
  ASSERT_GE(fd, 0);
  client.poll(0);  // sends ENet's ack of the handshake
  ASSERT_TRUE(allo::testing::wait_until([&] { return place.has_client(); }, 5, [] {}));
  std::vector<proto::Interaction> seen;
  client.on_interaction([&](const proto::Interaction& in) { seen.push_back(in); });
  place.send(limits::kChannelCommands,
             json::array({"interaction", "oneway", "place", "", "", json::array({"hello"})}), true);
  // Only wait on the socket and poll when it is readable: the oneway must
  // arrive through exactly this fd.
  for (int round = 0; round < 20 && seen.empty(); ++round) {
    if (readable_within(fd, 2000)) client.poll(0);
  }
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body, json::array({"hello"}));
  EXPECT_EQ(client.socket_fd(), fd) << "stable while connected";
  client.disconnect(1);
  EXPECT_EQ(client.socket_fd(), -1);
}

TEST(Client, AnnounceSendsVersion2WithEmptyFromThenUsesAvatar) {
  FakePlace place(standard_place([](FakePlace& p, const proto::Interaction& in) {
    p.send(limits::kChannelCommands,
           proto::to_json(proto::make_response(in, json::array({"pong"}))), true);
  }));
  Client client;
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  ASSERT_TRUE(announce(client));
  EXPECT_EQ(client.avatar_id(), "av1");
  EXPECT_EQ(client.place_name(), "Fake");
  json reply;
  ASSERT_TRUE(client.request("place", json::array({"ping"}), [&](const json& b) { reply = b; }));
  ASSERT_TRUE(client.run_until([&] { return !reply.is_null(); }, 5));
  EXPECT_EQ(reply, json::array({"pong"}));

  std::vector<json> commands;
  for (const auto& r : place.received()) {
    if (r.channel != limits::kChannelCommands) continue;
    EXPECT_EQ(r.raw.back(), '\n');
    commands.push_back(r.doc);
  }
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0][0], "interaction");
  EXPECT_EQ(commands[0][1], "request");
  EXPECT_EQ(commands[0][2], "");
  EXPECT_EQ(commands[0][3], "place");
  EXPECT_EQ(
      commands[0][5],
      json::parse(R"(["announce","version",2,"identity",{"display_name":"t"},"spawn_avatar",{}])"));
  EXPECT_EQ(commands[1][2], "av1");
  EXPECT_NE(commands[0][4], commands[1][4]);  // distinct request ids
}

TEST(Client, AnnounceErrorIsFailure) {
  FakePlace place([](FakePlace& p, const FakePlace::Received& r) {
    auto in = proto::parse_interaction(r.doc);
    if (in)
      p.send(1,
             proto::to_json(proto::make_response(*in, proto::error_body("invalid_request", "no"))),
             true);
  });
  Client client;
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  std::optional<AnnounceResult> result;
  ASSERT_TRUE(client.announce(json::object(), json::object(),
                              [&](const AnnounceResult& r) { result = r; }));
  ASSERT_TRUE(client.run_until([&] { return result.has_value(); }, 5));
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->error.code, "invalid_request");
  EXPECT_EQ(result->error.detail, "no");
  EXPECT_FALSE(client.announced());
}

TEST(Client, RequestTimesOutWithSdkErrorBody) {
  FakePlace place(standard_place());  // never answers other requests
  ClientOptions options;
  options.request_timeout_seconds = 0.2;
  Client client(options);
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  ASSERT_TRUE(announce(client));
  json reply;
  ASSERT_TRUE(client.request("place", json::array({"ignored"}), [&](const json& b) { reply = b; }));
  ASSERT_TRUE(client.run_until([&] { return !reply.is_null(); }, 5));
  EXPECT_EQ(reply[0], "error");
  EXPECT_EQ(reply[1], "timeout");
}

TEST(Client, StateAckedInIntentsAndZeroWhenUnmergeable) {
  FakePlace place(standard_place());
  Client client;
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  ASSERT_TRUE(announce(client));
  auto last_intent_ack = [&]() -> int64_t {
    int64_t ack = -1;
    for (const auto& r : place.received()) {
      if (r.channel == limits::kChannelState && r.doc.contains("intent")) {
        ack = r.doc["intent"]["ack_state_rev"].get<int64_t>();
        EXPECT_EQ(r.doc["intent"]["entity_id"], "av1");
      }
    }
    return ack;
  };
  json ent = {{"id", "e1"}, {"components", json::object()}};
  place.send(0, {{"patch_style", "set"}, {"revision", 5}, {"entities", {{"e1", ent}}}}, false);
  ASSERT_TRUE(client.run_until([&] { return last_intent_ack() == 5; }, 5));
  place.send(
      0,
      {{"patch_style", "merge"}, {"patch_from", 5}, {"revision", 6}, {"entities", {{"e2", ent}}}},
      false);
  ASSERT_TRUE(client.run_until([&] { return last_intent_ack() == 6; }, 5));
  EXPECT_TRUE(client.state().document()["entities"].contains("e2"));
  place.send(
      0,
      {{"patch_style", "merge"}, {"patch_from", 2}, {"revision", 7}, {"entities", json::object()}},
      false);
  ASSERT_TRUE(client.run_until([&] { return last_intent_ack() == 0; }, 5));
  EXPECT_EQ(client.stats().sets_applied, 1u);
  EXPECT_EQ(client.stats().merges_applied, 1u);
  EXPECT_EQ(client.stats().state_packets_received, 3u);
  EXPECT_GT(client.stats().state_bytes_received, 100u);
}

TEST(Client, DropHookDiscardsStatePackets) {
  FakePlace place(standard_place());
  ClientOptions options;
  options.state_drop_fraction = 1.0;
  Client client(options);
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  ASSERT_TRUE(announce(client));
  for (int rev = 1; rev <= 3; ++rev) {
    place.send(0, {{"patch_style", "set"}, {"revision", rev}, {"entities", json::object()}}, false);
  }
  ASSERT_TRUE(client.run_until([&] { return client.stats().state_packets_dropped == 3; }, 5));
  EXPECT_EQ(client.stats().sets_applied, 0u);
  EXPECT_EQ(client.state().revision(), 0u);
}

TEST(Client, ClockSyncEstimatesServerTime) {
  FakePlace place(standard_place());
  Client client;
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  ASSERT_TRUE(client.run_until([&] { return client.clock().has_estimate(); }, 5));
  EXPECT_NEAR(client.server_time_now() - mono_seconds(), 1000.0, 0.05);
  EXPECT_LT(*client.clock().round_trip(), 0.5);
  for (const auto& r : place.received()) {
    if (r.channel == limits::kChannelClock) {
      EXPECT_TRUE(r.doc["client_time"].is_number());
    }
  }
}

TEST(Client, IncomingRequestsHandledOrRefused) {
  FakePlace place(standard_place());
  Client client;
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  ASSERT_TRUE(announce(client));
  auto responses = [&] {
    std::vector<json> out;
    for (const auto& r : place.received()) {
      if (r.channel == 1 && r.doc.is_array() && r.doc[1] == "response") out.push_back(r.doc);
    }
    return out;
  };
  json poke = json::parse(R"(["interaction","request","e9","av1","q1",["poke",true]])");
  place.send(1, poke, true);
  ASSERT_TRUE(client.run_until([&] { return responses().size() == 1; }, 5));
  EXPECT_EQ(
      responses()[0],
      json::parse(
          R"(["interaction","response","av1","e9","q1",["error","not_handled","this agent handles no requests"]])"));

  std::vector<proto::Interaction> seen;
  client.on_interaction([&](const proto::Interaction& in) {
    seen.push_back(in);
    if (in.type == proto::InteractionType::kRequest)
      client.respond(in, json::array({"poke", "ok"}));
  });
  poke[4] = "q2";
  place.send(1, poke, true);
  place.send(1, json::parse(R"(["interaction","oneway","e9","av1","",["point-exit"]])"), true);
  ASSERT_TRUE(client.run_until([&] { return seen.size() == 2 && responses().size() == 2; }, 5));
  EXPECT_EQ(responses()[1][5], json::parse(R"(["poke","ok"])"));
  EXPECT_EQ(responses()[1][4], "q2");
  EXPECT_EQ(seen[1].type, proto::InteractionType::kOneway);
}

TEST(Client, PlaceDisconnectFailsPendingRequests) {
  FakePlace place(standard_place());
  Client client;
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  ASSERT_TRUE(announce(client));
  json reply;
  bool disconnected = false;
  client.on_disconnect([&] { disconnected = true; });
  ASSERT_TRUE(client.request("place", json::array({"hang"}), [&](const json& b) { reply = b; }));
  place.kick();
  ASSERT_TRUE(client.run_until([&] { return disconnected; }, 5));
  EXPECT_FALSE(client.is_connected());
  EXPECT_EQ(reply[1], "disconnected");
}

}  // namespace
}  // namespace allo::client
