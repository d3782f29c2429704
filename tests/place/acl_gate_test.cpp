// The interaction ACL through the place: default rules, the docs' harry rule,
// changes by the owner / admin and refusals for others, loosening the
// ownership rule, counting, and hostile patterns staying bounded.
#include "place/acl_gate.hpp"
#include "tests/guard/docs_patterns.hpp"

#include <chrono>

#include "place/default_acl_rules.hpp"
#include "place_fixture.hpp"

namespace allo::place::testing {
namespace {
using allo::testing::kDocsHarryRule;
using allo::testing::kDocsNewTweet;
using allo::testing::kRealHarryRule;

constexpr const char* kOwnerKey = "owner-key-0123456789abcdef";
constexpr const char* kAdminToken = "admin-token-0123456789abcdef";

class Acl : public PlaceFixture {
 public:
  Acl() : gate(place, registry, default_acl_rules(), {"", kOwnerKey, kAdminToken}) {}

  // Announces with `identity`; returns the reply body.
  json announce(AgentId id, const json& identity) {
    place.on_connect(id, now);
    send(id,
         request(id, "", "place", "a1",
                 {"announce", "version", 2, "identity", identity, "spawn_avatar", json::object()}));
    return body(id);
  }
  std::string join_owner(AgentId id) {
    json b = announce(id, {{"display_name", "olga"}, {"owner_key", kOwnerKey}});
    EXPECT_EQ(b[0], "announce") << b.dump();
    return b[1];
  }
  json call(AgentId id, const std::string& from, const json& body_) {
    send(id, request(id, from, "place", "c", body_));
    return body(id);
  }
  double decisions(const std::string& rule, const std::string& result) {
    for (const auto& family : registry.Collect()) {
      if (family.name != "alloplace_acl_decisions_total") continue;
      for (const auto& m : family.metric) {
        std::map<std::string, std::string> labels;
        for (const auto& l : m.label) labels[l.name] = l.value;
        if (labels["rule"] == rule && labels["result"] == result) return m.counter.value;
      }
    }
    return 0;
  }

