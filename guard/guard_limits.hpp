// Limits of the guard-pattern language, declared once. Pattern::compile()
// refuses a pattern over any compile-time limit with a typed error; the
// evaluation limits bound the work one match does against a hostile value.
#pragma once

#include <cstddef>

namespace allo::guard::limits {

// Longest pattern source text, in bytes (triple quotes and comments included).
inline constexpr size_t kMaxPatternBytes = 4096;
// Deepest nesting of list templates plus guard sub-expressions (parentheses,
// `not`, indexing, call arguments). Bounds parser and evaluator recursion.
inline constexpr int kMaxPatternDepth = 32;
// Most nodes (template elements plus guard expression nodes) in one pattern.
inline constexpr size_t kMaxPatternNodes = 512;
// Most distinct variables in one pattern; bindings live in a fixed array.
inline constexpr size_t kMaxVariables = 32;
// Deepest nesting two JSON values are compared to (==, repeated variables,
// literal templates). Deeper values compare unequal instead of recursing.
inline constexpr int kMaxCompareDepth = 64;

// Subscriptions one subscriber (agent) may hold at once.
inline constexpr size_t kMaxSubscriptionsPerSubscriber = 64;
// Rules in one ACL.
inline constexpr size_t kMaxAclRules = 256;

}  // namespace allo::guard::limits
