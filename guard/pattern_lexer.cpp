#include "guard/pattern_lexer.hpp"

namespace allo::guard {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_word_char(char c) {
  return is_upper(c) || is_lower(c) || is_digit(c) || c == '_';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

void PatternLexer::skip_space_and_comments() {
  while (pos_ < end_) {
    char c = source_[pos_];
    bool line_comment = c == '#' || (c == '/' && pos_ + 1 < end_ && source_[pos_ + 1] == '/');
    if (is_space(c)) {
      ++pos_;
    } else if (line_comment) {
      while (pos_ < end_ && source_[pos_] != '\n') ++pos_;
    } else {
      return;
    }
  }
}

Token PatternLexer::next() {
  skip_space_and_comments();
  size_t start = pos_;
  if (pos_ >= end_) return {TokenKind::kEnd, start, {}};
  char c = source_[pos_];
  auto single = [&](TokenKind kind) {
    ++pos_;
    return make(kind, start, pos_);
  };
  switch (c) {
    case '[':
      return single(TokenKind::kLBracket);
    case ']':
      return single(TokenKind::kRBracket);
    case '(':
      return single(TokenKind::kLParen);
    case ')':
      return single(TokenKind::kRParen);
    case ',':
      return single(TokenKind::kComma);
    case '"':
      return lex_string(start);
    case '=':
    case '!':
    case '<':
    case '>': {
      bool has_eq = pos_ + 1 < end_ && source_[pos_ + 1] == '=';
      if ((c == '=' || c == '!') && !has_eq) {
        pos_ = end_;
        return {TokenKind::kError, start, "expected '==' or '!=' (use 'not' for negation)"};
      }
      pos_ += has_eq ? 2 : 1;
      return make(TokenKind::kOperator, start, pos_);
    }
    default:
      break;
  }
  if (c == '-' || is_digit(c)) return lex_number(start);
  if (is_word_char(c)) return lex_word(start);
  pos_ = end_;
  return {TokenKind::kError, start, "unexpected character"};
}

Token PatternLexer::lex_string(size_t start) {
  ++pos_;  // opening quote
  while (pos_ < end_) {
    char c = source_[pos_];
    if (c == '\\') {
      pos_ += 2;
    } else if (c == '"') {
      ++pos_;
      return make(TokenKind::kString, start, pos_);
    } else {
      ++pos_;
    }
  }
  pos_ = end_;
  return {TokenKind::kError, start, "unterminated string"};
}

Token PatternLexer::lex_number(size_t start) {
  // Takes the longest run of number characters; the parser validates the
  // exact JSON number grammar when it converts the text.
  if (source_[pos_] == '-') ++pos_;
  while (pos_ < end_) {
    char c = source_[pos_];
    bool exponent_sign =
        (c == '+' || c == '-') && (source_[pos_ - 1] == 'e' || source_[pos_ - 1] == 'E');
    if (is_digit(c) || c == '.' || c == 'e' || c == 'E' || exponent_sign) {
      ++pos_;
    } else {
      break;
    }
  }
  return make(TokenKind::kNumber, start, pos_);
}

Token PatternLexer::lex_word(size_t start) {
  while (pos_ < end_ && is_word_char(source_[pos_])) ++pos_;
  char first = source_[start];
  TokenKind kind = is_upper(first)   ? TokenKind::kVariable
                   : first == '_'    ? TokenKind::kIgnore
                   : is_lower(first) ? TokenKind::kWord
                                     : TokenKind::kError;
  if (kind == TokenKind::kError) return {kind, start, "a word cannot start with a digit"};
  return make(kind, start, pos_);
}

std::string_view describe_kind(TokenKind kind) {
  switch (kind) {
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kString:
      return "string";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kVariable:
      return "variable";
    case TokenKind::kIgnore:
      return "'_'";
    case TokenKind::kWord:
      return "word";
    case TokenKind::kOperator:
      return "operator";
    case TokenKind::kEnd:
      return "end of pattern";
    case TokenKind::kError:
      return "invalid token";
  }
  return "token";
}

}  // namespace allo::guard
