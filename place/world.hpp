// The world: every entity, who owns it, and the parent/child links derived
// from each entity's relationships.parent. Changes accumulate in a pending
// delta until commit(), which assigns the next revision.
// Not thread-safe: owned and used by the place's event loop only.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "place/entity.hpp"

namespace allo::place {

// What one revision changed: each changed entity id with its snapshot before
// the change (nullptr when it did not exist before).
struct RevisionDelta {
  uint64_t revision = 0;
  std::vector<std::pair<std::string, EntityPtr>> before;
};

class World {
 public:
  struct Record {
    EntityPtr value;
    AgentId owner = kPlaceAgent;
    std::string parent;  // "" for roots
    std::set<std::string> children;
  };

  const Record* find(const std::string& id) const;
  bool contains(const std::string& id) const { return records_.contains(id); }
  size_t size() const { return records_.size(); }
  const std::unordered_map<std::string, Record>& records() const { return records_; }

  // Adds or replaces an entity's components (an object). The parent link is
  // read from components.relationships.parent. The caller checks ownership
  // and cycles (would_create_cycle) first.
  void put(const std::string& id, AgentId owner, json components);
  // Removes one entity; its children become roots (their relationships
  // component is left as is: see remove_tree / reparent_children).
  void erase(const std::string& id);
  // The entity and all its descendants, parents before children.
  std::vector<std::string> subtree(const std::string& id) const;
  // True when making `parent` the parent of `id` would close a loop.
  bool would_create_cycle(const std::string& id, const std::string& parent) const;

  // Ends the current revision. Returns the delta when anything changed
  // (revision incremented), nullopt otherwise.
  std::optional<RevisionDelta> commit();
  uint64_t revision() const { return revision_; }

 private:
  void note_change(const std::string& id, const EntityPtr& before);
  void link(const std::string& id, const std::string& parent);
  void unlink(const std::string& id);

  std::unordered_map<std::string, Record> records_;
  uint64_t revision_ = 0;
  std::map<std::string, EntityPtr> pending_before_;  // id -> snapshot before this revision
};

// relationships.parent of a components object, or "".
std::string parent_of(const json& components);

}  // namespace allo::place
