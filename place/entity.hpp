// One entity as the place stores it: an immutable snapshot. A change makes a
// new snapshot, so revisions in the state history share the entities that did
// not change, and the serialized form is computed once per snapshot.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace allo::place {

using nlohmann::json;
using AgentId = uint32_t;
inline constexpr AgentId kPlaceAgent = 0;  // owner of the "place" entity

struct Entity {
  std::string id;
  json doc;                // {"id": id, "components": {...}}: the wire form
  std::string keyed_dump;  // "\"<id>\":<doc>", ready to concatenate into a set

  const json& components() const { return doc["components"]; }
};
using EntityPtr = std::shared_ptr<const Entity>;

// Builds a snapshot; `components` must be an object.
EntityPtr make_entity(const std::string& id, json components);

}  // namespace allo::place
