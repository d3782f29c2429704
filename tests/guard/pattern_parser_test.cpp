// Pattern::compile(): what it accepts, the errors it names (with positions)
// and the compile-time limits.
#include <gtest/gtest.h>
#include "tests/guard/docs_patterns.hpp"

#include <string>

#include "guard/guard_limits.hpp"
#include "guard/pattern.hpp"

namespace allo::guard {
namespace {
using allo::testing::kDocsHarryRule;
using allo::testing::kDocsNewTweet;
using allo::testing::kRealHarryRule;

std::string error_of(std::string_view source) {
  auto p = Pattern::compile(source);
  EXPECT_FALSE(p.has_value()) << source;
  return p ? std::string() : p.error().code + ": " + p.error().detail;
}

TEST(PatternParser, CompilesTheDocsHarryRuleWithQuotesAndComments) {
  auto p = Pattern::compile(kDocsHarryRule);
  ASSERT_TRUE(p.has_value()) << p.error().detail;
  EXPECT_EQ(p->variable_count(), 2u);
  ASSERT_NE(p->first_literal(), nullptr);
  EXPECT_EQ(*p->first_literal(), "interaction");
  EXPECT_EQ(p->source(), kDocsHarryRule);
}

TEST(PatternParser, CompilesTheDocsSubscriptionExample) {
  auto p = Pattern::compile(R"("""[
        "new_tweet",
        TweetSender,
        TweetBody
      ] where TweetSender == "nevyn" """)");
  ASSERT_TRUE(p.has_value()) << p.error().detail;
  EXPECT_EQ(*p->first_literal(), "new_tweet");
}

TEST(PatternParser, AcceptsEveryLiteralKind) {
  auto p = Pattern::compile(R"(["s", 1, -2.5, 1e3, true, false, null, nil, [], [[]]])");
  ASSERT_TRUE(p.has_value()) << p.error().detail;
  EXPECT_EQ(p->variable_count(), 0u);
}

TEST(PatternParser, NonListAndNonStringFirstTemplatesHaveNoFirstLiteral) {
  EXPECT_EQ(Pattern::compile("X")->first_literal(), nullptr);
  EXPECT_EQ(Pattern::compile("[1, X]")->first_literal(), nullptr);
  EXPECT_EQ(Pattern::compile("[X, \"a\"]")->first_literal(), nullptr);
  EXPECT_EQ(Pattern::compile("[]")->first_literal(), nullptr);
}

TEST(PatternParser, AcceptsTheWholeGuardGrammar) {
  auto p = Pattern::compile(
      R"([A, B, C] where (A == 1 or A != 2) and not (B < 3) and B <= 4 and C > 5 and C >= 6
         and A["k"][0] == "x" and is_string(A) and length(B) == 2 and identity()["name"] == "n"
         and owns(A) and component(A, "transform")["matrix"] != null and sender() == A)");
  ASSERT_TRUE(p.has_value()) << p.error().detail;
}

TEST(PatternParser, ReportsMissingBracketWithItsPosition) {
  //                   0123456789
  EXPECT_EQ(error_of(R"(["a", X "b"])"),
            R"(pattern_syntax: at 8: expected ',' or ']' in list, found '"b"')");
  EXPECT_EQ(error_of(R"(["a", X)"),
            "pattern_syntax: at 7: expected ',' or ']' in list, found end of pattern");
}

TEST(PatternParser, ErrorPositionsCountFromTheGivenSourceIncludingQuotes) {
  EXPECT_EQ(error_of(R"(""" [X, ] """)"),
            "pattern_syntax: at 8: expected a literal, a Variable, '_' or '[', found ']'");
}

TEST(PatternParser, ReportsBadTemplateElements) {
  EXPECT_EQ(error_of("[foo]"),
            "pattern_syntax: at 1: expected a literal, a Variable, '_' or '[', found 'foo'");
  EXPECT_EQ(error_of(""),
            "pattern_syntax: at 0: expected a literal, a Variable, '_' or '[', "
            "found end of pattern");
  EXPECT_EQ(error_of("[01]"), "pattern_syntax: at 1: expected a valid JSON number, found '01'");
  EXPECT_EQ(error_of(R"(["\q"])"),
            R"(pattern_syntax: at 1: expected a valid JSON string, found '"\q"')");
  EXPECT_EQ(error_of(R"(["abc)"), "pattern_syntax: at 1: unterminated string");
}

TEST(PatternParser, ReportsTrailingTextAndBadGuards) {
  EXPECT_EQ(error_of("[X] [Y]"),
            "pattern_syntax: at 4: expected 'where' or end of pattern, found '['");
  EXPECT_EQ(error_of("[X] where"),
            "pattern_syntax: at 9: expected a value, a Variable, a function call or '(', "
            "found end of pattern");
  EXPECT_EQ(error_of("[X] where X == 1 X"),
            "pattern_syntax: at 17: expected end of pattern, found 'X'");
  EXPECT_EQ(error_of("[X] where Y == 1"),
            "pattern_syntax: at 10: expected a variable bound in the template, found 'Y'");
  EXPECT_EQ(error_of("[X] where _ == 1"),
            "pattern_syntax: at 10: expected a value ('_' cannot be used in a guard), found '_'");
  EXPECT_EQ(error_of("[X] where X == 1 == 2"),
            "pattern_syntax: at 17: expected 'and' or 'or' between comparisons, found '=='");
  EXPECT_EQ(error_of("[X] where (X == 1"),
            "pattern_syntax: at 17: expected ')', found end of pattern");
  EXPECT_EQ(error_of("[X] where X[\"a\" == 1"),
            "pattern_syntax: at 20: expected ']' after index, found end of pattern");
  EXPECT_EQ(error_of("[X] where X = 1"),
            "pattern_syntax: at 12: expected '==' or '!=' (use 'not' for negation)");
}

TEST(PatternParser, ReportsUnknownFunctionsAndWrongArity) {
  EXPECT_EQ(error_of("[X] where frob(X)"),
            "pattern_syntax: at 10: expected a known function name, found 'frob'");
  EXPECT_EQ(error_of("[X] where length"),
            "pattern_syntax: at 16: expected '(' after function name, found end of pattern");
  EXPECT_EQ(error_of("[X] where length(X, X)"),
            "pattern_syntax: at 20: expected ')': length() takes 1 argument(s), found 'X'");
  EXPECT_EQ(error_of("[X] where component(X)"),
            "pattern_syntax: at 21: expected more arguments: component() takes 2 argument(s), "
            "found ')'");
}

TEST(PatternParser, RefusesSourceOverTheLengthLimit) {
  std::string source = "[\"" + std::string(limits::kMaxPatternBytes, 'a') + "\"]";
  auto p = Pattern::compile(source);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, "pattern_too_long");
}

TEST(PatternParser, RefusesDeepTemplateNestingBeforeRecursingFurther) {
  std::string ok =
      std::string(limits::kMaxPatternDepth, '[') + std::string(limits::kMaxPatternDepth, ']');
  EXPECT_TRUE(Pattern::compile(ok).has_value());
  std::string deep(limits::kMaxPatternBytes, '[');  // never closed: must stop at the limit
  auto p = Pattern::compile(deep);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, "pattern_too_deep");
  EXPECT_EQ(p.error().detail, "at 32: nesting deeper than 32");
}

TEST(PatternParser, RefusesDeepGuardNesting) {
  std::string parens = "[X] where " + std::string(1000, '(') + "X" + std::string(1000, ')');
  EXPECT_EQ(Pattern::compile(parens).error().code, "pattern_too_deep");
  std::string nots = "[X] where ";
  for (int i = 0; i < 500; ++i) nots += "not ";
  nots += "X";
  EXPECT_EQ(Pattern::compile(nots).error().code, "pattern_too_deep");
  std::string chain = "[X] where X == 0";
  for (int i = 1; i < 100; ++i) chain += " or X == " + std::to_string(i);
  EXPECT_TRUE(Pattern::compile(chain).has_value());  // a flat chain, not a deep tree
}

TEST(PatternParser, RefusesTooManyNodesAndVariables) {
  std::string wide = "[";
  for (size_t i = 0; i < limits::kMaxPatternNodes; ++i) wide += "_,";
  wide += "_]";
  EXPECT_EQ(Pattern::compile(wide).error().code, "pattern_too_large");
  std::string vars = "[";
  for (size_t i = 0; i <= limits::kMaxVariables; ++i) vars += "V" + std::to_string(i) + ",";
  vars += "_]";
  auto p = Pattern::compile(vars);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, "pattern_too_large");
  EXPECT_NE(p.error().detail.find("more than 32 variables"), std::string::npos);
}

}  // namespace
}  // namespace allo::guard
