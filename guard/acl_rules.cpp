#include "guard/acl_rules.hpp"

#include <fmt/format.h>

#include "guard/guard_limits.hpp"

namespace allo::guard {

using nlohmann::json;

std::string_view to_string(AclAction action) {
  return action == AclAction::kAllow ? "allow" : "deny";
}

Result<AclAction> parse_acl_action(std::string_view word) {
  if (word == "allow") return AclAction::kAllow;
  if (word == "deny") return AclAction::kDeny;
  return proto::fail("acl_invalid", fmt::format("expected \"allow\" or \"deny\", found \"{}\"",
                                                word.substr(0, 32)));
}

AclDecision AclRules::evaluate(const json& interaction, const GuardContext* context) const {
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].pattern.matches(interaction, context)) return {rules_[i].action, i};
  }
  return {default_action_, std::nullopt};
}

Result<void> AclRules::insert(size_t position, AclAction action, std::string_view pattern) {
  if (position > rules_.size()) {
    return proto::fail("acl_position", fmt::format("position {} is past the end ({} rules)",
                                                   position, rules_.size()));
  }
  if (rules_.size() >= limits::kMaxAclRules) {
    return proto::fail("too_many_rules",
                       fmt::format("the ACL already holds {} rules", limits::kMaxAclRules));
  }
  auto compiled = Pattern::compile(pattern);
  if (!compiled) return std::unexpected(compiled.error());
  rules_.insert(rules_.begin() + static_cast<std::ptrdiff_t>(position),
                AclRule{action, std::move(*compiled)});
  return {};
}

bool AclRules::remove(size_t position) {
  if (position >= rules_.size()) return false;
  rules_.erase(rules_.begin() + static_cast<std::ptrdiff_t>(position));
  return true;
}

json AclRules::to_json() const {
  json rules = json::array();
  for (const AclRule& rule : rules_) {
    rules.push_back(json::array({to_string(rule.action), rule.pattern.source()}));
  }
  return {{"default", to_string(default_action_)}, {"rules", std::move(rules)}};
}

Result<AclRules> AclRules::from_json(const json& doc) {
  AclRules acl;
  const json* rules = &doc;
  if (doc.is_object()) {
    auto def = doc.find("default");
    if (def != doc.end()) {
      if (!def->is_string()) return proto::fail("acl_invalid", "\"default\" must be a string");
      auto action = parse_acl_action(def->get_ref<const std::string&>());
      if (!action) return std::unexpected(action.error());
      acl.default_action_ = *action;
    }
    auto it = doc.find("rules");
    if (it == doc.end()) return proto::fail("acl_invalid", "missing \"rules\"");
    rules = &*it;
  }
  if (!rules->is_array()) return proto::fail("acl_invalid", "rules must be a list");
  for (size_t i = 0; i < rules->size(); ++i) {
    const json& rule = (*rules)[i];
    if (!rule.is_array() || rule.size() != 2 || !rule[0].is_string() || !rule[1].is_string()) {
      return proto::fail("acl_invalid",
                         fmt::format("rule {}: expected [\"allow\"|\"deny\", pattern]", i));
    }
    auto action = parse_acl_action(rule[0].get_ref<const std::string&>());
    if (!action)
      return proto::fail("acl_invalid", fmt::format("rule {}: {}", i, action.error().detail));
    auto ok = acl.insert(acl.size(), *action, rule[1].get_ref<const std::string&>());
    if (!ok) return proto::fail(ok.error().code, fmt::format("rule {}: {}", i, ok.error().detail));
  }
  return acl;
}

}  // namespace allo::guard
