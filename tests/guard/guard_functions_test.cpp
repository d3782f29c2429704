// Every guard function, with and without a GuardContext.
#include "guard/guard_functions.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "guard/pattern.hpp"

namespace allo::guard {
namespace {

using nlohmann::json;

class FakeContext : public GuardContext {
 public:
  json identity = json::parse(R"({"name":"nevyn","display_name":"Nevyn B"})");
  json avatar = "avatar-1";
  std::map<std::string, std::map<std::string, json>> components{
      {"e1", {{"transform", json::parse(R"({"matrix":[1,0,0,1]})")}}}};

  const json* sender_identity() const override { return &identity; }
  const json* sender_avatar() const override { return &avatar; }
  bool sender_owns(std::string_view entity) const override {
    return entity == "avatar-1" || entity == "e1";
  }
  const json* component(std::string_view entity, std::string_view name) const override {
    auto e = components.find(std::string(entity));
    if (e == components.end()) return nullptr;
    auto c = e->second.find(std::string(name));
    return c == e->second.end() ? nullptr : &c->second;
  }
};

bool eval(std::string_view guard, const json& x, const GuardContext* ctx = nullptr) {
  auto p = Pattern::compile("[X] where " + std::string(guard));
  EXPECT_TRUE(p.has_value()) << guard;
  return p && p->matches(json::array({x}), ctx);
}

TEST(GuardFunctions, LookupKnowsEveryDocumentedFunctionAndArity) {
  for (auto [name, arity] : std::map<std::string, int>{{"is_string", 1},
                                                       {"is_number", 1},
                                                       {"is_integer", 1},
                                                       {"is_boolean", 1},
                                                       {"is_list", 1},
                                                       {"is_map", 1},
                                                       {"is_null", 1},
                                                       {"length", 1},
                                                       {"identity", 0},
                                                       {"sender", 0},
                                                       {"owns", 1},
                                                       {"component", 2}}) {
    auto f = find_function(name);
    ASSERT_TRUE(f.has_value()) << name;
    EXPECT_EQ(f->arity, arity) << name;
  }
  EXPECT_FALSE(find_function("is_atom").has_value());
}

TEST(GuardFunctions, TypeChecks) {
  EXPECT_TRUE(eval("is_string(X)", "s"));
  EXPECT_FALSE(eval("is_string(X)", 1));
  EXPECT_TRUE(eval("is_number(X)", 1.5));
  EXPECT_FALSE(eval("is_number(X)", "1"));
  EXPECT_TRUE(eval("is_integer(X)", 3));
  EXPECT_TRUE(eval("is_integer(X)", 3.0));
  EXPECT_FALSE(eval("is_integer(X)", 3.5));
  EXPECT_FALSE(eval("is_integer(X)", "3"));
  EXPECT_TRUE(eval("is_boolean(X)", false));
  EXPECT_FALSE(eval("is_boolean(X)", 0));
  EXPECT_TRUE(eval("is_boolean(X == 1)", 2));
  EXPECT_TRUE(eval("is_list(X)", json::array()));
  EXPECT_FALSE(eval("is_list(X)", json::object()));
  EXPECT_TRUE(eval("is_map(X)", json::object()));
  EXPECT_FALSE(eval("is_map(X)", json::array()));
  EXPECT_TRUE(eval("is_null(X)", nullptr));
  EXPECT_FALSE(eval("is_null(X)", 0));
  EXPECT_FALSE(eval("is_null(X[\"missing\"])", json::object()));  // undefined is not null
  EXPECT_TRUE(eval("is_number(length(X))", "abc"));
  EXPECT_TRUE(eval("is_integer(length(X))", "abc"));
}

TEST(GuardFunctions, LengthOfStringsListsAndMaps) {
  EXPECT_TRUE(eval("length(X) == 3", "abc"));
  EXPECT_TRUE(eval("length(X) == 2", "\xc3\xa9"));  // bytes, not characters
  EXPECT_TRUE(eval("length(X) == 2", json::array({1, 2})));
  EXPECT_TRUE(eval("length(X) == 1", json::object({{"a", 1}})));
  EXPECT_FALSE(eval("length(X) == 0", 5));  // undefined for scalars
  EXPECT_FALSE(eval("length(X) != 0", 5));
  EXPECT_TRUE(eval("length(X) > 1 and length(X) <= 2.5", "ab"));
}

TEST(GuardFunctions, SenderFunctionsReadTheContext) {
  FakeContext ctx;
  EXPECT_TRUE(eval(R"(identity()["name"] == "nevyn")", 0, &ctx));
  EXPECT_TRUE(eval("is_map(identity())", 0, &ctx));
  EXPECT_TRUE(eval(R"(sender() == "avatar-1")", 0, &ctx));
  EXPECT_TRUE(eval("sender() == X", "avatar-1", &ctx));
  EXPECT_TRUE(eval("owns(X)", "e1", &ctx));
  EXPECT_FALSE(eval("owns(X)", "e2", &ctx));
  EXPECT_FALSE(eval("owns(X)", 1, &ctx));  // not an entity id
  EXPECT_TRUE(eval("owns(sender())", 0, &ctx));
  EXPECT_TRUE(eval(R"(component(X, "transform")["matrix"][3] == 1)", "e1", &ctx));
  EXPECT_TRUE(eval(R"(is_null(component(X, "transform")))", "e2", &ctx));
  EXPECT_TRUE(eval(R"(is_null(component(X, "nope")))", "e1", &ctx));
  EXPECT_TRUE(eval(R"(is_null(component(X, 7)))", "e1", &ctx));
}

TEST(GuardFunctions, NullContextYieldsNullAndFalse) {
  EXPECT_TRUE(eval("is_null(identity())", 0));
  EXPECT_TRUE(eval("is_null(sender())", 0));
  EXPECT_FALSE(eval("owns(X)", "e1"));
  EXPECT_TRUE(eval(R"(is_null(component(X, "transform")))", "e1"));
  EXPECT_FALSE(eval(R"(identity()["name"] == "nevyn")", 0));
  EXPECT_FALSE(eval(R"(identity()["name"] != "nevyn")", 0));
}

TEST(GuardFunctions, ContextWithoutOverridesBehavesLikeNoContext) {
  GuardContext empty;
  EXPECT_TRUE(eval("is_null(identity()) and is_null(sender())", 0, &empty));
  EXPECT_FALSE(eval("owns(X)", "e1", &empty));
}

}  // namespace
}  // namespace allo::guard
