#include "guard/pattern_lexer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace allo::guard {
namespace {

std::vector<Token> lex_all(std::string_view source) {
  PatternLexer lexer(source, 0, source.size());
  std::vector<Token> tokens;
  for (;;) {
    Token t = lexer.next();
    tokens.push_back(t);
    if (t.kind == TokenKind::kEnd || t.kind == TokenKind::kError) return tokens;
  }
}

TEST(PatternLexer, SplitsEveryTokenKindWithOffsets) {
  //                     0123456789012345678901234567890123456789012345
  std::string_view src = R"([ "a\"b", -1.5e3, X, _y, where ( ) <= != > ])";
  auto t = lex_all(src);
  ASSERT_EQ(t.size(), 17u);
  EXPECT_EQ(t[0].kind, TokenKind::kLBracket);
  EXPECT_EQ(t[1].kind, TokenKind::kString);
  EXPECT_EQ(t[1].text, R"("a\"b")");
  EXPECT_EQ(t[1].offset, 2u);
  EXPECT_EQ(t[3].kind, TokenKind::kNumber);
  EXPECT_EQ(t[3].text, "-1.5e3");
  EXPECT_EQ(t[5].kind, TokenKind::kVariable);
  EXPECT_EQ(t[5].offset, 18u);
  EXPECT_EQ(t[7].kind, TokenKind::kIgnore);
  EXPECT_EQ(t[7].text, "_y");
  EXPECT_EQ(t[9].kind, TokenKind::kWord);
  EXPECT_EQ(t[10].kind, TokenKind::kLParen);
  EXPECT_EQ(t[11].kind, TokenKind::kRParen);
  EXPECT_EQ(t[12].text, "<=");
  EXPECT_EQ(t[13].text, "!=");
  EXPECT_EQ(t[14].text, ">");
  EXPECT_EQ(t[15].kind, TokenKind::kRBracket);
  EXPECT_EQ(t[16].kind, TokenKind::kEnd);
}

TEST(PatternLexer, SkipsSlashAndHashComments) {
  auto t = lex_all("[ // a comment, with \"quotes\"\n  X # another ]\n ]");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[1].kind, TokenKind::kVariable);
  EXPECT_EQ(t[2].kind, TokenKind::kRBracket);
  EXPECT_EQ(t[2].offset, 47u);
}

TEST(PatternLexer, ExponentSignBelongsToTheNumber) {
  auto t = lex_all("1e-5 2E+3");
  EXPECT_EQ(t[0].text, "1e-5");
  EXPECT_EQ(t[1].text, "2E+3");
}

TEST(PatternLexer, UnterminatedStringIsAnErrorAtItsStart) {
  auto t = lex_all(R"([ "abc\" ])");
  EXPECT_EQ(t.back().kind, TokenKind::kError);
  EXPECT_EQ(t.back().offset, 2u);
  EXPECT_EQ(t.back().text, "unterminated string");
}

TEST(PatternLexer, SingleEqualsAndBangAreErrors) {
  EXPECT_EQ(lex_all("X = 1").back().kind, TokenKind::kError);
  EXPECT_EQ(lex_all("! X").back().kind, TokenKind::kError);
  EXPECT_EQ(lex_all("X == 1").back().kind, TokenKind::kEnd);
}

TEST(PatternLexer, UnknownCharacterIsAnError) {
  auto t = lex_all("[ X ; ]");
  EXPECT_EQ(t.back().kind, TokenKind::kError);
  EXPECT_EQ(t.back().offset, 4u);
}

TEST(PatternLexer, RespectsTheWindow) {
  std::string_view src = R"(""" [X] """)";
  PatternLexer lexer(src, 3, 8);
  EXPECT_EQ(lexer.next().offset, 4u);
  EXPECT_EQ(lexer.next().kind, TokenKind::kVariable);
  EXPECT_EQ(lexer.next().kind, TokenKind::kRBracket);
  EXPECT_EQ(lexer.next().kind, TokenKind::kEnd);
}

}  // namespace
}  // namespace allo::guard