  AclGate gate;
};

TEST_F(Acl, DefaultRulesKeepOwnershipOfEntities) {
  std::string a = join(1, "annie"), b = join(2, "bert");
  json spawned = call(1, a, {"spawn_entity", {{"text", {{"string", "hi"}}}}});
  ASSERT_EQ(spawned[0], "spawn_entity");
  std::string id = spawned[1];

  json change = {"change_components", id, "add_or_change", {{"text", {{"string", "x"}}}}};
  json denied = call(2, b, change);
  // ["interaction_denied", <the interaction>, <rule source>]
  ASSERT_EQ(denied[0], "interaction_denied") << denied.dump();
  EXPECT_EQ(denied[1], request(2, b, "place", "c", change));
  EXPECT_EQ(denied[2], gate.rules().list()[1].pattern.source());
  EXPECT_EQ(last_reply(2)[1], "response");
  EXPECT_EQ(last_reply(2)[4], "c");
  // A malformed change (odd length) is covered too.
  EXPECT_EQ(call(2, b, {"change_components", id, "add_or_change", {{"text", {}}}, "remove"})[0],
            "interaction_denied");
  EXPECT_EQ(call(2, b, {"remove_entity", id})[0], "interaction_denied");
  EXPECT_EQ(call(2, b, {"remove_entity", id, "reparent"})[0], "interaction_denied");
  EXPECT_TRUE(place.world().contains(id));

  EXPECT_EQ(call(1, a, change), json::array({"change_components", "ok"}));
  EXPECT_EQ(call(1, a, {"remove_entity", id}), json::array({"remove_entity", "ok"}));
  EXPECT_EQ(decisions("1", "deny"), 2);
  EXPECT_EQ(decisions("2", "deny"), 2);
  EXPECT_GE(decisions("3", "allow"), 2);  // both announces
}

TEST_F(Acl, RulesSeeOnlyVerifiedSenders) {
  std::string o = join_owner(1);
  std::string a = join(2, "annie"), b = join(3, "bert");
  // A rule that trusts "from": only annie's avatar may shout.
  ASSERT_EQ(
      call(1, o,
           {"acl_add", 0, "deny",
            "[\"interaction\", _, From, \"place\", _, [\"shout\"]] where From != \"" + a + "\""}),
      json::array({"acl_add", "ok"}));
  EXPECT_EQ(call(2, a, {"shout"})[1], "unknown_command");  // allowed
  EXPECT_EQ(call(3, b, {"shout"})[0], "interaction_denied");
  // Bert claiming annie's avatar is refused before the rules see it.
  EXPECT_EQ(call(3, a, {"shout"})[1], "invalid_sender");
}

TEST_F(Acl, DeniedOnewayIsDroppedAndCounted) {
  std::string a = join(1), b = join(2);
  json spawned = call(1, a, {"spawn_entity", json::object()});
  size_t before = out.to(2, limits::kChannelCommands).size();
  send(2, json::array({"interaction", "oneway", b, "place", "", {"remove_entity", spawned[1]}}));
  EXPECT_EQ(out.to(2, limits::kChannelCommands).size(), before);
  EXPECT_TRUE(place.world().contains(spawned[1]));
  EXPECT_EQ(decisions("2", "deny"), 1);
}

TEST_F(Acl, OwnerListsAddsAndRemovesRulesOthersAreDenied) {
  std::string o = join_owner(1);
  std::string b = join(2, "bert");
  // The key is a secret: it is not kept in the identity rules and subscriptions see.
  EXPECT_FALSE(place.agent(1)->identity.contains("owner_key"));
  EXPECT_TRUE(gate.is_place_owner(1));
  EXPECT_FALSE(gate.is_place_owner(2));

  json listed = call(1, o, {"acl_list"});
  ASSERT_EQ(listed[0], "acl_list");
  ASSERT_EQ(listed[1].size(), 4u);
  EXPECT_EQ(listed[1][0][0], "deny");
  EXPECT_EQ(listed[1][3][0], "allow");

  EXPECT_EQ(call(2, b, {"acl_list"})[0], "interaction_denied");
  EXPECT_EQ(call(2, b, {"acl_add", 0, "allow", "_"})[0], "interaction_denied");
  EXPECT_EQ(call(2, b, {"acl_remove", 0})[0], "interaction_denied");
  EXPECT_EQ(gate.rules().size(), 4u);

  EXPECT_EQ(call(1, o, {"acl_add", 0, "deny", R"(["interaction", _, _, _, _, ["shout", _]])"}),
            json::array({"acl_add", "ok"}));
  EXPECT_EQ(gate.rules().size(), 5u);
  EXPECT_EQ(call(2, b, {"shout", "hi"})[0], "interaction_denied");
  EXPECT_EQ(call(1, o, {"acl_remove", 0}), json::array({"acl_remove", "ok"}));
  EXPECT_EQ(call(2, b, {"shout", "hi"})[1], "unknown_command");  // allowed again
}

TEST_F(Acl, LocalAdminTokenGrantsTheOwnersRights) {
  json b = announce(1, {{"display_name", "root"}, {"admin_token", kAdminToken}});
  ASSERT_EQ(b[0], "announce");
  EXPECT_EQ(call(1, b[1], {"acl_list"})[0], "acl_list");
  EXPECT_FALSE(place.agent(1)->identity.contains("admin_token"));
  json wrong = announce(2, {{"admin_token", "admin-token-0123456789abcdeX"}});
  EXPECT_EQ(call(2, wrong[1], {"acl_list"})[0], "interaction_denied");
}

TEST_F(Acl, BadRuleChangesGetErrorsWithPositions) {
  std::string o = join_owner(1);
  json e = call(1, o, {"acl_add", 0, "deny", R"(["interaction", _ _])"});
  ASSERT_EQ(e[0], "error") << e.dump();
  EXPECT_EQ(e[1], "pattern_syntax");
  EXPECT_TRUE(e[2].get<std::string>().starts_with("at 18:")) << e.dump();
  EXPECT_EQ(call(1, o, {"acl_add", 9, "deny", "_"})[1], "acl_position");
  EXPECT_EQ(call(1, o, {"acl_add", 0, "maybe", "_"})[1], "acl_invalid");
  EXPECT_EQ(call(1, o, {"acl_add", -1, "deny", "_"})[1], "invalid_request");
  EXPECT_EQ(call(1, o, {"acl_remove", 4})[1], "acl_position");
  EXPECT_EQ(call(1, o, json::array({"acl_remove"}))[1], "invalid_request");
  EXPECT_EQ(gate.rules().size(), 4u);
}

TEST_F(Acl, OwnerCanLoosenTheOwnershipRule) {
  std::string o = join_owner(1);
  std::string a = join(2, "annie"), b = join(3, "bert");
  std::string id = call(2, a, {"spawn_entity", json::object()})[1];
  json change = {"change_components", id, "add_or_change", {{"text", {{"string", "b"}}}}};
  ASSERT_EQ(call(3, b, change)[0], "interaction_denied");
  ASSERT_EQ(call(1, o, {"acl_remove", 1}), json::array({"acl_remove", "ok"}));
  EXPECT_EQ(call(3, b, change), json::array({"change_components", "ok"}));
  // The entity still belongs to annie (it goes when she leaves).
  EXPECT_EQ(place.world().find(id)->owner, 2u);
  EXPECT_TRUE(place.agent(2)->owned.contains(id));
  // The place's own entity stays off limits even to the owner.
  EXPECT_EQ(
      call(1, o, {"change_components", "place", "add_or_change", {{"text", {{"string", "x"}}}}})[1],
      "not_owner");
}

TEST_F(Acl, HarryRulesRefuseHarrysAnnounce) {
  std::string o = join_owner(1);
  ASSERT_EQ(call(1, o, {"acl_add", 0, "deny", kDocsHarryRule}), json::array({"acl_add", "ok"}));
  place.on_connect(2, now);
  send(2, request(2, "e1", "place", "1",
                  {"announce", json::array({"identity", {{"name", "harry"}}}), json::object()}));
  EXPECT_EQ(body(2)[0], "interaction_denied");
  EXPECT_EQ(body(2)[2], kDocsHarryRule);

  // Deployed clients' announce shape needs the documented real-shape rule.
  EXPECT_EQ(announce(3, {{"display_name", "harry"}})[0], "announce");
  ASSERT_EQ(call(1, o,
                 {"acl_add", 0, "deny",
                  R"(["interaction","request",_,"place",_,
                      ["announce","version",_,"identity",Identity,"spawn_avatar",_]]
                     where Identity["display_name"] == "harry")"}),
            json::array({"acl_add", "ok"}));
  EXPECT_EQ(announce(4, {{"display_name", "harry"}})[0], "interaction_denied");
  EXPECT_FALSE(place.agent(4)->announced);
  EXPECT_EQ(announce(5, {{"display_name", "annie"}})[0], "announce");
}

TEST_F(Acl, HostilePatternsAreRefusedOrStayBounded) {
  std::string o = join_owner(1);
  std::string deep = std::string(200, '[') + std::string(200, ']');
  EXPECT_EQ(call(1, o, {"acl_add", 0, "deny", deep})[1], "pattern_too_deep");
  std::string huge = "[";
  for (int i = 0; i < 3000; ++i) huge += "_,";
  huge += "_]";
  EXPECT_EQ(call(1, o, {"acl_add", 0, "deny", huge})[1], "pattern_too_long");
  std::string wide = "[";
  for (int i = 0; i < 600; ++i) wide += "1,";
  wide += "1]";
  EXPECT_EQ(call(1, o, {"acl_add", 0, "deny", wide})[1], "pattern_too_large");

  // The worst legal rules: a 28-deep template, a repeated variable compared
  // deeply, a long or-chain. Interactions as big and deep as the wire allows
  // (kMaxJsonDepth) still evaluate in bounded time.
  std::string nested = R"(["interaction", _, _, _, _, ["deep", )" + std::string(27, '[') + "X" +
                       std::string(27, ']') + "]]";
  ASSERT_EQ(call(1, o, {"acl_add", 0, "deny", nested})[0], "acl_add");
  ASSERT_EQ(call(1, o, {"acl_add", 0, "deny", R"(["interaction", _, _, _, _, [_, X, X]])"})[0],
            "acl_add");
  std::string chain = R"(["interaction", _, _, _, _, B] where B[0] == "a0")";
  for (int i = 1; i < 80; ++i) chain += " or B[0] == \"a" + std::to_string(i) + "\"";
  ASSERT_EQ(call(1, o, {"acl_add", 0, "deny", chain})[0], "acl_add");

  std::string b = join(2, "bert");
  json big = json::array();
  for (int i = 0; i < 20000; ++i) big.push_back(i);
  json other = big;
  other.back() = -1;
  json deep_value = json::array();
  for (int i = 0; i < 28; ++i) deep_value = json::array({deep_value});
  // Through the place once each: [_, X, X] compares 20,000 elements deeply.
  EXPECT_EQ(call(2, b, {"ping", big, big})[0], "interaction_denied");
  EXPECT_EQ(call(2, b, {"ping", big, other})[1], "unknown_command");
  EXPECT_EQ(call(2, b, {"deep", deep_value})[0], "interaction_denied");
  // The evaluation alone, repeated: bounded by the rules, not by the sender.
  json messages[] = {request(2, b, "place", "c", {"ping", big, big}),
                     request(2, b, "place", "c", {"ping", big, other}),
                     request(2, b, "place", "c", {"deep", deep_value})};
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 300; ++i) gate.rules().evaluate(messages[i % 3], nullptr);
  double per_eval =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 300;
  EXPECT_LT(per_eval, 0.005) << per_eval;  // ~0.1 ms expected; generous for a shared machine
}

}  // namespace
}  // namespace allo::place::testing
