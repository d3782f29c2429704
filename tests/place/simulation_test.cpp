// Intents applied by the simulation: movement, pose actuation, grabbing.
#include <gtest/gtest.h>

#include <cmath>

#include "place/simulation.hpp"

namespace allo::place {
namespace {

using nlohmann::json;
using proto::Matrix;

Matrix translation(double x, double y, double z) {
  Matrix m = proto::kIdentityMatrix;
  m[12] = x;
  m[13] = y;
  m[14] = z;
  return m;
}

json with_transform(const Matrix& m, json extra = json::object()) {
  extra["transform"] = {{"matrix", proto::matrix_to_json(m)}};
  return extra;
}

struct SimFixture : ::testing::Test {
  World world;
  Simulation sim;
  proto::Intent intent;
  double last_yaw = std::nan("");
  std::map<AgentId, AgentIntent> agents() {
    return {{1, AgentIntent{1, "avatar", &intent, &last_yaw}}};
  }
  Matrix transform(const std::string& id) {
    return transform_of(world.find(id)->value->components());
  }
};

TEST_F(SimFixture, StickMovesAvatarAtOneMetrePerSecond) {
  world.put("avatar", 1, with_transform(translation(1, 0, 2)));
  intent.zmovement = 1;  // forward is +z in the avatar's frame at yaw 0
  sim.step(world, agents(), 0.5);
  Matrix m = transform("avatar");
  EXPECT_NEAR(m[12], 1.0, 1e-9);
  EXPECT_NEAR(m[14], 2.5, 1e-9);
}

TEST_F(SimFixture, YawTurnsTheMovementDirection) {
  world.put("avatar", 1, with_transform(proto::kIdentityMatrix));
  intent.zmovement = 1;
  intent.yaw = M_PI / 2;  // rotation about -Y: +z turns to -x
  sim.step(world, agents(), 1.0);
  Matrix m = transform("avatar");
  EXPECT_NEAR(m[12], -1.0, 1e-9);
  EXPECT_NEAR(m[14], 0.0, 1e-9);
}

TEST_F(SimFixture, IdleIntentDoesNotRewriteTheAvatar) {
  world.put("avatar", 1, with_transform(translation(3, 0, 0)));
  world.commit();
  sim.step(world, agents(), 0.05);
  EXPECT_FALSE(world.commit().has_value());
}

TEST_F(SimFixture, PoseIsActuatedOntoEntityWithIntentComponent) {
  world.put("avatar", 1, with_transform(proto::kIdentityMatrix));
  world.put(
      "hand", 1,
      json{{"intent", {{"actuate_pose", "hand/left"}}}, {"relationships", {{"parent", "avatar"}}}});
  intent.poses["hand/left"].matrix = translation(0.3, 1.2, -0.4);
  sim.step(world, agents(), 0.05);
  EXPECT_EQ(transform("hand"), translation(0.3, 1.2, -0.4));
}

TEST_F(SimFixture, FromAvatarFollowsAnotherAgentsPose) {
  world.put("avatar", 1, with_transform(proto::kIdentityMatrix));
  world.put("badge", 2, json{{"intent", {{"actuate_pose", "head"}, {"from_avatar", "avatar"}}}});
  intent.poses["head"].matrix = translation(0, 1.7, 0);
  proto::Intent other;  // agent 2 has its own (empty) intent
  double other_yaw = std::nan("");
  auto a = agents();
  a[2] = AgentIntent{2, "", &other, &other_yaw};
  sim.step(world, a, 0.05);
  EXPECT_EQ(transform("badge"), translation(0, 1.7, 0));
}

TEST_F(SimFixture, GrabMovesTheGrabbableWithTheHand) {
  world.put("avatar", 1, with_transform(translation(10, 0, 0)));
  world.put("box", 2, with_transform(translation(0, 0, 0), json{{"grabbable", json::object()}}));
  auto& pose = intent.poses["hand/right"];
  pose.matrix = translation(0, 1, 0);                       // hand relative to the avatar
  pose.grab = proto::Grab{"box", translation(0, 0, -0.5)};  // box half a metre in front of the hand
  sim.step(world, agents(), 0.05);
  EXPECT_EQ(transform("box"), translation(10, 1, -0.5));
}

TEST_F(SimFixture, GrabHonoursActuateOnParentAndTranslationConstraint) {
  world.put("avatar", 1, with_transform(proto::kIdentityMatrix));
  world.put("door", 2, with_transform(translation(5, 0, 5)));
  world.put(
      "handle", 2,
      with_transform(
          translation(1, 0, 0),
          json{{"relationships", {{"parent", "door"}}},
               {"grabbable", {{"actuate_on", "$parent"}, {"translation_constraint", {1, 0, 1}}}}}));
  auto& pose = intent.poses["hand/right"];
  pose.matrix =
      translation(7, 3, 5);  // hand where the handle should go: the door follows, but not upwards
  pose.grab = proto::Grab{"handle", proto::kIdentityMatrix};
  sim.step(world, agents(), 0.05);
  Matrix door = transform("door");
  EXPECT_NEAR(door[12], 6, 1e-9);  // handle is 1 m right of the door origin
  EXPECT_NEAR(door[13], 0, 1e-9);  // y locked by the constraint
  EXPECT_NEAR(door[14], 5, 1e-9);
  EXPECT_EQ(transform("handle"), translation(1, 0, 0));
}

TEST_F(SimFixture, GrabOfNonGrabbableDoesNothing) {
  world.put("avatar", 1, with_transform(proto::kIdentityMatrix));
  world.put("rock", 2, with_transform(translation(1, 1, 1)));
  intent.poses["hand/right"].matrix = translation(0, 0, 0);
  intent.poses["hand/right"].grab = proto::Grab{"rock", proto::kIdentityMatrix};
  sim.step(world, agents(), 0.05);
  EXPECT_EQ(transform("rock"), translation(1, 1, 1));
}

}  // namespace
}  // namespace allo::place

