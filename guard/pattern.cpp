// Pattern::compile() and the compiled pattern's accessors; the parser itself
// is in pattern_parser.cpp, matching in pattern_evaluator.cpp.
#include "guard/pattern.hpp"

#include <fmt/format.h>

#include "guard/guard_limits.hpp"
#include "guard/pattern_parser.hpp"

namespace allo::guard {

namespace {

// The [begin, end) window of the pattern, without surrounding """ quotes.
std::pair<size_t, size_t> strip_triple_quotes(std::string_view s) {
  size_t begin = 0;
  size_t end = s.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (begin < end && space(s[begin])) ++begin;
  while (end > begin && space(s[end - 1])) --end;
  std::string_view t = s.substr(begin, end - begin);
  if (t.size() >= 6 && t.starts_with("\"\"\"") && t.ends_with("\"\"\""))
    return {begin + 3, end - 3};
  return {0, s.size()};
}

}  // namespace

Result<Pattern> Pattern::compile(std::string_view source) {
  if (source.size() > limits::kMaxPatternBytes) {
    return proto::fail("pattern_too_long", fmt::format("pattern is {} bytes, the limit is {}",
                                                       source.size(), limits::kMaxPatternBytes));
  }
  Pattern pattern;
  auto [begin, end] = strip_triple_quotes(source);
  if (auto ok = parse_pattern(pattern, source, begin, end); !ok) return std::unexpected(ok.error());
  pattern.source_ = std::string(source);
  return pattern;
}

const std::string* Pattern::first_literal() const {
  if (templates_.empty()) return nullptr;  // default-constructed or moved-from
  const TemplateNode& root = templates_[0];
  if (root.kind != TemplateKind::kList || root.count == 0) return nullptr;
  const TemplateNode& first = templates_[children_[root.index]];
  if (first.kind != TemplateKind::kLiteral || !literals_[first.index].is_string()) return nullptr;
  return &literals_[first.index].get_ref<const std::string&>();
}

}  // namespace allo::guard
