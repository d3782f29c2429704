#include "guard/fuzz/fuzz_guard_pattern.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "guard/guard_limits.hpp"
#include "guard/pattern.hpp"

namespace allo::guard {
namespace {

using nlohmann::json;

[[noreturn]] void broken(std::string_view what) {
  std::fprintf(stderr, "fuzz_guard_pattern: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

class FixedContext : public GuardContext {
 public:
  json identity = json::parse(R"({"name":"harry","display_name":"harry"})");
  json avatar = "e1";
  json transform = json::parse(R"({"matrix":[1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,1]})");
  const json* sender_identity() const override { return &identity; }
  const json* sender_avatar() const override { return &avatar; }
  bool sender_owns(std::string_view entity) const override { return entity == "e1"; }
  const json* component(std::string_view entity, std::string_view name) const override {
    return entity == "e1" && name == "transform" ? &transform : nullptr;
  }
};

std::vector<json> make_values() {
  std::vector<json> values{
      json::parse(R"(["interaction","request","e1","place","1",
                      ["announce",["identity",{"name":"harry"}],{}]])"),
      json::parse(R"(["interaction","request","e1","place","1",
                      ["announce","version",2,"identity",{"display_name":"harry"},
                       "spawn_avatar",{}]])"),
      json::parse(R"(["new_tweet","nevyn","hello"])"),
      json::parse(R"([1, 2.5, -3, true, false, null, "s", [], {}, {"a":[1,{"b":"c"}]}])"),
      json::parse(R"(["e1", "transform", 1, 1])"),
      json("scalar"),
      json(42),
  };
  json deep = 1;
  for (int i = 0; i < 2 * limits::kMaxCompareDepth; ++i) deep = json::array({std::move(deep)});
  values.push_back(json::array({deep, deep}));
  json long_list = json::array();
  for (int i = 0; i < 4096; ++i) long_list.push_back(i);
  values.push_back(std::move(long_list));
  return values;
}

void check_error(const proto::Error& e) {
  if (e.code == "pattern_syntax" || e.code == "pattern_too_deep" || e.code == "pattern_too_large") {
    if (!e.detail.starts_with("at ")) broken("error without a position: " + e.detail);
    return;
  }
  if (e.code != "pattern_too_long") broken("undocumented error code " + e.code);
}

void check_match(const Pattern& p, const json& value, bool matched) {
  const std::string* first = p.first_literal();
  if (!matched || !first) return;
  if (!value.is_array() || value.empty() || value[0] != *first) {
    broken("matched a value whose first element is not the pattern's first literal");
  }
}

}  // namespace

int fuzz_guard_pattern(const uint8_t* data, size_t size) {
  static const std::vector<json> values = make_values();
  static const FixedContext context;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pattern = Pattern::compile(text);
  if (!pattern) {
    check_error(pattern.error());
    return 0;
  }
  if (size > limits::kMaxPatternBytes) broken("compiled a pattern over the length limit");
  if (pattern->node_count() > limits::kMaxPatternNodes) broken("compiled over the node limit");
  if (pattern->variable_count() > limits::kMaxVariables) broken("compiled over the variable limit");
  for (const json& value : values) {
    check_match(*pattern, value, pattern->matches(value, nullptr));
    check_match(*pattern, value, pattern->matches(value, &context));
  }
  return 0;
}

}  // namespace allo::guard
