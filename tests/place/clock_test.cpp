#include "place_fixture.hpp"

namespace allo::place::testing {
namespace {

using Clock = PlaceFixture;

TEST_F(Clock, EchoesWithBothFieldNamings) {
  place.on_connect(1, now);
  send_raw(1, limits::kChannelClock, "{\"client_time\": 12.5}\n");
  auto packets = out.to(1, limits::kChannelClock);
  ASSERT_EQ(packets.size(), 1u);
  json reply = packets[0].json();
  EXPECT_EQ(reply["client_time"], 12.5);
  EXPECT_EQ(reply["client_clock"], 12.5);
  EXPECT_TRUE(reply["server_time"].is_number());
  EXPECT_EQ(reply["server_time"], reply["server_clock"]);
  EXPECT_EQ(packets[0].bytes->back(), '\n');
}

TEST_F(Clock, SeedNamingIsAcceptedToo) {
  place.on_connect(1, now);
  send_raw(1, limits::kChannelClock, "{\"client_clock\": 3.0}");  // no trailing newline
  EXPECT_EQ(out.to(1, limits::kChannelClock).at(0).json()["client_clock"], 3.0);
}

TEST_F(Clock, GarbageIsDroppedSilently) {
  place.on_connect(1, now);
  send_raw(1, limits::kChannelClock, "{\"client_time\": \"soon\"}");
  send_raw(1, limits::kChannelClock, std::string(5000, '{'));
  EXPECT_TRUE(out.to(1, limits::kChannelClock).empty());
}

TEST_F(Clock, PlaceClockComponentAdvancesWithTicks) {
  place.tick(now + 1.0);
  double t1 = place.world().find("place")->value->components()["clock"]["time"];
  place.tick(now + 2.5);
  double t2 = place.world().find("place")->value->components()["clock"]["time"];
  EXPECT_DOUBLE_EQ(t2 - t1, 1.5);
}

}  // namespace
}  // namespace allo::place::testing
