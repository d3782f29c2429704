// The 20 Hz simulation: applies each agent's latest intent to the world.
//  - stick movement: the avatar moves at 1 m/s along (xmovement, 0, zmovement)
//    turned by yaw (rotation about -Y, as deployed visors expect), and faces yaw;
//  - pose actuation: an entity whose `intent` component names actuate_pose gets
//    that pose's matrix as its transform, from its owner's intent or, with
//    from_avatar, from the intent of the agent whose avatar that is;
//  - grabbing: a hand pose's grab moves the grabbable's actuated entity so the
//    grabbed entity keeps grabber_from_entity_transform relative to the hand,
//    honouring actuate_on and the translation/rotation constraints.
// Entities are only rewritten when their transform actually changes, so idle
// agents cost no state bandwidth. Not thread-safe (event loop only).
#pragma once

#include <map>
#include <string>

#include "place/world.hpp"
#include "proto/intent.hpp"

namespace allo::place {

struct AgentIntent {
  AgentId agent = 0;
  std::string avatar;  // avatar entity id
  const proto::Intent* intent = nullptr;
  double* last_yaw = nullptr;  // per-agent memory of the yaw last applied (NaN: none yet)
};

inline constexpr double kAvatarSpeed = 1.0;  // metres per second

class Simulation {
 public:
  // One step of `dt` seconds over every agent with an intent.
  void step(World& world, const std::map<AgentId, AgentIntent>& agents, double dt);

 private:
  void move_avatar(World& world, const AgentIntent& a, double dt);
  void actuate_poses(World& world, const std::map<AgentId, AgentIntent>& agents);
  void apply_grabs(World& world, const AgentIntent& a);
};

// transform.matrix of an entity's components (identity when absent/invalid).
proto::Matrix transform_of(const json& components);
// The world transform: parents' transforms concatenated.
proto::Matrix world_transform(const World& world, const std::string& id);
// Writes transform.matrix when it differs from the current one.
void set_transform(World& world, const std::string& id, const proto::Matrix& m);

}  // namespace allo::place
