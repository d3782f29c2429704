#include "place/entity_spec.hpp"

#include <gtest/gtest.h>

#include "proto/limits.hpp"

namespace allo::place {
namespace {

using nlohmann::json;

TEST(EntitySpec, LooseAndNestedComponentsMergeWithComponentsWinning) {
  auto s = parse_entity_spec({{"text", {{"string", "loose"}}},
                              {"geometry", {{"type", "inline"}}},
                              {"components", {{"text", {{"string", "nested"}}}}},
                              {"id", "ignored"}});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->components["text"]["string"], "nested");
  EXPECT_EQ(s->components["geometry"]["type"], "inline");
  EXPECT_FALSE(s->components.contains("id"));
}

TEST(EntitySpec, ChildrenAreParsedRecursively) {
  auto s = parse_entity_spec(
      {{"children", json::array({{{"children", json::array({json::object()})}}})}});
  ASSERT_TRUE(s);
  EXPECT_EQ(entity_count(*s), 3u);
}

TEST(EntitySpec, ErrorsNameTheProblem) {
  EXPECT_EQ(parse_entity_spec(json::array()).error().code, "invalid_spec");
  EXPECT_EQ(parse_entity_spec({{"children", 3}}).error().code, "invalid_spec");
  EXPECT_EQ(parse_entity_spec({{"transform", "up"}}).error().code, "invalid_component");
  EXPECT_EQ(parse_entity_spec({{"text", {{"s", std::string(limits::kMaxComponentBytes, 'x')}}}})
                .error()
                .code,
            "component_too_large");
  json many = json::object();
  for (size_t i = 0; i <= limits::kMaxComponentsPerEntity; ++i)
    many["c" + std::to_string(i)] = json::object();
  EXPECT_EQ(parse_entity_spec(many).error().code, "too_many_components");
}

}  // namespace
}  // namespace allo::place

namespace allo::place {
namespace {

TEST(EntitySpec, LiveMediaIsReservedForThePlace) {
  auto s = parse_entity_spec({{"live_media", {{"track_id", 3}}}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "reserved_component");
  EXPECT_EQ(check_client_components({{"live_media", json::object()}}).error().code,
            "reserved_component");
  EXPECT_TRUE(check_client_components({{"text", json::object()}}));
}

}  // namespace
}  // namespace allo::place
