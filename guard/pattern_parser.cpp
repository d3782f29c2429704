// parse_pattern(): a recursive-descent parser over PatternLexer tokens
// (grammar in docs/GUARD_LANGUAGE.md). Recursion is bounded by
// limits::kMaxPatternDepth before any node is built.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "guard/guard_limits.hpp"
#include "guard/pattern_lexer.hpp"
#include "guard/pattern_parser.hpp"

namespace allo::guard {

using nlohmann::json;

namespace {

std::string found(const Token& t) {
  if (t.kind == TokenKind::kEnd) return "end of pattern";
  std::string_view text = t.text.substr(0, 24);
  return fmt::format("'{}'{}", text, t.text.size() > text.size() ? "..." : "");
}

}  // namespace

class PatternParser {
 public:
  PatternParser(Pattern& out, std::string_view source, size_t begin, size_t end)
      : out_(out), lexer_(source, begin, end) {
    advance();
  }

  Result<void> parse() {
    auto root = parse_template();
    if (!root) return std::unexpected(root.error());
    if (is_word("where")) {
      advance();
      auto guard = parse_or();
      if (!guard) return std::unexpected(guard.error());
      out_.guard_root_ = guard->node;
    }
    if (token_.kind != TokenKind::kEnd) {
      return syntax(out_.guard_root_ == kNoGuard ? "expected 'where' or end of pattern"
                                                 : "expected end of pattern");
    }
    return {};
  }

 private:
  struct Built {
    uint32_t node;
    int height;  // tree height: the evaluator's recursion depth for this node
  };

  // Counts parser recursion; refuses to go deeper than the limit.
  class DepthScope {
   public:
    explicit DepthScope(int& depth) : depth_(depth) { ++depth_; }
    ~DepthScope() { --depth_; }
    bool too_deep() const { return depth_ > limits::kMaxPatternDepth; }

   private:
    int& depth_;
  };

  void advance() { token_ = lexer_.next(); }
  bool is_word(std::string_view w) const {
    return token_.kind == TokenKind::kWord && token_.text == w;
  }

  std::unexpected<Error> syntax(std::string_view expected) const {
    if (token_.kind == TokenKind::kError) {
      return proto::fail("pattern_syntax", fmt::format("at {}: {}", token_.offset, token_.text));
    }
    return proto::fail("pattern_syntax",
                       fmt::format("at {}: {}, found {}", token_.offset, expected, found(token_)));
  }
  std::unexpected<Error> too_deep() const {
    return proto::fail("pattern_too_deep", fmt::format("at {}: nesting deeper than {}",
                                                       token_.offset, limits::kMaxPatternDepth));
  }

  Result<void> count_node() {
    if (out_.templates_.size() + out_.exprs_.size() > limits::kMaxPatternNodes) {
      return proto::fail("pattern_too_large", fmt::format("at {}: more than {} nodes",
                                                          token_.offset, limits::kMaxPatternNodes));
    }
    return {};
  }

  // A literal token (string, number, true/false/null/nil) as JSON, or nullopt.
  Result<std::optional<json>> literal() {
    if (token_.kind == TokenKind::kString || token_.kind == TokenKind::kNumber) {
      json value = json::parse(token_.text, nullptr, /*allow_exceptions=*/false);
      if (value.is_discarded()) {
        return syntax(token_.kind == TokenKind::kString ? "expected a valid JSON string"
                                                        : "expected a valid JSON number");
      }
      return value;
    }
    if (is_word("true")) return json(true);
    if (is_word("false")) return json(false);
    if (is_word("null") || is_word("nil")) return json(nullptr);
    return std::optional<json>{};
  }

  uint32_t add_literal(json value) {
    out_.literals_.push_back(std::move(value));
    return static_cast<uint32_t>(out_.literals_.size() - 1);
  }

  std::optional<uint32_t> find_variable(std::string_view name) const {
    auto& names = out_.variable_names_;
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return std::nullopt;
    return static_cast<uint32_t>(it - names.begin());
  }

