// Splits guard-pattern source text into tokens. Pure, no allocation: token
// text is a view into the source, which must outlive the lexer's tokens.
// Skips whitespace and comments (`// ...` and `# ...` to the end of the line).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace allo::guard {

enum class TokenKind : uint8_t {
  kLBracket,  // [
  kRBracket,  // ]
  kLParen,    // (
  kRParen,    // )
  kComma,     // ,
  kString,    // "..." with JSON escapes (text includes the quotes)
  kNumber,    // JSON number
  kVariable,  // Capitalized word
  kIgnore,    // _ or _word
  kWord,      // lowercase word: keyword, literal name or function name
  kOperator,  // == != < <= > >=
  kEnd,       // end of the source
  kError,     // text holds what went wrong
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t offset = 0;      // byte offset in the whole source
  std::string_view text;  // the token's characters, or the error message
};

class PatternLexer {
 public:
  // Lexes source[begin, end); offsets stay relative to the whole source.
  PatternLexer(std::string_view source, size_t begin, size_t end)
      : source_(source), pos_(begin), end_(end) {}

  Token next();

 private:
  void skip_space_and_comments();
  Token lex_string(size_t start);
  Token lex_number(size_t start);
  Token lex_word(size_t start);
  Token make(TokenKind kind, size_t start, size_t stop) const {
    return {kind, start, source_.substr(start, stop - start)};
  }

  std::string_view source_;
  size_t pos_;
  size_t end_;
};

// A short printable description of a token for error messages, e.g. "']'",
// "end of pattern", "word 'foo'".
std::string_view describe_kind(TokenKind kind);

}  // namespace allo::guard
