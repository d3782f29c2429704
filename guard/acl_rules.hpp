// An interaction ACL: an ordered list of allow/deny rules, each a compiled
// guard pattern over the whole interaction message
// (["interaction", type, from, to, request_id, body]). The first rule whose
// pattern matches decides; when none does, the default action applies.
//
// Persistence is pure: to_json()/from_json() convert to and from
//   {"default": "allow", "rules": [["deny", "<pattern source>"], ...]}
// (each rule in the docs' ["deny", """..."""] shape); the place does file IO.
//
// Errors: "acl_invalid" (bad action word, bad JSON shape), "acl_position"
// (insert/remove outside the list), "too_many_rules" (limits::kMaxAclRules),
// and the Pattern::compile() codes (from from_json() prefixed "rule N: ").
// Thread-safety: none; evaluate() is const and may run concurrently only
// while nobody modifies the list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guard/pattern.hpp"

namespace allo::guard {

enum class AclAction : uint8_t { kAllow, kDeny };

std::string_view to_string(AclAction action);
// "allow" or "deny"; anything else is "acl_invalid".
Result<AclAction> parse_acl_action(std::string_view word);

struct AclRule {
  AclAction action = AclAction::kAllow;
  Pattern pattern;  // pattern.source() is the rule's text
};

struct AclDecision {
  AclAction action = AclAction::kAllow;
  std::optional<size_t> rule;  // index of the deciding rule; nullopt: the default
};

class AclRules {
 public:
  explicit AclRules(AclAction default_action = AclAction::kAllow)
      : default_action_(default_action) {}

  AclDecision evaluate(const nlohmann::json& interaction, const GuardContext* context) const;

  // Compiles `pattern` and inserts the rule before `position` (size() appends).
  Result<void> insert(size_t position, AclAction action, std::string_view pattern);
  // Removes the rule at `position`; false if there is none.
  bool remove(size_t position);

  const std::vector<AclRule>& list() const { return rules_; }
  size_t size() const { return rules_.size(); }
  AclAction default_action() const { return default_action_; }
  void set_default_action(AclAction action) { default_action_ = action; }

  nlohmann::json to_json() const;
  // Accepts the to_json() object, or a bare array of rules (default allow).
  static Result<AclRules> from_json(const nlohmann::json& doc);

 private:
  AclAction default_action_;
  std::vector<AclRule> rules_;
};

}  // namespace allo::guard
