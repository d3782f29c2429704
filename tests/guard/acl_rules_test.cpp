#include "guard/acl_rules.hpp"
#include "tests/guard/docs_patterns.hpp"

#include <gtest/gtest.h>

#include "guard/guard_limits.hpp"

namespace allo::guard {
namespace {
using allo::testing::kDocsHarryRule;
using allo::testing::kDocsNewTweet;
using allo::testing::kRealHarryRule;

using nlohmann::json;

json docs_announce(std::string_view name) {
  json j = json::parse(R"(["interaction","request","e1","place","1",
                           ["announce",["identity",{}],{}]])");
  j[5][1][1]["name"] = name;
  return j;
}

json real_announce(std::string_view name) {
  json j = json::parse(R"(["interaction","request","e1","place","1",
      ["announce","version",2,"identity",{},"spawn_avatar",{"components":{}}]])");
  j[5][4]["display_name"] = name;
  j[5][4]["name"] = name;
  return j;
}

TEST(AclRules, DocsHarryRuleDeniesTheDocsAnnounceShape) {
  AclRules acl;
  ASSERT_TRUE(acl.insert(0, AclAction::kDeny, kDocsHarryRule));
  AclDecision d = acl.evaluate(docs_announce("harry"), nullptr);
  EXPECT_EQ(d.action, AclAction::kDeny);
  EXPECT_EQ(d.rule, 0u);
  d = acl.evaluate(docs_announce("sally"), nullptr);
  EXPECT_EQ(d.action, AclAction::kAllow);
  EXPECT_FALSE(d.rule.has_value());
}

TEST(AclRules, DocsHarryRuleLetsTheRealAnnounceShapeThroughButTheRealRuleDenies) {
  AclRules acl;
  ASSERT_TRUE(acl.insert(0, AclAction::kDeny, kDocsHarryRule));
  EXPECT_EQ(acl.evaluate(real_announce("harry"), nullptr).action, AclAction::kAllow);
  ASSERT_TRUE(acl.insert(1, AclAction::kDeny, kRealHarryRule));
  AclDecision d = acl.evaluate(real_announce("harry"), nullptr);
  EXPECT_EQ(d.action, AclAction::kDeny);
  EXPECT_EQ(d.rule, 1u);
  EXPECT_EQ(acl.evaluate(real_announce("sally"), nullptr).action, AclAction::kAllow);
}

TEST(AclRules, FirstMatchingRuleDecides) {
  AclRules acl(AclAction::kDeny);
  ASSERT_TRUE(acl.insert(0, AclAction::kAllow, R"(["interaction", _, "admin", _, _, _])"));
  ASSERT_TRUE(acl.insert(1, AclAction::kDeny, R"(["interaction", _, _, _, _, ["change_acl", _]])"));
  ASSERT_TRUE(acl.insert(2, AclAction::kAllow, R"(["interaction", _, _, _, _, _])"));
  auto msg = [](std::string_view from, std::string_view verb) {
    return json::array({"interaction", "request", from, "place", "1", json::array({verb, 1})});
  };
  EXPECT_EQ(acl.evaluate(msg("admin", "change_acl"), nullptr).rule, 0u);
  AclDecision d = acl.evaluate(msg("bob", "change_acl"), nullptr);
  EXPECT_EQ(d.action, AclAction::kDeny);
  EXPECT_EQ(d.rule, 1u);
  EXPECT_EQ(acl.evaluate(msg("bob", "poke"), nullptr).rule, 2u);
  d = acl.evaluate(json::parse(R"(["not an interaction"])"), nullptr);
  EXPECT_EQ(d.action, AclAction::kDeny);  // the default
  EXPECT_FALSE(d.rule.has_value());
}

