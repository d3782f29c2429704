// announce / spawn_entity / remove_entity / change_components as the place
// answers them, driven through Place::on_packet like the socket layer does.
#include "place_fixture.hpp"

namespace allo::place::testing {
namespace {

using PlaceCommands = PlaceFixture;

TEST_F(PlaceCommands, AnnounceSpawnsAvatarAndRepliesWithIdAndPlaceName) {
  place.on_connect(1, now);
  // Deployed clients' announce: version, identity, spawn_avatar with loose components and children.
  send(1,
       request(
           1, "", "place", "r1",
           {"announce",
            "version",
            2,
            "identity",
            {{"display_name", "annie"}},
            "spawn_avatar",
            {{"transform", {{"matrix", proto::matrix_to_json(proto::kIdentityMatrix)}}},
             {"children",
              json::array({{{"geometry", {{"type", "hardcoded-model"}, {"name", "hand"}}}}})}}}));
  json reply = last_reply(1);
  // ["interaction","response","place","","r1",["announce",avatar,"Test Place"]]
  ASSERT_EQ(reply[1], "response");
  EXPECT_EQ(reply[4], "r1");
  ASSERT_EQ(reply[5][0], "announce");
  EXPECT_EQ(reply[5][2], "Test Place");
  std::string avatar = reply[5][1];
  ASSERT_TRUE(place.world().contains(avatar));
  const auto* rec = place.world().find(avatar);
  ASSERT_EQ(rec->children.size(), 1u);
  std::string child = *rec->children.begin();
  EXPECT_EQ(place.world().find(child)->value->components()["relationships"]["parent"], avatar);
  EXPECT_TRUE(place.agent(1)->announced);
}

TEST_F(PlaceCommands, AnnounceAcceptsVersionsOneToThreeOnly) {
  for (int version : {1, 3}) {
    place.on_connect(10 + version, now);
    send(10 + version, request(10 + version, "", "place", "r",
                               {"announce", "version", version, "identity", json::object(),
                                "spawn_avatar", json::object()}));
    EXPECT_EQ(body(10 + version)[0], "announce") << version;
  }
  place.on_connect(20, now);
  send(20, request(20, "", "place", "r",
                   {"announce", "version", 4, "identity", json::object(), "spawn_avatar",
                    json::object()}));
  EXPECT_EQ(body(20), json::array({"error", "unsupported_version", body(20)[2]}));
  EXPECT_FALSE(place.agent(20)->announced);
}

TEST_F(PlaceCommands, AvatarComponentsUnderComponentsKeyAreAccepted) {
  std::string avatar = join(1, "annie", {{"components", {{"text", {{"string", "hi"}}}}}});
  EXPECT_EQ(place.world().find(avatar)->value->components()["text"]["string"], "hi");
}

TEST_F(PlaceCommands, SecondAnnounceIsRefused) {
  std::string avatar = join(1);
  send(1, request(1, avatar, "place", "again",
                  {"announce", "version", 2, "identity", json::object(), "spawn_avatar",
                   json::object()}));
  EXPECT_EQ(body(1)[1], "already_announced");
}

TEST_F(PlaceCommands, SpawnWithChildrenSetsParentRelationships) {
  std::string avatar = join(1);
  send(1, request(1, avatar, "place", "s1",
                  {"spawn_entity",
                   {{"transform", {{"matrix", proto::matrix_to_json(proto::kIdentityMatrix)}}},
                    {"children", json::array({json::object({{"text", {{"string", "a"}}}}),
                                              json::object({{"text", {{"string", "b"}}}})})}}}));
  json b = body(1);
  ASSERT_EQ(b[0], "spawn_entity") << b.dump();
  std::string root = b[1];
  const auto* rec = place.world().find(root);
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->children.size(), 2u);
  for (const auto& child : rec->children) {
    EXPECT_EQ(place.world().find(child)->value->components()["relationships"]["parent"], root);
  }
  EXPECT_EQ(place.agent(1)->owned.size(), 4u);  // avatar + root + 2 children
}

TEST_F(PlaceCommands, RemoveCascadesByDefaultAndReparentKeepsChildren) {
  std::string avatar = join(1);
  auto spawn_tree = [&](const std::string& rid) {
    send(1, request(1, avatar, "place", rid,
                    {"spawn_entity",
                     {{"children", json::array({json::object({{"text", {{"string", "c"}}}})})}}}));
    std::string root = body(1)[1];
    return std::pair{root, *place.world().find(root)->children.begin()};
  };
  auto [root1, child1] = spawn_tree("s1");
  send(1, request(1, avatar, "place", "r1", {"remove_entity", root1}));  // no mode: cascade
  EXPECT_EQ(body(1), json::array({"remove_entity", "ok"}));
  EXPECT_FALSE(place.world().contains(root1));
  EXPECT_FALSE(place.world().contains(child1));

  auto [root2, child2] = spawn_tree("s2");
  send(1, request(1, avatar, "place", "r2", {"remove_entity", root2, "reparent"}));
  EXPECT_EQ(body(1), json::array({"remove_entity", "ok"}));
  EXPECT_FALSE(place.world().contains(root2));
  ASSERT_TRUE(place.world().contains(child2));
  EXPECT_FALSE(place.world().find(child2)->value->components().contains("relationships"));
  EXPECT_EQ(place.world().find(child2)->parent, "");
}

TEST_F(PlaceCommands, ChangeComponentsAddsChangesAndRemoves) {
  std::string avatar = join(1);
  send(1, request(1, avatar, "place", "c1",
                  {"change_components",
                   avatar,
                   "add_or_change",
                   {{"text", {{"string", "x"}}}},
                   "remove",
                   {"geometry"}}));
  EXPECT_EQ(body(1), json::array({"change_components", "ok"}));
  const json& comps = place.world().find(avatar)->value->components();
  EXPECT_EQ(comps["text"]["string"], "x");
  EXPECT_FALSE(comps.contains("geometry"));
}

TEST_F(PlaceCommands, OnlyTheOwnerMayChangeOrRemove) {
  std::string a = join(1, "annie");
  std::string b = join(2, "bert");
  send(2, request(2, b, "place", "c1",
                  {"change_components",
                   a,
                   "add_or_change",
                   {{"text", {{"string", "pwned"}}}},
                   "remove",
                   json::array()}));
  EXPECT_EQ(body(2)[1], "not_owner");
  send(2, request(2, b, "place", "r1", {"remove_entity", a}));
  EXPECT_EQ(body(2)[1], "not_owner");
  EXPECT_TRUE(place.world().contains(a));
  EXPECT_FALSE(place.world().find(a)->value->components().contains("text"));
}

TEST_F(PlaceCommands, InvalidSpecsAndComponentsAreRefusedWithoutChanges) {
  std::string avatar = join(1);
  size_t before = place.world().size();
  send(1, request(1, avatar, "place", "s1", {"spawn_entity", {{"transform", 5}}}));
  EXPECT_EQ(body(1)[1], "invalid_component");
  send(1, request(1, avatar, "place", "s2",
                  {"spawn_entity", {{"text", {{"string", std::string(70000, 'x')}}}}}));
  EXPECT_EQ(body(1)[1], "component_too_large");
  send(1, request(1, avatar, "place", "s3",
                  {"spawn_entity", {{"relationships", {{"parent", "nope"}}}}}));
  EXPECT_EQ(body(1)[1], "invalid_parent");
  send(1, request(1, avatar, "place", "s4", {"spawn_entity"}));
  EXPECT_EQ(body(1)[1], "invalid_spec");
  EXPECT_EQ(place.world().size(), before);
}

TEST_F(PlaceCommands, ReparentingIntoOwnDescendantIsACycle) {
  std::string avatar = join(1);
  send(1, request(1, avatar, "place", "s1",
                  {"spawn_entity", {{"relationships", {{"parent", avatar}}}}}));
  std::string child = body(1)[1];
  send(1, request(1, avatar, "place", "c1",
                  {"change_components",
                   avatar,
                   "add_or_change",
                   {{"relationships", {{"parent", child}}}},
                   "remove",
                   json::array()}));
  EXPECT_EQ(body(1)[1], "invalid_parent");
}

TEST_F(PlaceCommands, EntityBudgetPerAgentIsEnforced) {
  std::string avatar = join(1);
  json children = json::array();
  for (size_t i = 0; i < limits::kMaxEntitiesPerAgent; ++i) children.push_back(json::object());
  send(1, request(1, avatar, "place", "s1", {"spawn_entity", {{"children", children}}}));
  EXPECT_EQ(body(1)[1], "too_many_entities");
  EXPECT_EQ(place.agent(1)->owned.size(), 1u);
}

TEST_F(PlaceCommands, DisconnectRemovesOwnedEntitiesWithChildren) {
  std::string a = join(1);
  std::string b = join(2);
  // b attaches an entity under a's avatar; a leaves: a's tree goes, b's child with it.
  send(2, request(2, b, "place", "s1", {"spawn_entity", {{"relationships", {{"parent", a}}}}}));
  std::string attached = body(2)[1];
  place.on_disconnect(1);
  EXPECT_FALSE(place.world().contains(a));
  EXPECT_FALSE(place.world().contains(attached));
  EXPECT_FALSE(place.agent(2)->owned.contains(attached));
  EXPECT_TRUE(place.world().contains(b));
}

TEST_F(PlaceCommands, UnknownCommandGetsAnError) {
  std::string avatar = join(1);
  send(1, request(1, avatar, "place", "u1", {"fly_to_the_moon"}));
  EXPECT_EQ(body(1)[0], "error");
  EXPECT_EQ(body(1)[1], "unknown_command");
}

}  // namespace
}  // namespace allo::place::testing

