// The GuardContext (guard/guard_context.hpp) of one agent of a place: what a
// subscription guard or an ACL rule may ask about the sender of the value
// being matched (its identity, avatar, the entities it owns, any entity's
// components).
//
// owns("place") is true only for the place's owner and local admins (the
// "place" entity belongs to the place itself): that is how ACL rules name them.
//
// Ownership: borrows the World and the Agent; both must outlive every
// Pattern::matches() call that uses this context. Cheap to build per match.
// Thread-safety: event-loop thread only, like the Place.
#pragma once

#include <nlohmann/json.hpp>

#include "guard/guard_context.hpp"
#include "place/agent.hpp"
#include "place/world.hpp"

namespace allo::place {

class AgentGuardContext : public guard::GuardContext {
 public:
  AgentGuardContext(const World& world, const Agent& agent, bool place_owner = false);

  const nlohmann::json* sender_identity() const override;
  const nlohmann::json* sender_avatar() const override;
  bool sender_owns(std::string_view entity_id) const override;
  const nlohmann::json* component(std::string_view entity_id, std::string_view name) const override;

 private:
  const World& world_;
  const Agent& agent_;
  bool place_owner_;
  nlohmann::json avatar_;  // the avatar id as a JSON string, or null
};

}  // namespace allo::place
