#include "place/world.hpp"

namespace allo::place {

std::string parent_of(const json& components) {
  auto rel = components.find("relationships");
  if (rel == components.end() || !rel->is_object()) return "";
  auto p = rel->find("parent");
  if (p == rel->end() || !p->is_string()) return "";
  return p->get<std::string>();
}

const World::Record* World::find(const std::string& id) const {
  auto it = records_.find(id);
  return it == records_.end() ? nullptr : &it->second;
}

void World::note_change(const std::string& id, const EntityPtr& before) {
  pending_before_.try_emplace(id, before);  // keep the first: the value at the last revision
}

void World::link(const std::string& id, const std::string& parent) {
  auto& rec = records_[id];
  rec.parent = parent;
  if (parent.empty()) return;
  if (auto it = records_.find(parent); it != records_.end()) it->second.children.insert(id);
}

void World::unlink(const std::string& id) {
  auto it = records_.find(id);
  if (it == records_.end() || it->second.parent.empty()) return;
  if (auto p = records_.find(it->second.parent); p != records_.end()) p->second.children.erase(id);
  it->second.parent.clear();
}

void World::put(const std::string& id, AgentId owner, json components) {
  std::string parent = parent_of(components);
  auto it = records_.find(id);
  EntityPtr before = it == records_.end() ? nullptr : it->second.value;
  note_change(id, before);
  if (it != records_.end() && it->second.parent != parent) unlink(id);
  auto& rec = records_[id];
  rec.owner = owner;
  rec.value = make_entity(id, std::move(components));
  if (rec.parent != parent) link(id, parent);
}

void World::erase(const std::string& id) {
  auto it = records_.find(id);
  if (it == records_.end()) return;
  note_change(id, it->second.value);
  unlink(id);
  for (const auto& child : it->second.children) {
    if (auto c = records_.find(child); c != records_.end()) c->second.parent.clear();
  }
  records_.erase(id);
}

std::vector<std::string> World::subtree(const std::string& id) const {
  std::vector<std::string> out;
  if (!records_.contains(id)) return out;
  out.push_back(id);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& rec = records_.at(out[i]);
    for (const auto& child : rec.children) {
      if (records_.contains(child)) out.push_back(child);
    }
  }
  return out;
}

bool World::would_create_cycle(const std::string& id, const std::string& parent) const {
  std::string cur = parent;
  for (size_t steps = 0; !cur.empty() && steps <= records_.size(); ++steps) {
    if (cur == id) return true;
    auto it = records_.find(cur);
    if (it == records_.end()) return false;
    cur = it->second.parent;
  }
  return !cur.empty();
}

std::optional<RevisionDelta> World::commit() {
  if (pending_before_.empty()) return std::nullopt;
  RevisionDelta delta;
  delta.revision = ++revision_;
  delta.before.reserve(pending_before_.size());
  for (auto& [id, before] : pending_before_) delta.before.emplace_back(id, std::move(before));
  pending_before_.clear();
  return delta;
}

}  // namespace allo::place
