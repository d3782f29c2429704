#include "tests/ops/promql_names.hpp"

#include <array>
#include <cctype>

namespace allo::testing {
namespace {

// Words that are never metric names in our expressions: aggregation
// operators, keywords and the modifiers whose "( label, ... )" list follows.
constexpr std::array<std::string_view, 12> kAggregations = {
    "sum",    "min",  "max",     "avg",      "count",        "stddev",
    "stdvar", "topk", "bottomk", "quantile", "count_values", "group"};
constexpr std::array<std::string_view, 6> kLabelListModifiers = {
    "by", "without", "on", "ignoring", "group_left", "group_right"};
constexpr std::array<std::string_view, 7> kKeywords = {"and",    "or",  "unless", "bool",
                                                       "offset", "inf", "nan"};

template <size_t N>
bool is_one_of(std::string_view word, const std::array<std::string_view, N>& words) {
  for (auto w : words)
    if (w == word) return true;
  return false;
}

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool ident_char(char c) {
  return ident_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

// Index just past the closing `close` of the group opened at `i` (strings skipped).
size_t skip_group(std::string_view s, size_t i, char open, char close) {
  int depth = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"' || c == '\'' || c == '`') {
      size_t end = s.find(c, i + 1);
      while (end != std::string_view::npos && c != '`' && s[end - 1] == '\\')
        end = s.find(c, end + 1);
      if (end == std::string_view::npos) return s.size();
      i = end;
    } else if (c == open) {
      ++depth;
    } else if (c == close && --depth == 0) {
      return i + 1;
    }
  }
  return s.size();
}

size_t skip_space(std::string_view s, size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

}  // namespace

std::set<std::string> promql_metric_names(std::string_view s) {
  std::set<std::string> names;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '{') {
      i = skip_group(s, i, '{', '}');  // label matchers
    } else if (c == '[') {
      i = skip_group(s, i, '[', ']');  // range or subquery
    } else if (c == '"' || c == '\'' || c == '`') {
      size_t end = s.find(c, i + 1);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else if (c == '$') {  // a Grafana variable outside a selector
      ++i;
      while (i < s.size() && (ident_char(s[i]) || s[i] == '{' || s[i] == '}')) ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      while (i < s.size() && (ident_char(s[i]) || s[i] == '.')) ++i;  // 0.99, 5m, 1e
    } else if (ident_start(c)) {
      size_t start = i;
      while (i < s.size() && ident_char(s[i])) ++i;
      std::string_view word = s.substr(start, i - start);
      size_t next = skip_space(s, i);
      bool call = next < s.size() && s[next] == '(';
      if (is_one_of(word, kLabelListModifiers)) {
        if (call) i = skip_group(s, next, '(', ')');
      } else if (!call && !is_one_of(word, kAggregations) && !is_one_of(word, kKeywords)) {
        names.emplace(word);
      }
    } else {
      ++i;
    }
  }
  return names;
}

std::set<std::string> exposition_metric_names(std::string_view text) {
  std::set<std::string> names;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.starts_with("# TYPE ")) {
      line.remove_prefix(7);
      names.emplace(line.substr(0, line.find(' ')));
    } else if (!line.empty() && line[0] != '#') {
      names.emplace(line.substr(0, line.find_first_of("{ ")));
    }
  }
  return names;
}

bool metric_exposed(const std::string& name, const std::set<std::string>& exposed) {
  if (exposed.contains(name)) return true;
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (name.ends_with(suffix) && exposed.contains(name.substr(0, name.size() - suffix.size())))
      return true;
  }
  return false;
}

}  // namespace allo::testing
