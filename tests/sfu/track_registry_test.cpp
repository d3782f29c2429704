#include "sfu/track_registry.hpp"

#include <gtest/gtest.h>

namespace allo::sfu {
namespace {

TEST(TrackRegistry, OnlyTheOwnerMaySend) {
  TrackRegistry registry;
  registry.add_agent("alice");
  registry.add_agent("bob");
  ASSERT_TRUE(registry.add_track(5, "alice", "e-alice"));
  EXPECT_TRUE(registry.may_send("alice", 5));
  EXPECT_FALSE(registry.may_send("bob", 5));
  EXPECT_FALSE(registry.may_send("alice", 6)) << "unknown track";
  EXPECT_EQ(registry.find(5)->entity, "e-alice");
}

TEST(TrackRegistry, RefusesTracksOfUnknownAgents) {
  TrackRegistry registry;
  EXPECT_FALSE(registry.add_track(1, "ghost", "e"));
  EXPECT_EQ(registry.find(1), nullptr);
}

TEST(TrackRegistry, ReleasesTracksWhenRemovedOrWhenTheAgentLeaves) {
  TrackRegistry registry;
  registry.add_agent("alice");
  registry.add_agent("bob");
  registry.add_track(1, "alice", "a1");
  registry.add_track(2, "alice", "a2");
  registry.add_track(3, "bob", "b1");
  EXPECT_TRUE(registry.remove_track(3));
  EXPECT_FALSE(registry.remove_track(3));
  auto removed = registry.remove_agent("alice");
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<uint32_t>{1, 2}));
  EXPECT_TRUE(registry.tracks().empty());
  EXPECT_FALSE(registry.has_agent("alice"));
}

TEST(TrackRegistry, PositionsOnlyForKnownAgents) {
  TrackRegistry registry;
  registry.add_agent("alice");
  EXPECT_FALSE(registry.position_of("alice"));
  registry.set_position("alice", {1, 2, 3});
  registry.set_position("ghost", {1, 2, 3});
  ASSERT_TRUE(registry.position_of("alice"));
  EXPECT_FLOAT_EQ(registry.position_of("alice")->y, 2);
  EXPECT_FALSE(registry.position_of("ghost"));
}

}  // namespace
}  // namespace allo::sfu
