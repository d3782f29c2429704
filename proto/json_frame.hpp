// JSON framing on channels 0, 1 and 4: one ENet packet holds one JSON document
// followed by one '\n' byte. Deployed clients overwrite the last byte with NUL
// before parsing, so encode() always appends the '\n'; decode() accepts the
// document with or without it (and with a trailing NUL).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "proto/error.hpp"

namespace allo::proto {

using nlohmann::json;

// Error codes: "too_large", "empty", "too_deep", "malformed_json".
// Depth is checked by a byte scan before parsing, so a hostile document never
// reaches the recursive parser.
Result<json> decode_json(std::string_view bytes, size_t max_bytes, int max_depth);

// The document serialized compactly, plus the trailing '\n'.
std::string encode_json(const json& doc);

// Deepest array/object nesting in `bytes`, ignoring brackets inside strings;
// stops counting (and returns limit+1) once `limit` is exceeded.
int json_depth(std::string_view bytes, int limit);

}  // namespace allo::proto
