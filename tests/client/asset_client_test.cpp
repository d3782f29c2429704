// AssetClient on a Client connected to FakePlace: fetches still waiting when
// the connection ends fail with "disconnected" instead of hanging.
#include "allo/asset_client.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "fake_place.hpp"
#include "proto/interaction.hpp"
#include "proto/limits.hpp"

namespace allo::client {
namespace {

using nlohmann::json;
using testing::FakePlace;

TEST(AssetClient, FetchesWaitingWhenThePlaceGoesAwayFailWithDisconnected) {
  // Answers announce; never answers asset requests.
  FakePlace place([](FakePlace& p, const FakePlace::Received& r) {
    if (r.channel != limits::kChannelCommands) return;
    auto in = proto::parse_interaction(r.doc);
    if (in && in->name() == "announce")
      p.send(limits::kChannelCommands,
             proto::to_json(proto::make_response(*in, json::array({"announce", "av1", "Fake"}))),
             true);
  });
  Client client;
  ASSERT_TRUE(client.connect(place.url(), 5).has_value());
  AssetClient assets(client);
  std::optional<AssetResult> result;
  const std::string id = "asset:sha1:" + std::string(40, 'a');
  ASSERT_TRUE(assets.requester().fetch(id, [&](const AssetResult& r) { result = r; }));
  ASSERT_TRUE(client.run_until([&] { return place.has_client(); }, 5));
  EXPECT_FALSE(result) << "nothing answered yet";
  place.kick();
  ASSERT_TRUE(client.run_until([&] { return result.has_value(); }, 5));
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->id, id);
  EXPECT_EQ(result->error.code, "disconnected");
}

}  // namespace
}  // namespace allo::client