namespace allo::place::testing {
namespace {

// Regression: a non-string display_name used to throw out of the event loop.
TEST_F(PlaceCommands, AnnounceWithANonStringDisplayNameIsServed) {
  place.on_connect(1, now);
  send(1, request(1, "", "place", "r1",
                  {"announce",
                   "version",
                   2,
                   "identity",
                   {{"display_name", 5}},
                   "spawn_avatar",
                   json::object()}));
  EXPECT_EQ(body(1)[0], "announce");
  EXPECT_TRUE(place.agent(1)->announced);
}

TEST_F(PlaceCommands, NullMembersInComponentsAreNotStored) {
  std::string avatar = join(1);
  send(1, request(1, avatar, "place", "s1",
                  {"spawn_entity", {{"text", {{"string", "x"}, {"wrap", nullptr}}}}}));
  std::string id = body(1)[1];
  EXPECT_EQ(place.world().find(id)->value->components()["text"], json({{"string", "x"}}));
  send(1, request(1, avatar, "place", "c1",
                  {"change_components",
                   id,
                   "add_or_change",
                   {{"text", {{"string", "y"}, {"height", nullptr}}}},
                   "remove",
                   json::array()}));
  EXPECT_EQ(place.world().find(id)->value->components()["text"], json({{"string", "y"}}));
}

}  // namespace
}  // namespace allo::place::testing