  Result<Built> parse_template() {
    DepthScope scope(depth_);
    if (scope.too_deep()) return too_deep();
    auto index = static_cast<uint32_t>(out_.templates_.size());
    out_.templates_.emplace_back();
    if (auto ok = count_node(); !ok) return std::unexpected(ok.error());
    TemplateNode node;
    int height = 1;
    auto lit = literal();
    if (!lit) return std::unexpected(lit.error());
    if (*lit) {
      node = {TemplateKind::kLiteral, add_literal(std::move(**lit)), 0};
      advance();
    } else if (token_.kind == TokenKind::kIgnore) {
      node = {TemplateKind::kIgnore, 0, 0};
      advance();
    } else if (token_.kind == TokenKind::kVariable) {
      if (auto slot = find_variable(token_.text)) {
        node = {TemplateKind::kCheck, *slot, 0};
      } else if (out_.variable_names_.size() >= limits::kMaxVariables) {
        return proto::fail("pattern_too_large", fmt::format("at {}: more than {} variables",
                                                            token_.offset, limits::kMaxVariables));
      } else {
        out_.variable_names_.emplace_back(token_.text);
        node = {TemplateKind::kBind, static_cast<uint32_t>(out_.variable_names_.size() - 1), 0};
      }
      advance();
    } else if (token_.kind == TokenKind::kLBracket) {
      advance();
      std::vector<uint32_t> elements;
      while (token_.kind != TokenKind::kRBracket) {
        if (!elements.empty()) {
          if (token_.kind != TokenKind::kComma) return syntax("expected ',' or ']' in list");
          advance();
        }
        auto element = parse_template();
        if (!element) return element;
        elements.push_back(element->node);
        height = std::max(height, element->height + 1);
      }
      advance();
      node = {TemplateKind::kList, static_cast<uint32_t>(out_.children_.size()),
              static_cast<uint32_t>(elements.size())};
      out_.children_.insert(out_.children_.end(), elements.begin(), elements.end());
    } else {
      return syntax("expected a literal, a Variable, '_' or '['");
    }
    out_.templates_[index] = node;
    return Built{index, height};
  }

  Result<Built> add_expr(ExprNode node, int height) {
    if (height > limits::kMaxPatternDepth) return too_deep();
    out_.exprs_.push_back(node);
    if (auto ok = count_node(); !ok) return std::unexpected(ok.error());
    return Built{static_cast<uint32_t>(out_.exprs_.size() - 1), height};
  }

  Result<Built> binary(ExprOp op, const Built& left, const Built& right) {
    return add_expr({op, GuardFunction::kIsNull, 0, left.node, right.node},
                    1 + std::max(left.height, right.height));
  }

  // `a or b or c` becomes one flat node, so long chains stay shallow.
  Result<Built> chain(ExprOp op, std::vector<Built> operands) {
    if (operands.size() == 1) return operands[0];
    int height = 0;
    auto first = static_cast<uint32_t>(out_.operands_.size());
    for (const Built& b : operands) {
      out_.operands_.push_back(b.node);
      height = std::max(height, b.height + 1);
    }
    return add_expr({op, GuardFunction::kIsNull, 0, first, static_cast<uint32_t>(operands.size())},
                    height);
  }

  Result<Built> parse_or() {
    DepthScope scope(depth_);
    if (scope.too_deep()) return too_deep();
    std::vector<Built> operands;
    for (;;) {
      auto operand = parse_and();
      if (!operand) return operand;
      operands.push_back(*operand);
      if (!is_word("or")) return chain(ExprOp::kOr, std::move(operands));
      advance();
    }
  }

  Result<Built> parse_and() {
    std::vector<Built> operands;
    for (;;) {
      auto operand = parse_not();
      if (!operand) return operand;
      operands.push_back(*operand);
      if (!is_word("and")) return chain(ExprOp::kAnd, std::move(operands));
      advance();
    }
  }

