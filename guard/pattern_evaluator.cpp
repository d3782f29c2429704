// Pattern::matches(): walks the compiled template, then the guard. Bindings
// live in a fixed array on the stack; values are borrowed, never copied.
#include <array>

#include "guard/guard_limits.hpp"
#include "guard/pattern.hpp"

namespace allo::guard {

using nlohmann::json;

class PatternEvaluator {
 public:
  PatternEvaluator(const Pattern& pattern, const GuardContext* context)
      : p_(pattern), context_(context) {}

  bool run(const json& value) {
    if (!match(0, value)) return false;
    return p_.guard_root_ == kNoGuard || eval(p_.guard_root_).is_true();
  }

 private:
  // Recursion depth equals the template's nesting, never the value's.
  bool match(uint32_t index, const json& value) {
    const TemplateNode& node = p_.templates_[index];
    switch (node.kind) {
      case TemplateKind::kIgnore:
        return true;
      case TemplateKind::kLiteral:
        return json_equal(p_.literals_[node.index], value);
      case TemplateKind::kBind:
        bindings_[node.index] = &value;
        return true;
      case TemplateKind::kCheck:
        return json_equal(*bindings_[node.index], value);
      case TemplateKind::kList: {
        // Exact length: a template of N elements never scans a longer list.
        if (!value.is_array() || value.size() != node.count) return false;
        for (uint32_t i = 0; i < node.count; ++i) {
          if (!match(p_.children_[node.index + i], value[i])) return false;
        }
        return true;
      }
    }
    return false;
  }

  Value index(const Value& base, const Value& key) {
    if (base.kind != Value::Kind::kJson) return Value::undefined();
    const json& container = *base.json;
    if (container.is_object()) {
      if (key.kind != Value::Kind::kJson || !key.json->is_string()) return Value::undefined();
      auto it = container.find(key.json->get_ref<const std::string&>());
      return it == container.end() ? Value::undefined() : Value::of(*it);
    }
    if (container.is_array()) {
      int64_t i = -1;
      if (key.kind == Value::Kind::kInt) {
        i = key.integer;
      } else if (key.kind == Value::Kind::kJson && key.json->is_number_integer()) {
        i = key.json->get<int64_t>();
      } else if (key.kind == Value::Kind::kJson && key.json->is_number_unsigned()) {
        return Value::undefined();  // beyond any list this large
      }
      if (i < 0 || static_cast<uint64_t>(i) >= container.size()) return Value::undefined();
      return Value::of(container[static_cast<size_t>(i)]);
    }
    return Value::undefined();
  }

  // Recursion depth equals the guard expression's height (compile-time bounded).
  Value eval(uint32_t at) {
    const ExprNode& node = p_.exprs_[at];
    switch (node.op) {
      case ExprOp::kLiteral:
        return Value::of(p_.literals_[node.a]);
      case ExprOp::kVariable:
        return Value::of(*bindings_[node.a]);
      case ExprOp::kIndex:
        return index(eval(node.a), eval(node.b));
      case ExprOp::kEqual:
        return Value::of_bool(values_equal(eval(node.a), eval(node.b)));
      case ExprOp::kNotEqual:
        return Value::of_bool(values_not_equal(eval(node.a), eval(node.b)));
      case ExprOp::kLess:
        return Value::of_bool(values_less(eval(node.a), eval(node.b)));
      case ExprOp::kLessEqual:
        return Value::of_bool(values_less_equal(eval(node.a), eval(node.b)));
      case ExprOp::kGreater:
        return Value::of_bool(values_less(eval(node.b), eval(node.a)));
      case ExprOp::kGreaterEqual:
        return Value::of_bool(values_less_equal(eval(node.b), eval(node.a)));
      case ExprOp::kAnd:
        for (uint32_t i = 0; i < node.b; ++i) {
          if (!eval(p_.operands_[node.a + i]).is_true()) return Value::of_bool(false);
        }
        return Value::of_bool(true);
      case ExprOp::kOr:
        for (uint32_t i = 0; i < node.b; ++i) {
          if (eval(p_.operands_[node.a + i]).is_true()) return Value::of_bool(true);
        }
        return Value::of_bool(false);
      case ExprOp::kNot:
        return Value::of_bool(!eval(node.a).is_true());
      case ExprOp::kCall: {
        std::array<Value, 2> args{};
        if (node.argc > 0) args[0] = eval(node.a);
        if (node.argc > 1) args[1] = eval(node.b);
        return call_function(node.function, std::span<const Value>(args.data(), node.argc),
                             context_);
      }
    }
    return Value::undefined();
  }

  const Pattern& p_;
  const GuardContext* context_;
  std::array<const json*, limits::kMaxVariables> bindings_{};
};

bool Pattern::matches(const json& value, const GuardContext* context) const {
  if (templates_.empty()) return false;  // a moved-from pattern
  return PatternEvaluator(*this, context).run(value);
}

}  // namespace allo::guard
