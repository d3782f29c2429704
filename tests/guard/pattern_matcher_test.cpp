// Pattern::matches(): templates, variables, guards, the docs' examples and
// bounded, allocation-free evaluation against hostile values.
#include <gtest/gtest.h>
#include "tests/guard/docs_patterns.hpp"

#include "allocation_counter.hpp"
#include "guard/pattern.hpp"

namespace allo::guard {
namespace {
using allo::testing::kDocsHarryRule;
using allo::testing::kDocsNewTweet;
using allo::testing::kRealHarryRule;

using nlohmann::json;

Pattern compile(std::string_view source) {
  auto p = Pattern::compile(source);
  EXPECT_TRUE(p.has_value()) << source << ": " << (p ? "" : p.error().detail);
  return p ? std::move(*p) : *Pattern::compile("_");
}

bool matches(std::string_view source, const json& value) {
  return compile(source).matches(value, nullptr);
}

TEST(PatternMatcher, LiteralsMatchEqualValuesOnly) {
  EXPECT_TRUE(matches(R"(["a", 1, 2.5, true, false, null])",
                      json::parse(R"(["a",1,2.5,true,false,null])")));
  EXPECT_FALSE(matches(R"(["a"])", json::parse(R"(["b"])")));
  EXPECT_TRUE(matches("[1]", json::parse("[1.0]")));  // numbers compare by value
  EXPECT_FALSE(matches("[1]", json::parse("[true]")));
  EXPECT_FALSE(matches("[true]", json::parse("[1]")));
  EXPECT_FALSE(matches("[null]", json::parse("[false]")));
  EXPECT_FALSE(matches(R"(["1"])", json::parse("[1]")));
  EXPECT_TRUE(matches("\"solo\"", json("solo")));
}

TEST(PatternMatcher, ListTemplatesMatchExactlyTheirLength) {
  EXPECT_TRUE(matches("[_, _]", json::parse("[1, 2]")));
  EXPECT_FALSE(matches("[_, _]", json::parse("[1]")));
  EXPECT_FALSE(matches("[_, _]", json::parse("[1, 2, 3]")));
  EXPECT_FALSE(matches("[_]", json::parse(R"({"a":1})")));
  EXPECT_TRUE(matches("[]", json::parse("[]")));
  EXPECT_FALSE(matches("[]", json::parse("[0]")));
}

TEST(PatternMatcher, VariablesAndIgnoresMatchAnything) {
  EXPECT_TRUE(matches("[X, _, _ignored]", json::parse(R"([{"a":[1]}, null, "z"])")));
  EXPECT_TRUE(matches("X", json::parse(R"({"deep":[[[]]]})")));
}

TEST(PatternMatcher, RepeatedVariableMustMatchTheSameValue) {
  Pattern p = compile("[X, Y, X]");
  EXPECT_TRUE(p.matches(json::parse(R"(["a", "b", "a"])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"(["a", "b", "c"])"), nullptr));
  EXPECT_TRUE(p.matches(json::parse(R"([{"k":[1,2]}, 0, {"k":[1,2]}])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"([{"k":[1,2]}, 0, {"k":[1,3]}])"), nullptr));
  // Across nesting levels, and a repeat inside a nested list.
  Pattern nested = compile("[X, [_, [X]]]");
  EXPECT_TRUE(nested.matches(json::parse("[7, [0, [7]]]"), nullptr));
  EXPECT_FALSE(nested.matches(json::parse("[7, [0, [8]]]"), nullptr));
}

TEST(PatternMatcher, NestedListsMatchStructurally) {
  Pattern p = compile(R"(["a", ["b", [C]], _])");
  EXPECT_TRUE(p.matches(json::parse(R"(["a", ["b", [3]], 9])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"(["a", ["b", 3], 9])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"(["a", ["b", [3, 4]], 9])"), nullptr));
}

TEST(PatternMatcher, GuardsCompareAndCombine) {
  Pattern p = compile("[N, S] where N >= 2 and N < 10 and (S == \"x\" or S == \"y\")");
  EXPECT_TRUE(p.matches(json::parse(R"([2, "x"])"), nullptr));
  EXPECT_TRUE(p.matches(json::parse(R"([9.5, "y"])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"([10, "x"])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"([1, "x"])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"([5, "z"])"), nullptr));
  EXPECT_TRUE(matches("[A] where not A == 1", json::parse("[2]")));
  EXPECT_FALSE(matches("[A] where not A == 1", json::parse("[1]")));
  EXPECT_TRUE(matches("[A, B] where A != B", json::parse("[1, 2]")));
  EXPECT_TRUE(matches("[A, B] where A > B", json::parse("[3, 2]")));
  EXPECT_TRUE(matches("[A, B] where A <= B", json::parse(R"(["abc", "abd"])")));
  EXPECT_FALSE(matches("[A, B] where A < B", json::parse(R"(["b", "a"])")));
  EXPECT_FALSE(matches("[A, B] where A < B", json::parse(R"([1, "a"])")));  // unordered pair
}

TEST(PatternMatcher, GuardPassesOnlyOnBooleanTrue) {
  EXPECT_TRUE(matches("[A] where A", json::parse("[true]")));
  EXPECT_FALSE(matches("[A] where A", json::parse("[1]")));
  EXPECT_FALSE(matches("[A] where A", json::parse(R"(["true"])")));
  EXPECT_TRUE(matches("[A] where not A", json::parse("[false]")));
}

TEST(PatternMatcher, IndexingMapsAndLists) {
  Pattern p = compile(R"([M] where M["a"][1]["b"] == "yes")");
  EXPECT_TRUE(p.matches(json::parse(R"([{"a":[0, {"b":"yes"}]}])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"([{"a":[0, {"b":"no"}]}])"), nullptr));
  EXPECT_TRUE(matches("[L, I] where L[I] == 5", json::parse("[[4, 5], 1]")));
  EXPECT_FALSE(matches("[L] where L[length(L)] == null", json::parse("[[1]]")));
}

TEST(PatternMatcher, MissingKeysAndBadIndexesAreUndefinedAndCompareFalse) {
  json v = json::parse(R"([{"a":1}, [10, 20]])");
  EXPECT_FALSE(compile(R"([M, L] where M["nope"] == 1)").matches(v, nullptr));
  EXPECT_FALSE(compile(R"([M, L] where M["nope"] != 1)").matches(v, nullptr));
  EXPECT_FALSE(compile(R"([M, L] where M["nope"] == null)").matches(v, nullptr));
  EXPECT_FALSE(compile(R"([M, L] where L[2] == 10)").matches(v, nullptr));
  EXPECT_FALSE(compile(R"([M, L] where L[-1] != 0)").matches(v, nullptr));
  EXPECT_FALSE(compile(R"([M, L] where L["a"] != 0)").matches(v, nullptr));
  EXPECT_FALSE(compile(R"([M, L] where M[0] != 0)").matches(v, nullptr));
  EXPECT_FALSE(compile(R"([M, L] where L[1.5] != 0)").matches(v, nullptr));
  EXPECT_FALSE(compile(R"([M, L] where M["a"]["b"] != 0)").matches(v, nullptr));
  EXPECT_TRUE(compile(R"([M, L] where not M["nope"] == 1)").matches(v, nullptr));
  EXPECT_TRUE(compile(R"([M, L] where L[1] == 20 and M["a"] == 1)").matches(v, nullptr));
}

TEST(PatternMatcher, DocsHarryRuleMatchesTheDocsAnnounceShape) {
  Pattern p = compile(kDocsHarryRule);
  EXPECT_TRUE(p.matches(json::parse(R"(["interaction","request","e1","place","1",
                     ["announce",["identity",{"name":"harry"}],{}]])"),
                        nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"(["interaction","request","e1","place","1",
                     ["announce",["identity",{"name":"sally"}],{}]])"),
                         nullptr));
  EXPECT_FALSE(p.matches(  // no name at all: undefined, so the guard is false
      json::parse(R"(["interaction","request","e1","place","1",["announce",["identity",{}],{}]])"),
      nullptr));
}

TEST(PatternMatcher, DocsHarryRuleDoesNotMatchTheRealAnnounceShape) {
  json real = json::parse(R"(["interaction","request","e1","place","1",
      ["announce","version",2,"identity",{"name":"harry","display_name":"harry"},
       "spawn_avatar",{}]])");
  EXPECT_FALSE(compile(kDocsHarryRule).matches(real, nullptr));
  Pattern real_rule = compile(
      R"(["interaction","request",_,"place",_,["announce","version",_,"identity",Identity,
          "spawn_avatar",_]] where Identity["display_name"] == "harry")");
  EXPECT_TRUE(real_rule.matches(real, nullptr));
  real[5][4]["display_name"] = "sally";
  EXPECT_FALSE(real_rule.matches(real, nullptr));
}

TEST(PatternMatcher, DocsNewTweetSubscription) {
  Pattern p = compile(R"("""[
        "new_tweet",
        TweetSender,
        TweetBody
      ] where TweetSender == "nevyn" """)");
  EXPECT_TRUE(p.matches(json::parse(R"(["new_tweet", "nevyn", "hello"])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"(["new_tweet", "someone", "hello"])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"(["new_tweet", "nevyn"])"), nullptr));
  EXPECT_FALSE(p.matches(json::parse(R"(["old_tweet", "nevyn", "hello"])"), nullptr));
}

TEST(PatternMatcher, HugeListAgainstShortTemplateIsRejectedWithoutScanning) {
  json huge = json::array();
  for (int i = 0; i < 100000; ++i) huge.push_back(i);
  EXPECT_FALSE(matches("[_, _, _]", huge));
  EXPECT_TRUE(matches("X where length(X) == 100000", huge));
}

TEST(PatternMatcher, DeepValueIsBoundedByThePatternAndCompareLimit) {
  json deep = json::array();
  for (int i = 0; i < 2000; ++i) deep = json::array({std::move(deep)});
  EXPECT_TRUE(matches("[[X]]", deep));  // matching stops at the template's depth
  EXPECT_FALSE(matches("[[[[1]]]]", deep));
  // Comparing two deep values gives up at the compare depth limit (unequal).
  json pair = json::array({deep, deep});
  EXPECT_FALSE(matches("[X, X]", pair));
  json shallow = json::parse("[[[1]], [[1]]]");
  EXPECT_TRUE(matches("[X, X]", shallow));
}

TEST(PatternMatcher, MatchingDoesNotAllocate) {
  Pattern p = compile(
      R"(["interaction", "request", From, "place", _, ["announce", "version", V, "identity", Id,
          "spawn_avatar", _]] where Id["display_name"] == "harry" and V >= 2 and
          length(Id) > 0 and is_map(Id) and not (From == "x"))");
  json v = json::parse(R"(["interaction","request","e1","place","1",
      ["announce","version",2,"identity",{"display_name":"harry"},"spawn_avatar",{}]])");
  long before = testing::allocation_count();
  bool result = false;
  for (int i = 0; i < 100; ++i) result = p.matches(v, nullptr);
  long after = testing::allocation_count();
  EXPECT_TRUE(result);
  EXPECT_EQ(after - before, 0);
  json counted = json::parse(R"({"the counter": "works"})");
  EXPECT_GT(testing::allocation_count(), after);
}

TEST(PatternMatcher, MovedFromPatternMatchesNothing) {
  Pattern p = compile("_");
  Pattern q = std::move(p);
  EXPECT_TRUE(q.matches(json(1), nullptr));
  EXPECT_FALSE(p.matches(json(1), nullptr));  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(p.first_literal(), nullptr);
  Pattern empty;
  EXPECT_FALSE(empty.matches(json(1), nullptr));
  EXPECT_EQ(empty.first_literal(), nullptr);
}

}  // namespace
}  // namespace allo::guard
