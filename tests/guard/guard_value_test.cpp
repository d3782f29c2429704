// Equality and ordering semantics of guard values.
#include "guard/guard_value.hpp"

#include <gtest/gtest.h>

#include "guard/guard_limits.hpp"

namespace allo::guard {
namespace {

using nlohmann::json;

TEST(GuardValue, JsonEqualComparesNumbersByValueAndEverythingElseByType) {
  EXPECT_TRUE(json_equal(json(1), json(1.0)));
  EXPECT_TRUE(json_equal(json(1u), json(1)));
  EXPECT_FALSE(json_equal(json(1), json(true)));
  EXPECT_FALSE(json_equal(json(nullptr), json(false)));
  EXPECT_TRUE(
      json_equal(json::parse(R"({"a":[1,{"b":2}]})"), json::parse(R"({"a":[1.0,{"b":2}]})")));
  EXPECT_FALSE(json_equal(json::parse(R"({"a":1})"), json::parse(R"({"b":1})")));
  EXPECT_FALSE(json_equal(json::parse("[1,2]"), json::parse("[1,2,3]")));
  EXPECT_TRUE(json_equal(json(static_cast<int64_t>(9007199254740993)),
                         json(static_cast<int64_t>(9007199254740993))));
  EXPECT_FALSE(json_equal(json(static_cast<int64_t>(9007199254740993)),
                          json(static_cast<int64_t>(9007199254740992))));  // exact, not double
}

TEST(GuardValue, JsonEqualGivesUpBeyondTheCompareDepth) {
  auto nest = [](int depth) {
    json v = 1;
    for (int i = 0; i < depth; ++i) v = json::array({std::move(v)});
    return v;
  };
  EXPECT_TRUE(json_equal(nest(limits::kMaxCompareDepth), nest(limits::kMaxCompareDepth)));
  EXPECT_FALSE(json_equal(nest(limits::kMaxCompareDepth + 1), nest(limits::kMaxCompareDepth + 1)));
}

TEST(GuardValue, UndefinedMakesEveryComparisonFalse) {
  Value u = Value::undefined();
  json one = 1;
  for (const Value& other : {Value::undefined(), Value::of(one), Value::null()}) {
    EXPECT_FALSE(values_equal(u, other));
    EXPECT_FALSE(values_not_equal(u, other));
    EXPECT_FALSE(values_less(u, other));
    EXPECT_FALSE(values_less_equal(other, u));
  }
}

TEST(GuardValue, ComputedAndBorrowedValuesCompare) {
  json two = 2;
  json t = true;
  json s = "2";
  EXPECT_TRUE(values_equal(Value::of_int(2), Value::of(two)));
  EXPECT_TRUE(values_equal(Value::of_bool(true), Value::of(t)));
  EXPECT_FALSE(values_equal(Value::of_int(2), Value::of(s)));
  EXPECT_TRUE(values_not_equal(Value::of_int(2), Value::of(s)));
  EXPECT_FALSE(values_equal(Value::of_bool(true), Value::of_int(1)));
  EXPECT_TRUE(values_less(Value::of_int(1), Value::of(two)));
  EXPECT_FALSE(values_less(Value::of_bool(false), Value::of_bool(true)));  // bools are unordered
  EXPECT_TRUE(values_equal(Value::null(), Value::null()));
}

TEST(GuardValue, OnlyBooleanTrueIsTrue) {
  json t = true;
  json one = 1;
  EXPECT_TRUE(Value::of_bool(true).is_true());
  EXPECT_TRUE(Value::of(t).is_true());
  EXPECT_FALSE(Value::of(one).is_true());
  EXPECT_FALSE(Value::of_int(1).is_true());
  EXPECT_FALSE(Value::undefined().is_true());
}

}  // namespace
}  // namespace allo::guard
