// The functions a guard may call (docs/GUARD_LANGUAGE.md, "Functions").
// Pure lookups: no allocation, no exceptions. Arity is checked at compile time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "guard/guard_context.hpp"
#include "guard/guard_value.hpp"

namespace allo::guard {

enum class GuardFunction : uint8_t {
  kIsString,
  kIsNumber,
  kIsInteger,
  kIsBoolean,
  kIsList,
  kIsMap,
  kIsNull,
  kLength,
  kIdentity,
  kSender,
  kOwns,
  kComponent,
};

struct FunctionInfo {
  std::string_view name;
  GuardFunction id;
  uint8_t arity;
};

// The function with this name, or nullopt if the language has none.
std::optional<FunctionInfo> find_function(std::string_view name);

// Calls `fn` on already evaluated arguments (args.size() == its arity).
// `context` may be null: sender functions then yield null or false.
Value call_function(GuardFunction fn, std::span<const Value> args, const GuardContext* context);

}  // namespace allo::guard