TEST(AclRules, InsertAndRemoveAtPositions) {
  AclRules acl;
  ASSERT_TRUE(acl.insert(0, AclAction::kDeny, R"(["b"])"));
  ASSERT_TRUE(acl.insert(0, AclAction::kAllow, R"(["a"])"));
  ASSERT_TRUE(acl.insert(2, AclAction::kDeny, R"(["c"])"));
  ASSERT_EQ(acl.size(), 3u);
  EXPECT_EQ(acl.list()[0].pattern.source(), R"(["a"])");
  EXPECT_EQ(acl.list()[1].pattern.source(), R"(["b"])");
  EXPECT_EQ(acl.list()[2].pattern.source(), R"(["c"])");
  auto past = acl.insert(4, AclAction::kDeny, R"(["d"])");
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, "acl_position");
  auto bad = acl.insert(0, AclAction::kDeny, "[");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "pattern_syntax");
  EXPECT_EQ(acl.size(), 3u);
  EXPECT_TRUE(acl.remove(1));
  EXPECT_FALSE(acl.remove(2));
  EXPECT_EQ(acl.list()[1].pattern.source(), R"(["c"])");
}

TEST(AclRules, RefusesRulesPastTheLimit) {
  AclRules acl;
  for (size_t i = 0; i < limits::kMaxAclRules; ++i)
    ASSERT_TRUE(acl.insert(i, AclAction::kDeny, "_"));
  auto over = acl.insert(0, AclAction::kDeny, "_");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, "too_many_rules");
}

TEST(AclRules, JsonRoundTripKeepsOrderActionsSourcesAndDefault) {
  AclRules acl(AclAction::kDeny);
  ASSERT_TRUE(acl.insert(0, AclAction::kDeny, kDocsHarryRule));
  ASSERT_TRUE(acl.insert(1, AclAction::kAllow, R"(["interaction", _, _, _, _, _])"));
  json doc = acl.to_json();
  EXPECT_EQ(doc["default"], "deny");
  EXPECT_EQ(doc["rules"][0][0], "deny");
  EXPECT_EQ(doc["rules"][0][1], kDocsHarryRule);
  auto back = AclRules::from_json(json::parse(doc.dump()));
  ASSERT_TRUE(back) << back.error().detail;
  EXPECT_EQ(back->to_json(), doc);
  EXPECT_EQ(back->default_action(), AclAction::kDeny);
  EXPECT_EQ(back->evaluate(docs_announce("harry"), nullptr).rule, 0u);
}

TEST(AclRules, FromJsonAcceptsTheDocsRuleListShape) {
  json docs_rules = json::array({json::array({"deny", kDocsHarryRule})});
  auto acl = AclRules::from_json(docs_rules);
  ASSERT_TRUE(acl) << acl.error().detail;
  EXPECT_EQ(acl->default_action(), AclAction::kAllow);
  EXPECT_EQ(acl->evaluate(docs_announce("harry"), nullptr).action, AclAction::kDeny);
}

TEST(AclRules, FromJsonNamesTheBadRule) {
  auto code_detail = [](const json& doc) {
    auto acl = AclRules::from_json(doc);
    EXPECT_FALSE(acl);
    return acl ? std::string() : acl.error().code + ": " + acl.error().detail;
  };
  EXPECT_EQ(code_detail(json::parse(R"([["allow", "_"], ["maybe", "_"]])")),
            R"(acl_invalid: rule 1: expected "allow" or "deny", found "maybe")");
  EXPECT_EQ(code_detail(json::parse(R"([["allow", "["]])")),
            "pattern_syntax: rule 0: at 1: expected a literal, a Variable, '_' or '[', found end "
            "of pattern");
  EXPECT_EQ(code_detail(json::parse(R"([["allow"]])")),
            R"(acl_invalid: rule 0: expected ["allow"|"deny", pattern])");
  EXPECT_EQ(code_detail(json::parse(R"({"default": "deny"})")), R"(acl_invalid: missing "rules")");
  EXPECT_EQ(code_detail(json::parse(R"({"default": 1, "rules": []})")),
            R"(acl_invalid: "default" must be a string)");
  EXPECT_EQ(code_detail(json(5)), "acl_invalid: rules must be a list");
}

TEST(AclRules, ActionWords) {
  EXPECT_EQ(to_string(AclAction::kAllow), "allow");
  EXPECT_EQ(to_string(AclAction::kDeny), "deny");
  EXPECT_EQ(*parse_acl_action("deny"), AclAction::kDeny);
  EXPECT_FALSE(parse_acl_action("Deny"));
}

}  // namespace
}  // namespace allo::guard
