// What a guard needs to know about the sender of the value being matched.
// The place implements this per evaluation; a null context is allowed, and
// every sender function then yields null or false.
//
// Ownership: returned pointers are borrowed and must stay valid until the
// Pattern::matches() call that asked for them returns.
// Thread-safety: called only from the thread running the match.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace allo::guard {

class GuardContext {
 public:
  virtual ~GuardContext() = default;

  // The sender agent's identity map (from its announce), or nullptr.
  virtual const nlohmann::json* sender_identity() const { return nullptr; }
  // The sender's avatar entity id as a JSON string, or nullptr.
  virtual const nlohmann::json* sender_avatar() const { return nullptr; }
  // True if the sender owns the entity with this id.
  virtual bool sender_owns(std::string_view /*entity_id*/) const { return false; }
  // The named component of the entity (any owner), or nullptr if absent.
  virtual const nlohmann::json* component(std::string_view /*entity_id*/,
                                          std::string_view /*name*/) const {
    return nullptr;
  }
};

}  // namespace allo::guard
