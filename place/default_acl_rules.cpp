#include "place/default_acl_rules.hpp"

#include <stdexcept>

namespace allo::place {

namespace {

using guard::AclAction;

struct DefaultRule {
  AclAction action;
  const char* pattern;
};

// Body[0]/Body[1] by index, not by template, so bodies of every length
// (and malformed ones the command handler will refuse) are covered.
constexpr DefaultRule kDefaultRules[] = {
    {AclAction::kDeny, R"(["interaction", _, _, "place", _, Body] where (Body[0] == "acl_list" or )"
                       R"(Body[0] == "acl_add" or Body[0] == "acl_remove") and not owns("place"))"},
    {AclAction::kDeny,
     R"(["interaction", _, _, "place", _, Body] where Body[0] == "change_components" )"
     R"(and not owns(Body[1]))"},
    {AclAction::kDeny,
     R"(["interaction", _, _, "place", _, Body] where Body[0] == "remove_entity" )"
     R"(and not owns(Body[1]))"},
    {AclAction::kAllow,
     R"(["interaction", "request", _, "place", _, Body] where Body[0] == "announce")"},
};

}  // namespace

guard::AclRules default_acl_rules() {
  guard::AclRules rules(AclAction::kAllow);
  for (const auto& rule : kDefaultRules) {
    if (auto r = rules.insert(rules.size(), rule.action, rule.pattern); !r) {
      throw std::logic_error("default ACL rule does not compile: " + r.error().detail);
    }
  }
  return rules;
}

}  // namespace allo::place
