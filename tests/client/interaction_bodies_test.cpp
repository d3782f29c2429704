// Bodies of the official interactions, compared with the literal forms of
// specifications-interactions.md, and the readers of their replies.
#include "allo/interaction_bodies.hpp"

#include <gtest/gtest.h>

namespace allo::client {
namespace {

TEST(InteractionBodies, AnnounceVersion2) {
  json identity = {{"display_name", "annie"}};
  json avatar = {{"transform", {{"matrix", json::array()}}}};
  EXPECT_EQ(announce_body(identity, avatar), json::parse(R"(
    ["announce","version",2,"identity",{"display_name":"annie"},
     "spawn_avatar",{"transform":{"matrix":[]}}])"));
}

TEST(InteractionBodies, SpawnRemoveChange) {
  EXPECT_EQ(spawn_entity_body(json{{"children", json::array()}}),
            json::parse(R"(["spawn_entity",{"children":[]}])"));
  EXPECT_EQ(remove_entity_body("e1", "reparent"),
            json::parse(R"(["remove_entity","e1","reparent"])"));
  EXPECT_EQ(
      change_components_body("e1", json{{"a", {{"v", 1}}}}, json::array({"b"})),
      json::parse(R"(["change_components","e1","add_or_change",{"a":{"v":1}},"remove",["b"]])"));
  EXPECT_EQ(change_components_body("e1", nullptr, nullptr),
            json::parse(R"(["change_components","e1","add_or_change",{},"remove",[]])"));
}

TEST(InteractionBodies, AnnounceReply) {
  auto ok = parse_announce_reply(json::parse(R"(["announce","av1","My Place"])"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->avatar_id, "av1");
  EXPECT_EQ(ok->place_name, "My Place");

  auto err = parse_announce_reply(json::parse(R"(["error","invalid_request","bad version"])"));
  ASSERT_FALSE(err.has_value());
  EXPECT_EQ(err.error().code, "invalid_request");
  EXPECT_EQ(err.error().detail, "bad version");

  auto bad = parse_announce_reply(json::parse(R"(["announce",5])"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, "malformed_reply");
}

TEST(InteractionBodies, SpawnReplyAndErrorBodies) {
  EXPECT_EQ(parse_spawn_reply(json::parse(R"(["spawn_entity","e7"])")).value(), "e7");
  EXPECT_EQ(parse_spawn_reply(json::parse(R"(["remove_entity","ok"])")).error().code,
            "malformed_reply");
  EXPECT_TRUE(is_error_body(json::parse(R"(["error","timeout","x"])")));
  EXPECT_FALSE(is_error_body(json::parse(R"(["errors"])")));
  EXPECT_FALSE(is_error_body(json::object()));
  auto e = error_from_body(json::parse(R"(["error","denied",{"why":1}])"));
  EXPECT_EQ(e.code, "denied");
  EXPECT_EQ(e.detail, R"({"why":1})");
}

}  // namespace
}  // namespace allo::client