namespace allo::place {
namespace {

// Regression: a handle spawned under someone else's entity let its owner drag that entity.
TEST_F(SimFixture, GrabDoesNotMoveAnAncestorOwnedBySomeoneElse) {
  world.put("avatar", 1, with_transform(proto::kIdentityMatrix));
  world.put("victim", 2, with_transform(translation(5, 0, 5)));
  world.put("handle", 1,
            with_transform(translation(1, 0, 0), json{{"relationships", {{"parent", "victim"}}},
                                                      {"grabbable", {{"actuate_on", "$parent"}}}}));
  intent.poses["hand/right"].matrix = translation(50, 0, 0);
  intent.poses["hand/right"].grab = proto::Grab{"handle", proto::kIdentityMatrix};
  sim.step(world, agents(), 0.05);
  EXPECT_EQ(transform("victim"), translation(5, 0, 5));
}

TEST_F(SimFixture, DegenerateMatricesNeverReachTheWorld) {
  world.put("avatar", 1, with_transform(proto::kIdentityMatrix));
  Matrix zero{};
  world.put("box", 1, with_transform(zero, json{{"grabbable", json::object()}}));
  world.put("knob", 1,
            with_transform(zero, json{{"relationships", {{"parent", "box"}}},
                                      {"grabbable", {{"actuate_on", "$parent"}}}}));
  intent.poses["hand/right"].matrix = translation(1, 1, 1);
  intent.poses["hand/right"].grab =
      proto::Grab{"knob", proto::kIdentityMatrix};  // inverse of a zero matrix
  sim.step(world, agents(), 0.05);
  for (double v : transform("box")) EXPECT_TRUE(std::isfinite(v));
}

TEST_F(SimFixture, StickInputIsClampedToFullSpeed) {
  world.put("avatar", 1, with_transform(proto::kIdentityMatrix));
  intent.zmovement = 1e300;
  sim.step(world, agents(), 1.0);
  EXPECT_NEAR(transform("avatar")[14], 1.0, 1e-9);
}

}  // namespace
}  // namespace allo::place
