#include "place/agent_guard_context.hpp"

namespace allo::place {

AgentGuardContext::AgentGuardContext(const World& world, const Agent& agent, bool place_owner)
    : world_(world), agent_(agent), place_owner_(place_owner) {
  if (!agent.avatar.empty()) avatar_ = agent.avatar;
}

const nlohmann::json* AgentGuardContext::sender_identity() const {
  return agent_.announced ? &agent_.identity : nullptr;
}

const nlohmann::json* AgentGuardContext::sender_avatar() const {
  return avatar_.is_string() ? &avatar_ : nullptr;
}

bool AgentGuardContext::sender_owns(std::string_view entity_id) const {
  if (entity_id == "place") return place_owner_;
  const auto* rec = world_.find(std::string(entity_id));
  return rec && rec->owner == agent_.id && agent_.id != kPlaceAgent;
}

const nlohmann::json* AgentGuardContext::component(std::string_view entity_id,
                                                   std::string_view name) const {
  const auto* rec = world_.find(std::string(entity_id));
  if (!rec || !rec->value) return nullptr;
  const auto& components = rec->value->doc.find("components");
  if (components == rec->value->doc.end() || !components->is_object()) return nullptr;
  auto it = components->find(name);
  return it == components->end() ? nullptr : &*it;
}

}  // namespace allo::place