  Result<Built> parse_not() {
    if (!is_word("not")) return parse_comparison();
    DepthScope scope(depth_);
    if (scope.too_deep()) return too_deep();
    advance();
    auto operand = parse_not();
    if (!operand) return operand;
    return add_expr({ExprOp::kNot, GuardFunction::kIsNull, 0, operand->node, 0},
                    operand->height + 1);
  }

  std::optional<ExprOp> comparison_op() const {
    if (token_.kind != TokenKind::kOperator) return std::nullopt;
    std::string_view t = token_.text;
    if (t == "==") return ExprOp::kEqual;
    if (t == "!=") return ExprOp::kNotEqual;
    if (t == "<") return ExprOp::kLess;
    if (t == "<=") return ExprOp::kLessEqual;
    if (t == ">") return ExprOp::kGreater;
    return ExprOp::kGreaterEqual;
  }

  Result<Built> parse_comparison() {
    auto left = parse_postfix();
    if (!left) return left;
    auto op = comparison_op();
    if (!op) return left;
    advance();
    auto right = parse_postfix();
    if (!right) return right;
    if (comparison_op()) return syntax("expected 'and' or 'or' between comparisons");
    return binary(*op, *left, *right);
  }

  Result<Built> parse_postfix() {
    auto base = parse_primary();
    while (base && token_.kind == TokenKind::kLBracket) {
      advance();
      auto key = parse_or();
      if (!key) return key;
      if (token_.kind != TokenKind::kRBracket) return syntax("expected ']' after index");
      advance();
      base = binary(ExprOp::kIndex, *base, *key);
    }
    return base;
  }

  Result<Built> parse_call() {
    auto info = find_function(token_.text);
    if (!info) return syntax("expected a known function name");
    Token name = token_;
    advance();
    if (token_.kind != TokenKind::kLParen) return syntax("expected '(' after function name");
    advance();
    ExprNode node{ExprOp::kCall, info->id, 0, 0, 0};
    int height = 1;
    while (token_.kind != TokenKind::kRParen) {
      if (node.argc > 0) {
        if (token_.kind != TokenKind::kComma) return syntax("expected ',' or ')' in arguments");
        advance();
      }
      if (node.argc == info->arity) {
        return syntax(
            fmt::format("expected ')': {}() takes {} argument(s)", name.text, info->arity));
      }
      auto arg = parse_or();
      if (!arg) return arg;
      (node.argc == 0 ? node.a : node.b) = arg->node;
      height = std::max(height, arg->height + 1);
      ++node.argc;
    }
    if (node.argc != info->arity) {
      return syntax(fmt::format("expected more arguments: {}() takes {} argument(s)", name.text,
                                info->arity));
    }
    advance();
    return add_expr(node, height);
  }

  Result<Built> parse_primary() {
    auto lit = literal();
    if (!lit) return std::unexpected(lit.error());
    if (*lit) {
      uint32_t index = add_literal(std::move(**lit));
      advance();
      return add_expr({ExprOp::kLiteral, GuardFunction::kIsNull, 0, index, 0}, 1);
    }
    switch (token_.kind) {
      case TokenKind::kVariable: {
        auto slot = find_variable(token_.text);
        if (!slot) return syntax("expected a variable bound in the template");
        advance();
        return add_expr({ExprOp::kVariable, GuardFunction::kIsNull, 0, *slot, 0}, 1);
      }
      case TokenKind::kLParen: {
        advance();
        auto inner = parse_or();
        if (!inner) return inner;
        if (token_.kind != TokenKind::kRParen) return syntax("expected ')'");
        advance();
        return inner;
      }
      case TokenKind::kWord:
        return parse_call();
      case TokenKind::kIgnore:
        return syntax("expected a value ('_' cannot be used in a guard)");
      default:
        return syntax("expected a value, a Variable, a function call or '('");
    }
  }

  Pattern& out_;
  PatternLexer lexer_;
  Token token_;
  int depth_ = 0;
};

Result<void> parse_pattern(Pattern& out, std::string_view source, size_t begin, size_t end) {
  return PatternParser(out, source, begin, end).parse();
}

}  // namespace allo::guard
