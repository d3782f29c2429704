#include "proto/json_frame.hpp"

#include "proto/limits.hpp"

namespace allo::proto {

int json_depth(std::string_view bytes, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : bytes) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return limit + 1;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

Result<json> decode_json(std::string_view bytes, size_t max_bytes, int max_depth) {
  if (bytes.size() > max_bytes) {
    return fail("too_large", "packet of " + std::to_string(bytes.size()) + " bytes exceeds " +
                                 std::to_string(max_bytes));
  }
  while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\0' || bytes.back() == '\r')) {
    bytes.remove_suffix(1);
  }
  if (bytes.empty()) return fail("empty", "empty packet");
  if (json_depth(bytes, max_depth) > max_depth) {
    return fail("too_deep", "JSON nesting deeper than " + std::to_string(max_depth));
  }
  json doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail("malformed_json", "payload is not valid JSON");
  return doc;
}

std::string encode_json(const json& doc) {
  std::string out = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  out.push_back('\n');
  return out;
}

}  // namespace allo::proto
