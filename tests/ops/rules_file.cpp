#include "tests/ops/rules_file.hpp"

#include <sstream>

namespace allo::testing {
namespace {

size_t indent_of(const std::string& line) {
  size_t n = line.find_first_not_of(' ');
  return n == std::string::npos ? line.size() : n;
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t\r");
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    s = s.substr(1, s.size() - 2);
  return s;
}

// "  - record: x" or "    expr: y" -> the value after "key:" (or nullopt-like "").
bool value_of(const std::string& line, std::string_view key, std::string& value) {
  std::string body = line.substr(indent_of(line));
  if (body.starts_with("- ")) body = body.substr(2);
  if (!body.starts_with(key) || body.size() <= key.size() || body[key.size()] != ':') return false;
  value = trim(body.substr(key.size() + 1));
  return true;
}

}  // namespace

RulesFile parse_rules_file(std::string_view yaml) {
  RulesFile out;
  std::istringstream in{std::string(yaml)};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string value;
    if (value_of(lines[i], "record", value)) {
      out.records.push_back(value);
    } else if (value_of(lines[i], "expr", value)) {
      if (value == "|" || value == ">" || value == "|-" || value == ">-") {
        const size_t key_indent = indent_of(lines[i]);
        std::string block;
        while (i + 1 < lines.size() &&
               (trim(lines[i + 1]).empty() || indent_of(lines[i + 1]) > key_indent)) {
          block += lines[++i] + "\n";
        }
        value = block;
      }
      out.exprs.push_back(value);
    }
  }
  return out;
}

}  // namespace allo::testing
