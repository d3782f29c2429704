#include "place/world.hpp"

#include <gtest/gtest.h>

#include "place/state_history.hpp"

namespace allo::place {
namespace {

using nlohmann::json;

json child_of(const std::string& parent) {
  return {{"relationships", {{"parent", parent}}}};
}

TEST(World, CommitAssignsRevisionsOnlyWhenSomethingChanged) {
  World w;
  EXPECT_FALSE(w.commit());
  w.put("a", 1, json::object());
  auto d = w.commit();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->revision, 1u);
  ASSERT_EQ(d->before.size(), 1u);
  EXPECT_EQ(d->before[0].second, nullptr);  // did not exist before
  EXPECT_FALSE(w.commit());
}

TEST(World, DeltaKeepsTheValueFromBeforeTheRevision) {
  World w;
  w.put("a", 1, {{"n", {{"v", 1}}}});
  w.commit();
  EntityPtr first = w.find("a")->value;
  w.put("a", 1, {{"n", {{"v", 2}}}});
  w.put("a", 1, {{"n", {{"v", 3}}}});
  auto d = w.commit();
  ASSERT_EQ(d->before.size(), 1u);
  EXPECT_EQ(d->before[0].second, first);
}

TEST(World, ParentLinksFollowRelationships) {
  World w;
  w.put("p", 1, json::object());
  w.put("c", 1, child_of("p"));
  w.put("g", 1, child_of("c"));
  EXPECT_EQ(w.subtree("p"), (std::vector<std::string>{"p", "c", "g"}));
  EXPECT_TRUE(w.would_create_cycle("p", "g"));
  EXPECT_FALSE(w.would_create_cycle("g", "p"));
  w.put("c", 1, json::object());  // detach
  EXPECT_TRUE(w.find("p")->children.empty());
  EXPECT_EQ(w.subtree("c"), (std::vector<std::string>{"c", "g"}));
}

TEST(StateHistory, CoversOnlyTheLastDepthRevisions) {
  World w;
  StateHistory h(3);
  for (int i = 0; i < 5; ++i) {
    w.put(i % 2 ? "a" : "b", 1, {{"n", {{"v", i}}}});
    h.push(*w.commit());
  }
  // newest = 5; depth 3 keeps deltas 3, 4, 5: patches may start at 2, 3 or 4.
  EXPECT_FALSE(h.changes_since(1));
  EXPECT_FALSE(h.changes_since(0));
  EXPECT_FALSE(h.changes_since(5));
  auto c = h.changes_since(2);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->size(), 2u);
  EXPECT_EQ(h.changes_since(4)->size(), 1u);
}

}  // namespace
}  // namespace allo::place
