// StateMirror: set / merge application, history window, full-state requests
// and change reporting, driven by literal channel-0 documents.
#include "allo/state_mirror.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace allo::client {
namespace {

using Outcome = StateMirror::Outcome;

json entity(const std::string& id, json components = json::object()) {
  return {{"id", id}, {"components", std::move(components)}};
}

json set_message(uint64_t rev, json entities) {
  return {{"patch_style", "set"}, {"revision", rev}, {"entities", std::move(entities)}};
}

json merge_message(uint64_t from, uint64_t rev, json entities_patch) {
  return {{"patch_style", "merge"},
          {"patch_from", from},
          {"revision", rev},
          {"entities", std::move(entities_patch)}};
}

TEST(StateMirror, StartsEmptyAndAsksForFullState) {
  StateMirror mirror;
  EXPECT_TRUE(mirror.needs_full_state());
  EXPECT_EQ(mirror.ack_revision(), 0u);
  EXPECT_EQ(mirror.document(), json::parse(R"({"entities":{},"revision":0})"));
}

TEST(StateMirror, SetReplacesDocumentAndStripsPatchStyle) {
  StateMirror mirror;
  json ents = {{"a", entity("a", {{"transform", {{"matrix", json::array()}}}})}};
  ASSERT_EQ(mirror.apply(set_message(10, ents)), Outcome::kApplied);
  EXPECT_EQ(mirror.revision(), 10u);
  EXPECT_EQ(mirror.ack_revision(), 10u);
  EXPECT_FALSE(mirror.needs_full_state());
  EXPECT_EQ(mirror.document(), (json{{"entities", ents}, {"revision", 10}}));
  EXPECT_FALSE(mirror.document().contains("patch_style"));
  EXPECT_EQ(mirror.sets_applied(), 1u);
}

TEST(StateMirror, MergeChainAppliesOnLatest) {
  StateMirror mirror;
  ASSERT_EQ(mirror.apply(set_message(1, {{"a", entity("a")}})), Outcome::kApplied);
  // rev 2: add b; rev 3: change a's component; rev 4: remove b.
  ASSERT_EQ(mirror.apply(merge_message(1, 2, {{"b", entity("b")}})), Outcome::kApplied);
  ASSERT_EQ(mirror.apply(merge_message(2, 3, {{"a", {{"components", {{"c", {{"v", 1}}}}}}}})),
            Outcome::kApplied);
  ASSERT_EQ(mirror.apply(merge_message(3, 4, {{"b", nullptr}})), Outcome::kApplied);
  EXPECT_EQ(mirror.revision(), 4u);
  EXPECT_EQ(mirror.document()["entities"], (json{{"a", entity("a", {{"c", {{"v", 1}}}})}}));
  EXPECT_EQ(mirror.document()["revision"], 4);
  EXPECT_EQ(mirror.merges_applied(), 3u);
  EXPECT_EQ(mirror.history_size(), 4u);
}

TEST(StateMirror, MergeFromOlderHistoryRevision) {
  // The place diffs against the last revision we acked, which lags behind.
  StateMirror mirror;
  ASSERT_EQ(mirror.apply(set_message(5, {{"a", entity("a")}})), Outcome::kApplied);
  ASSERT_EQ(mirror.apply(merge_message(5, 6, {{"b", entity("b")}})), Outcome::kApplied);
  // rev 7 is based on 5, so it repeats b and adds c.
  ASSERT_EQ(mirror.apply(merge_message(5, 7, {{"b", entity("b")}, {"c", entity("c")}})),
            Outcome::kApplied);
  EXPECT_EQ(mirror.document()["entities"].size(), 3u);
  // A patch based on 5 that does not mention b rebuilds from 5, where b does not
  // exist: relative to the current revision 7, b is reported removed.
  StateChange last;
  mirror.on_change([&](const StateChange& c) { last = c; });
  ASSERT_EQ(mirror.apply(merge_message(5, 8, {{"c", entity("c")}})), Outcome::kApplied);
  EXPECT_EQ(last.removed, std::vector<std::string>{"b"});
  EXPECT_FALSE(mirror.document()["entities"].contains("b"));
}

TEST(StateMirror, UnknownPatchFromNeedsFullStateAndAcksZero) {
  StateMirror mirror;
  ASSERT_EQ(mirror.apply(set_message(5, {{"a", entity("a")}})), Outcome::kApplied);
  EXPECT_EQ(mirror.apply(merge_message(4, 6, {{"b", entity("b")}})), Outcome::kNeedsFullState);
  EXPECT_TRUE(mirror.needs_full_state());
  EXPECT_EQ(mirror.ack_revision(), 0u);
  EXPECT_EQ(mirror.revision(), 5u);  // the document is kept, just not acked
  // The place answers ack 0 with a set, even one not newer than what we have.
  ASSERT_EQ(mirror.apply(set_message(5, {{"a", entity("a")}})), Outcome::kApplied);
  EXPECT_FALSE(mirror.needs_full_state());
  EXPECT_EQ(mirror.ack_revision(), 5u);
}

TEST(StateMirror, MergeBeforeAnySetNeedsFullState) {
  StateMirror mirror;
  EXPECT_EQ(mirror.apply(merge_message(0, 1, {{"a", entity("a")}})), Outcome::kNeedsFullState);
  EXPECT_EQ(mirror.ack_revision(), 0u);
}

TEST(StateMirror, PatchProducingInvalidEntityNeedsFullState) {
  StateMirror mirror;
  ASSERT_EQ(mirror.apply(set_message(1, {{"a", entity("a")}})), Outcome::kApplied);
  // Removing "components" would crash deployed clients: treat as a failed patch.
  EXPECT_EQ(mirror.apply(merge_message(1, 2, {{"a", {{"components", nullptr}}}})),
            Outcome::kNeedsFullState);
  EXPECT_EQ(mirror.ack_revision(), 0u);
  EXPECT_EQ(mirror.document()["entities"]["a"], entity("a"));
}

TEST(StateMirror, ApplyStyleIsRefused) {
  StateMirror mirror;
  ASSERT_EQ(mirror.apply(set_message(1, {{"a", entity("a")}})), Outcome::kApplied);
  json apply = {{"patch_style", "apply"},
                {"patch_from", 1},
                {"revision", 2},
                {"patches", json::array({{{"op", "remove"}, {"path", "/entities/a"}}})}};
  EXPECT_EQ(mirror.apply(apply), Outcome::kRefused);
  EXPECT_EQ(mirror.ack_revision(), 0u);
  EXPECT_TRUE(mirror.document()["entities"].contains("a"));
}

TEST(StateMirror, MalformedMessagesChangeNothing) {
  StateMirror mirror;
  ASSERT_EQ(mirror.apply(set_message(1, {{"a", entity("a")}})), Outcome::kApplied);
  EXPECT_EQ(mirror.apply(json::array()), Outcome::kMalformed);
  EXPECT_EQ(mirror.apply(json{{"patch_style", "merge"}, {"revision", 2}}), Outcome::kMalformed);
  EXPECT_EQ(mirror.ack_revision(), 1u);
}

TEST(StateMirror, StaleRevisionsAreIgnored) {
  StateMirror mirror;
  ASSERT_EQ(mirror.apply(set_message(3, {{"a", entity("a")}})), Outcome::kApplied);
  ASSERT_EQ(mirror.apply(merge_message(3, 4, {{"b", entity("b")}})), Outcome::kApplied);
  EXPECT_EQ(mirror.apply(merge_message(3, 4, {{"c", entity("c")}})), Outcome::kStale);
  EXPECT_EQ(mirror.apply(set_message(2, json::object())), Outcome::kStale);
  EXPECT_EQ(mirror.revision(), 4u);
  EXPECT_FALSE(mirror.document()["entities"].contains("c"));
}

TEST(StateMirror, KeepsExactlySixtyFourRevisions) {
  StateMirror mirror;
  ASSERT_EQ(mirror.apply(set_message(1, {{"a", entity("a")}})), Outcome::kApplied);
  for (uint64_t rev = 2; rev <= 100; ++rev) {
    json patch = {{"a", {{"components", {{"n", {{"v", rev}}}}}}}};
    ASSERT_EQ(mirror.apply(merge_message(rev - 1, rev, patch)), Outcome::kApplied);
  }
  EXPECT_EQ(mirror.history_size(), limits::kStateHistoryRevisions);
  EXPECT_NE(mirror.find_revision(37), nullptr);  // 100 - 64 + 1
  EXPECT_EQ(mirror.find_revision(36), nullptr);
  EXPECT_EQ((*mirror.find_revision(37))["revision"], 37);
  // Oldest kept revision still works as a base...
  EXPECT_EQ(mirror.apply(merge_message(37, 101, json::object())), Outcome::kApplied);
  // ...one older than the window is unmergeable.
  EXPECT_EQ(mirror.apply(merge_message(37, 102, json::object())), Outcome::kNeedsFullState);
  EXPECT_EQ(mirror.ack_revision(), 0u);
}

TEST(StateMirror, ReportsAddedChangedRemoved) {
  StateMirror mirror;
  std::vector<StateChange> changes;
  mirror.on_change([&](const StateChange& c) { changes.push_back(c); });
  ASSERT_EQ(mirror.apply(set_message(1, {{"b", entity("b")}, {"a", entity("a")}})),
            Outcome::kApplied);
  ASSERT_EQ(
      mirror.apply(merge_message(
          1, 2,
          {{"a", nullptr}, {"b", {{"components", {{"x", {{"v", 1}}}}}}}, {"c", entity("c")}})),
      Outcome::kApplied);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_TRUE(changes[0].full_set);
  EXPECT_EQ(changes[0].revision, 1u);
  EXPECT_EQ(changes[0].added, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(changes[1].full_set);
  EXPECT_EQ(changes[1].revision, 2u);
  EXPECT_EQ(changes[1].added, std::vector<std::string>{"c"});
  EXPECT_EQ(changes[1].changed, std::vector<std::string>{"b"});
  EXPECT_EQ(changes[1].removed, std::vector<std::string>{"a"});
  // A set identical to the current entities is applied but reports no entity change.
  ASSERT_EQ(mirror.apply(set_message(3, mirror.document()["entities"])), Outcome::kApplied);
  EXPECT_TRUE(changes.back().empty());
}

TEST(StateMirror, RevisionsBeyondThirtyTwoBits) {
  StateMirror mirror;
  const uint64_t big = (uint64_t{1} << 32) + 5;
  ASSERT_EQ(mirror.apply(set_message(big, {{"a", entity("a")}})), Outcome::kApplied);
  ASSERT_EQ(mirror.apply(merge_message(big, big + 1, {{"b", entity("b")}})), Outcome::kApplied);
  EXPECT_EQ(mirror.revision(), big + 1);
  EXPECT_EQ(mirror.ack_revision(), big + 1);
  EXPECT_EQ(mirror.document()["revision"].get<uint64_t>(), big + 1);
  // 2^53, the largest revision the spec allows, survives a JSON round trip.
  const uint64_t max = uint64_t{1} << 53;
  json wire = json::parse(set_message(max, json::object()).dump());
  ASSERT_EQ(mirror.apply(wire), Outcome::kApplied);
  EXPECT_EQ(mirror.revision(), max);
}

TEST(StateMirror, ValidatesDocumentShape) {
  EXPECT_TRUE(is_valid_state_document(json::parse(R"({"entities":{}})")));
  EXPECT_TRUE(
      is_valid_state_document(json::parse(R"({"entities":{"a":{"id":"a","components":{}}}})")));
  EXPECT_FALSE(is_valid_state_document(json::parse(R"({"entities":[]})")));
  EXPECT_FALSE(is_valid_state_document(json::parse(R"({"entities":{"a":{"id":"a"}}})")));
  EXPECT_FALSE(is_valid_state_document(json::parse(R"({"entities":{"a":{"components":{}}}})")));
  EXPECT_FALSE(
      is_valid_state_document(json::parse(R"({"entities":{"a":{"id":1,"components":{}}}})")));
}

}  // namespace
}  // namespace allo::client
