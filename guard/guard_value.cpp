#include "guard/guard_value.hpp"

#include <optional>

#include "guard/guard_limits.hpp"

namespace allo::guard {

using nlohmann::json;

namespace {

const json kNull = nullptr;

// Every int64, uint64 and double is exactly representable as x87 long double.
std::optional<long double> as_number(const Value& v) {
  if (v.kind == Value::Kind::kInt) return static_cast<long double>(v.integer);
  if (v.kind != Value::Kind::kJson) return std::nullopt;
  switch (v.json->type()) {
    case json::value_t::number_integer:
      return static_cast<long double>(v.json->get_ref<const json::number_integer_t&>());
    case json::value_t::number_unsigned:
      return static_cast<long double>(v.json->get_ref<const json::number_unsigned_t&>());
    case json::value_t::number_float:
      return static_cast<long double>(v.json->get_ref<const json::number_float_t&>());
    default:
      return std::nullopt;
  }
}

std::optional<bool> as_bool(const Value& v) {
  if (v.kind == Value::Kind::kBool) return v.boolean;
  if (v.kind == Value::Kind::kJson && v.json->is_boolean()) return v.json->get<bool>();
  return std::nullopt;
}

const std::string* as_string(const Value& v) {
  if (v.kind == Value::Kind::kJson && v.json->is_string()) {
    return &v.json->get_ref<const std::string&>();
  }
  return nullptr;
}

bool json_equal_at(const json& a, const json& b, int depth) {
  if (depth > limits::kMaxCompareDepth) return false;
  if (a.is_number() && b.is_number()) {
    return *as_number(Value::of(a)) == *as_number(Value::of(b));
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!json_equal_at(a[i], b[i], depth + 1)) return false;
      }
      return true;
    }
    case json::value_t::object: {
      if (a.size() != b.size()) return false;
      // Both maps iterate in key order, so equal maps pair up element-wise.
      for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key() || !json_equal_at(ia.value(), ib.value(), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    default:
      return a == b;  // strings, booleans, null, binary: flat comparisons
  }
}

// -1, 0, 1 for ordered pairs (two numbers or two strings), nullopt otherwise.
std::optional<int> order(const Value& a, const Value& b) {
  if (a.is_undefined() || b.is_undefined()) return std::nullopt;
  auto na = as_number(a);
  auto nb = as_number(b);
  if (na && nb) return *na < *nb ? -1 : (*na > *nb ? 1 : 0);
  const std::string* sa = as_string(a);
  const std::string* sb = as_string(b);
  if (sa && sb) {
    int c = sa->compare(*sb);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

std::optional<bool> equality(const Value& a, const Value& b) {
  if (a.is_undefined() || b.is_undefined()) return std::nullopt;
  auto na = as_number(a);
  auto nb = as_number(b);
  if (na || nb) return na && nb && *na == *nb;
  auto ba = as_bool(a);
  auto bb = as_bool(b);
  if (ba || bb) return ba && bb && *ba == *bb;
  return json_equal_at(*a.json, *b.json, 0);
}

}  // namespace

Value Value::null() {
  return Value::of(kNull);
}

bool Value::is_true() const {
  auto b = as_bool(*this);
  return b && *b;
}

bool json_equal(const json& a, const json& b) {
  return json_equal_at(a, b, 0);
}

bool values_equal(const Value& a, const Value& b) {
  return equality(a, b).value_or(false);
}

bool values_not_equal(const Value& a, const Value& b) {
  auto eq = equality(a, b);
  return eq && !*eq;
}

bool values_less(const Value& a, const Value& b) {
  auto o = order(a, b);
  return o && *o < 0;
}

bool values_less_equal(const Value& a, const Value& b) {
  auto o = order(a, b);
  return o && *o <= 0;
}

}  // namespace allo::guard