namespace allo::place::testing {
namespace {

// A client may not point its entity at someone else's voice track.
TEST_F(PlaceCommands, ClientsCannotWriteLiveMedia) {
  std::string avatar = join(1);
  send(1, request(1, avatar, "place", "c1",
                  {"change_components",
                   avatar,
                   "add_or_change",
                   {{"live_media", {{"track_id", 7}}}},
                   "remove",
                   json::array()}));
  EXPECT_EQ(body(1)[1], "reserved_component");
  EXPECT_FALSE(place.world().find(avatar)->value->components().contains("live_media"));
  send(1, request(1, avatar, "place", "s1", {"spawn_entity", {{"live_media", {{"track_id", 7}}}}}));
  EXPECT_EQ(body(1)[1], "reserved_component");
}

}  // namespace
}  // namespace allo::place::testing

namespace allo::place::testing {
namespace {

TEST_F(PlaceCommands, AgentByteBudgetIsEnforcedOnSpawnAndChange) {
  std::string avatar = join(1);
  // 60 KB components: about 280 of them fill the 16 MiB budget.
  json big = {{"blob", {{"data", std::string(60 * 1024, 'x')}}}};
  std::string last_id;
  size_t spawned = 0;
  for (int i = 0; i < 400; ++i) {
    send(1, request(1, avatar, "place", "s" + std::to_string(i), {"spawn_entity", big}));
    if (body(1)[0] != "spawn_entity") break;
    last_id = body(1)[1];
    ++spawned;
  }
  EXPECT_EQ(body(1)[1], "agent_budget_exceeded");
  EXPECT_GT(spawned, 200u);
  EXPECT_LE(place.owned_bytes(*place.agent(1)), limits::kMaxBytesPerAgent);
  // Growing an existing entity past the budget is refused too; shrinking is fine.
  send(1, request(1, avatar, "place", "c1",
                  {"change_components",
                   last_id,
                   "add_or_change",
                   {{"more", {{"data", std::string(60 * 1024, 'y')}}}},
                   "remove",
                   json::array()}));
  EXPECT_EQ(body(1)[1], "agent_budget_exceeded");
  send(1, request(
              1, avatar, "place", "c2",
              {"change_components", last_id, "add_or_change", json::object(), "remove", {"blob"}}));
  EXPECT_EQ(body(1), json::array({"change_components", "ok"}));
}

}  // namespace
}  // namespace allo::place::testing
