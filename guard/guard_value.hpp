// The value a guard sub-expression evaluates to. Small and trivially
// copyable: it borrows JSON by pointer (from the matched value, the pattern's
// literals or the GuardContext) so evaluation never allocates.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

namespace allo::guard {

struct Value {
  enum class Kind : uint8_t {
    kUndefined,  // missing key, index out of range, wrong operand types
    kJson,       // a borrowed JSON value (never nullptr)
    kBool,       // a comparison or type-check result
    kInt,        // a computed integer, e.g. length()
  };
  Kind kind = Kind::kUndefined;
  bool boolean = false;
  int64_t integer = 0;
  const nlohmann::json* json = nullptr;

  static Value undefined() { return {}; }
  static Value of(const nlohmann::json& j) { return {Kind::kJson, false, 0, &j}; }
  static Value of_bool(bool b) { return {Kind::kBool, b, 0, nullptr}; }
  static Value of_int(int64_t i) { return {Kind::kInt, false, i, nullptr}; }
  // A borrowed JSON null with static lifetime.
  static Value null();

  bool is_undefined() const { return kind == Kind::kUndefined; }
  // Guards pass only on boolean true; every other value counts as false.
  bool is_true() const;
};

// Deep equality of two JSON values; numbers compare by value across integer
// and float representations. Values nested deeper than
// limits::kMaxCompareDepth compare unequal (bounded recursion).
bool json_equal(const nlohmann::json& a, const nlohmann::json& b);

// Comparison operators of the language. Any undefined operand makes every
// comparison false (== and != alike). Ordering compares two numbers or two
// strings (bytewise); other pairs are false.
bool values_equal(const Value& a, const Value& b);
bool values_not_equal(const Value& a, const Value& b);
bool values_less(const Value& a, const Value& b);
bool values_less_equal(const Value& a, const Value& b);

}  // namespace allo::guard
