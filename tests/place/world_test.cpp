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
    h.push(*w.commit(), 0);
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

TEST(StateHistory, ReachesFurtherBackWhileTheChangesFitTheBudget) {
  World w;
  StateHistory h(StateHistoryLimits{3, 10, 12});
  auto commit = [&](int changed, int tag) {
    for (int i = 0; i < changed; ++i) w.put("e" + std::to_string(i), 1, {{"n", {{"v", tag}}}});
    h.push(*w.commit(), 0);
  };
  for (int i = 0; i < 10; ++i) commit(1, i);  // 10 revisions, 10 entries: all kept
  EXPECT_EQ(h.size(), 10u);
  EXPECT_TRUE(h.changes_since(1));
  commit(1, 10);
  commit(1, 11);  // max_depth: deltas 3..12 remain
  EXPECT_EQ(h.size(), 10u);
  EXPECT_FALSE(h.changes_since(1));
  EXPECT_TRUE(h.changes_since(2));
  commit(4, 12);  // 10 + 4 = 14 entries > 12: the oldest go until it fits
  EXPECT_EQ(h.entries(), 12u);
  EXPECT_EQ(h.size(), 9u);
  for (int i = 0; i < 3; ++i) commit(10, 13 + i);  // over budget, but min_depth stays
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.entries(), 30u);
  EXPECT_TRUE(h.changes_since(h.newest() - 3));
  EXPECT_FALSE(h.changes_since(h.newest() - 4));
}

TEST(StateHistory, RemembersWhenEachKeptRevisionWasCommitted) {
  World w;
  StateHistory h(3);
  for (int i = 1; i <= 5; ++i) {
    w.put("a", 1, {{"n", {{"v", i}}}});
    h.push(*w.commit(), 100.0 + i);
  }
  EXPECT_FALSE(h.committed_at(2));  // dropped
  EXPECT_EQ(h.committed_at(3), 103.0);
  EXPECT_EQ(h.committed_at(5), 105.0);
  EXPECT_FALSE(h.committed_at(6));
  EXPECT_FALSE(h.committed_at(0));
}

TEST(StateHistory, OldSnapshotsKeptAliveCountAgainstTheByteBudget) {
  World w;
  StateHistory h(StateHistoryLimits{2, 100, SIZE_MAX, 10000});
  std::string big(3000, 'x');
  for (int i = 0; i < 10; ++i) {
    w.put("a", 1, {{"text", {{"string", big + std::to_string(i)}}}});
    h.push(*w.commit(), 0);
  }
  // Each delta keeps a ~3 KB snapshot of "a" alive: three fit in 10 000 bytes.
  EXPECT_EQ(h.size(), 3u);
  EXPECT_LE(h.bytes(), 10000u);
  EXPECT_GT(h.bytes(), 6000u);
}

}  // namespace
}  // namespace allo::place
