// A compiled guard pattern (docs/GUARD_LANGUAGE.md): a list template with
// literals, variables and `_`, optionally followed by `where` and a guard.
//
//   auto p = Pattern::compile(R"(["new_tweet", From, _] where From == "nevyn")");
//   if (p && p->matches(body, &context)) deliver();
//
// compile() parses once into flat node arrays; matches() walks them with the
// variable bindings in a fixed stack array and compares JSON by reference, so
// it does not allocate. Recursion in matches() is bounded by the pattern's own
// depth (limits::kMaxPatternDepth), never by the value's.
//
// Errors from compile(): "pattern_syntax" ("at 17: expected ']' ..."; the
// offset is a 0-based byte offset into the given source), "pattern_too_long",
// "pattern_too_deep", "pattern_too_large".
// Thread-safety: a compiled Pattern is immutable; matches() may run
// concurrently on one Pattern.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "guard/guard_context.hpp"
#include "guard/guard_functions.hpp"
#include "proto/error.hpp"

namespace allo::guard {

using proto::Error;
using proto::Result;

enum class TemplateKind : uint8_t {
  kLiteral,  // equal to literals_[index]
  kBind,     // first occurrence of a variable: binds slot
  kCheck,    // later occurrence: equal to what slot is bound to
  kIgnore,   // _ : anything
  kList,     // a list of exactly count elements: children_[index .. index+count)
};

struct TemplateNode {
  TemplateKind kind = TemplateKind::kIgnore;
  uint32_t index = 0;  // literal index, variable slot or first child position
  uint32_t count = 0;  // list length
};

enum class ExprOp : uint8_t {
  kLiteral,   // literals_[a]
  kVariable,  // binding slot a
  kIndex,     // expr a [ expr b ]
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kAnd,   // all of the b operands operands_[a .. a+b) (a flat chain)
  kOr,    // any of the b operands operands_[a .. a+b)
  kNot,   // not expr a
  kCall,  // function with argc arguments a, b
};

struct ExprNode {
  ExprOp op = ExprOp::kLiteral;
  GuardFunction function = GuardFunction::kIsNull;
  uint8_t argc = 0;
  uint32_t a = 0;
  uint32_t b = 0;
};

inline constexpr uint32_t kNoGuard = UINT32_MAX;

class Pattern {
 public:
  // Accepts the pattern with or without surrounding """ ... """.
  static Result<Pattern> compile(std::string_view source);

  // True if `value` matches the template and the guard (if any) is true.
  // `context` may be null. Never throws.
  bool matches(const nlohmann::json& value, const GuardContext* context) const;

  // The source text as given to compile().
  const std::string& source() const { return source_; }
  // The template's first element when the template is a list whose first
  // element is a string literal; nullptr otherwise. Used for indexing.
  const std::string* first_literal() const;
  size_t variable_count() const { return variable_names_.size(); }
  size_t node_count() const { return templates_.size() + exprs_.size(); }

 private:
  friend class PatternParser;
  friend class PatternEvaluator;

  std::string source_;
  std::vector<TemplateNode> templates_;  // templates_[0] is the root
  std::vector<uint32_t> children_;       // list elements, by template index
  std::vector<ExprNode> exprs_;
  std::vector<uint32_t> operands_;  // and/or chains, by expression index
  uint32_t guard_root_ = kNoGuard;
  std::vector<nlohmann::json> literals_;
  std::vector<std::string> variable_names_;  // by slot
};

}  // namespace allo::guard
