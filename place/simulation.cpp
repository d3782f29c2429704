#include "place/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/type_ptr.hpp>
#include <set>
#define GLM_ENABLE_EXPERIMENTAL
#include <glm/gtx/euler_angles.hpp>

namespace allo::place {
namespace {

glm::dmat4 to_glm(const proto::Matrix& m) {
  return glm::make_mat4(m.data());
}

proto::Matrix from_glm(const glm::dmat4& g) {
  proto::Matrix m{};
  const double* p = glm::value_ptr(g);
  for (size_t i = 0; i < 16; ++i) m[i] = p[i];
  return m;
}

// The transform of `ancestor`'s descendant `id`, relative to `ancestor`.
glm::dmat4 relative_to(const World& world, const std::string& ancestor, const std::string& id) {
  glm::dmat4 acc(1.0);
  std::string cur = id;
  for (size_t steps = 0; cur != ancestor && !cur.empty() && steps < 256; ++steps) {
    const auto* rec = world.find(cur);
    if (!rec) break;
    acc = to_glm(transform_of(rec->value->components())) * acc;
    cur = rec->parent;
  }
  return acc;
}

// Which entity a grab of `grabbed` moves: itself, its parent ("$parent") or
// the named ancestor. "" when actuate_on names something that is not an ancestor.
std::string actuated_entity(const World& world, const std::string& grabbed, const json& grabbable) {
  auto on = grabbable.find("actuate_on");
  if (on == grabbable.end() || !on->is_string() || on->get_ref<const std::string&>().empty())
    return grabbed;
  const std::string& target = on->get_ref<const std::string&>();
  const auto* rec = world.find(grabbed);
  if (target == "$parent") return rec ? rec->parent : "";
  for (std::string cur = rec ? rec->parent : ""; !cur.empty();) {
    if (cur == target) return cur;
    const auto* r = world.find(cur);
    cur = r ? r->parent : "";
  }
  return "";
}

glm::dvec3 constraint(const json& grabbable, const char* key) {
  auto it = grabbable.find(key);
  if (it == grabbable.end() || !it->is_array() || it->size() != 3) return glm::dvec3(1.0);
  glm::dvec3 out(1.0);
  for (int i = 0; i < 3; ++i) {
    if ((*it)[i].is_number()) out[i] = (*it)[i].get<double>();
  }
  return out;
}

// Blends old -> new local transform per axis: translation and XYZ euler angles.
glm::dmat4 constrain(const glm::dmat4& old_local, const glm::dmat4& new_local, const glm::dvec3& tc,
                     const glm::dvec3& rc) {
  glm::dvec3 old_t(old_local[3]), new_t(new_local[3]);
  glm::dvec3 t = old_t + (new_t - old_t) * tc;
  if (rc == glm::dvec3(1.0) && tc == glm::dvec3(1.0)) return new_local;
  glm::dvec3 old_e, new_e;
  glm::extractEulerAngleXYZ(old_local, old_e.x, old_e.y, old_e.z);
  glm::extractEulerAngleXYZ(new_local, new_e.x, new_e.y, new_e.z);
  glm::dvec3 e = old_e + (new_e - old_e) * rc;
  glm::dmat4 out = glm::eulerAngleXYZ(e.x, e.y, e.z);
  out[3] = glm::dvec4(t, 1.0);
  return out;
}

}  // namespace

proto::Matrix transform_of(const json& components) {
  auto t = components.find("transform");
  if (t == components.end() || !t->is_object()) return proto::kIdentityMatrix;
  auto m = t->find("matrix");
  if (m == t->end()) return proto::kIdentityMatrix;
  return proto::parse_matrix(*m).value_or(proto::kIdentityMatrix);
}

proto::Matrix world_transform(const World& world, const std::string& id) {
  return from_glm(relative_to(world, "", id));
}

void set_transform(World& world, const std::string& id, const proto::Matrix& m) {
  const auto* rec = world.find(id);
  if (!rec) return;
  // A degenerate matrix (e.g. inverting a zero scale) must never reach
  // clients: NaN/inf serialize as null and break every mirror.
  for (double v : m) {
    if (!std::isfinite(v)) return;
  }
  const json& comps = rec->value->components();
  if (transform_of(comps) == m && comps.contains("transform")) return;
  json next = comps;
  next["transform"]["matrix"] = proto::matrix_to_json(m);
  world.put(id, rec->owner, std::move(next));
}

void Simulation::step(World& world, const std::map<AgentId, AgentIntent>& agents, double dt) {
  for (const auto& [id, a] : agents) {
    if (a.intent && !a.avatar.empty()) move_avatar(world, a, dt);
  }
  actuate_poses(world, agents);
  for (const auto& [id, a] : agents) {
    if (a.intent) apply_grabs(world, a);
  }
}

void Simulation::move_avatar(World& world, const AgentIntent& a, double dt) {
  const auto* rec = world.find(a.avatar);
  if (!rec) return;
  const proto::Intent& in = *a.intent;
  // Stick input is a fraction of full speed.
  const double xmovement = std::clamp(in.xmovement, -1.0, 1.0);
  const double zmovement = std::clamp(in.zmovement, -1.0, 1.0);
  bool moving = xmovement != 0 || zmovement != 0;
  bool turned = a.last_yaw && (std::isnan(*a.last_yaw) ? in.yaw != 0 : *a.last_yaw != in.yaw);
  if (!moving && !turned) return;
  if (a.last_yaw) *a.last_yaw = in.yaw;
  glm::dmat4 old = to_glm(transform_of(rec->value->components()));
  glm::dmat4 rotation = glm::rotate(glm::dmat4(1.0), in.yaw, glm::dvec3(0, -1, 0));
  double distance = kAvatarSpeed * dt;
  glm::dvec3 step =
      glm::dvec3(rotation * glm::dvec4(xmovement * distance, 0, zmovement * distance, 0));
  glm::dvec3 position = glm::dvec3(old[3]) + step;
  glm::dmat4 next = glm::translate(glm::dmat4(1.0), position) * rotation;
  set_transform(world, a.avatar, from_glm(next));
}

void Simulation::actuate_poses(World& world, const std::map<AgentId, AgentIntent>& agents) {
  std::map<std::string, const AgentIntent*> by_avatar;
  for (const auto& [id, a] : agents) {
    if (!a.avatar.empty()) by_avatar[a.avatar] = &a;
  }
  std::vector<std::pair<std::string, proto::Matrix>> updates;
  for (const auto& [eid, rec] : world.records()) {
    const json& comps = rec.value->components();
    auto intent = comps.find("intent");
    if (intent == comps.end() || !intent->is_object()) continue;
    auto pose = intent->find("actuate_pose");
    if (pose == intent->end() || !pose->is_string()) continue;
    const AgentIntent* source = nullptr;
    if (auto from = intent->find("from_avatar"); from != intent->end() && from->is_string()) {
      auto it = by_avatar.find(from->get<std::string>());
      if (it != by_avatar.end()) source = it->second;
    } else if (auto it = agents.find(rec.owner); it != agents.end()) {
      source = &it->second;
    }
    if (!source || !source->intent) continue;
    auto p = source->intent->poses.find(pose->get<std::string>());
    if (p == source->intent->poses.end() || !p->second.matrix) continue;
    updates.emplace_back(eid, *p->second.matrix);
  }
  for (const auto& [eid, m] : updates) set_transform(world, eid, m);
}

void Simulation::apply_grabs(World& world, const AgentIntent& a) {
  std::set<std::string> moved;  // one grab per target per tick
  for (const auto& [name, pose] : a.intent->poses) {
    if (!pose.grab || !pose.matrix) continue;
    const auto* grabbed = world.find(pose.grab->entity);
    if (!grabbed) continue;
    const json& comps = grabbed->value->components();
    auto grabbable = comps.find("grabbable");
    if (grabbable == comps.end() || !grabbable->is_object()) continue;
    std::string target = actuated_entity(world, pose.grab->entity, *grabbable);
    const auto* trec = target.empty() ? nullptr : world.find(target);
    // A grabbable may only move what its own owner owns: a handle spawned
    // under someone else's entity must not let its owner drag that entity.
    if (!trec || trec->owner != grabbed->owner || !moved.insert(target).second) continue;
    // The hand in world space: the pose is relative to the avatar.
    glm::dmat4 avatar_world =
        a.avatar.empty() ? glm::dmat4(1.0) : to_glm(world_transform(world, a.avatar));
    glm::dmat4 hand_world = avatar_world * to_glm(*pose.matrix);
    glm::dmat4 grabbed_world = hand_world * to_glm(pose.grab->grabber_from_entity);
    glm::dmat4 target_world =
        grabbed_world * glm::inverse(relative_to(world, target, pose.grab->entity));
    glm::dmat4 parent_world =
        trec->parent.empty() ? glm::dmat4(1.0) : to_glm(world_transform(world, trec->parent));
    glm::dmat4 new_local = glm::inverse(parent_world) * target_world;
    glm::dmat4 old_local = to_glm(transform_of(trec->value->components()));
    new_local = constrain(old_local, new_local, constraint(*grabbable, "translation_constraint"),
                          constraint(*grabbable, "rotation_constraint"));
    set_transform(world, target, from_glm(new_local));
  }
}

}  // namespace allo::place
