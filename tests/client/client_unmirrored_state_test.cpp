// ClientOptions::mirror_state = false (load generators): no world document is
// kept, and intents ack the newest revision received.
#include <gtest/gtest.h>

#include "allo/client.hpp"
#include "fake_place.hpp"
#include "proto/interaction.hpp"
#include "proto/limits.hpp"

namespace allo::client {
namespace {

using testing::FakePlace;

TEST(ClientUnmirroredState, AcksTheNewestRevisionWithoutAMirror) {
  FakePlace place([](FakePlace& p, const FakePlace::Received& r) {
    if (r.channel != limits::kChannelCommands) return;
    auto in = proto::parse_interaction(r.doc);
    if (in && in->name() == "announce") {
      p.send(limits::kChannelCommands,
             proto::to_json(proto::make_response(*in, json::array({"announce", "av1", "Fake"}))),
             true);
    }
  });
  ClientOptions options;
  options.mirror_state = false;
  Client client(options);
  ASSERT_TRUE(client.connect(place.url(), 3));
  bool announced = false;
  ASSERT_TRUE(client.announce({}, {}, [&](const AnnounceResult& r) { announced = r.ok; }));
  ASSERT_TRUE(client.run_until([&] { return announced; }, 3));

  const json entities = {{"av1", {{"id", "av1"}, {"components", json::object()}}}};
  place.send(limits::kChannelState, {{"cmd", "state"}, {"revision", 5}, {"entities", entities}},
             false);
  place.send(limits::kChannelState,
             {{"cmd", "state"},
              {"revision", 7},
              {"patch_style", "merge"},
              {"patch_from", 5},
              {"entities", {{"av1", {{"components", {{"x", 1}}}}}}}},
             false);
  auto last_ack = [&] {
    int64_t ack = -1;
    for (const auto& r : place.received()) {
      if (r.channel == limits::kChannelState && r.doc.contains("intent"))
        ack = r.doc["intent"].value("ack_state_rev", int64_t{-1});
    }
    return ack;
  };
  ASSERT_TRUE(client.run_until([&] { return last_ack() == 7; }, 3)) << last_ack();
  EXPECT_EQ(client.stats().sets_applied, 1u);
  EXPECT_EQ(client.stats().merges_applied, 1u);
  EXPECT_TRUE(client.state().document()["entities"].empty()) << "no mirror kept";
}

}  // namespace
}  // namespace allo::client
