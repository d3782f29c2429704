#include "guard/guard_functions.hpp"

#include <array>
#include <cmath>

namespace allo::guard {

using nlohmann::json;

namespace {

constexpr std::array<FunctionInfo, 12> kFunctions{{
    {"is_string", GuardFunction::kIsString, 1},
    {"is_number", GuardFunction::kIsNumber, 1},
    {"is_integer", GuardFunction::kIsInteger, 1},
    {"is_boolean", GuardFunction::kIsBoolean, 1},
    {"is_list", GuardFunction::kIsList, 1},
    {"is_map", GuardFunction::kIsMap, 1},
    {"is_null", GuardFunction::kIsNull, 1},
    {"length", GuardFunction::kLength, 1},
    {"identity", GuardFunction::kIdentity, 0},
    {"sender", GuardFunction::kSender, 0},
    {"owns", GuardFunction::kOwns, 1},
    {"component", GuardFunction::kComponent, 2},
}};

// The JSON behind a value, or nullptr for undefined and computed values.
const json* json_of(const Value& v) {
  return v.kind == Value::Kind::kJson ? v.json : nullptr;
}

const std::string* string_of(const Value& v) {
  const json* j = json_of(v);
  return j && j->is_string() ? &j->get_ref<const std::string&>() : nullptr;
}

bool is_integer(const Value& v) {
  if (v.kind == Value::Kind::kInt) return true;
  const json* j = json_of(v);
  if (!j || !j->is_number()) return false;
  if (!j->is_number_float()) return true;
  double d = j->get<double>();
  return std::isfinite(d) && std::trunc(d) == d;
}

Value type_check(GuardFunction fn, const Value& v) {
  const json* j = json_of(v);
  switch (fn) {
    case GuardFunction::kIsString:
      return Value::of_bool(j && j->is_string());
    case GuardFunction::kIsNumber:
      return Value::of_bool(v.kind == Value::Kind::kInt || (j && j->is_number()));
    case GuardFunction::kIsInteger:
      return Value::of_bool(is_integer(v));
    case GuardFunction::kIsBoolean:
      return Value::of_bool(v.kind == Value::Kind::kBool || (j && j->is_boolean()));
    case GuardFunction::kIsList:
      return Value::of_bool(j && j->is_array());
    case GuardFunction::kIsMap:
      return Value::of_bool(j && j->is_object());
    default:  // kIsNull
      return Value::of_bool(j && j->is_null());
  }
}

Value length(const Value& v) {
  const json* j = json_of(v);
  if (!j) return Value::undefined();
  if (j->is_string()) return Value::of_int(static_cast<int64_t>(string_of(v)->size()));
  if (j->is_array() || j->is_object()) return Value::of_int(static_cast<int64_t>(j->size()));
  return Value::undefined();
}

Value borrowed_or_null(const json* j) {
  return j ? Value::of(*j) : Value::null();
}

}  // namespace

std::optional<FunctionInfo> find_function(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == name) return f;
  }
  return std::nullopt;
}

Value call_function(GuardFunction fn, std::span<const Value> args, const GuardContext* context) {
  switch (fn) {
    case GuardFunction::kLength:
      return length(args[0]);
    case GuardFunction::kIdentity:
      return borrowed_or_null(context ? context->sender_identity() : nullptr);
    case GuardFunction::kSender:
      return borrowed_or_null(context ? context->sender_avatar() : nullptr);
    case GuardFunction::kOwns: {
      const std::string* entity = string_of(args[0]);
      return Value::of_bool(context && entity && context->sender_owns(*entity));
    }
    case GuardFunction::kComponent: {
      const std::string* entity = string_of(args[0]);
      const std::string* name = string_of(args[1]);
      if (!context || !entity || !name) return Value::null();
      return borrowed_or_null(context->component(*entity, *name));
    }
    default:
      return type_check(fn, args[0]);
  }
}

}  // namespace allo::guard
