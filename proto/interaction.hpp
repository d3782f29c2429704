// Interactions (channel 1):
//   ["interaction", type, from, to, request_id, body]
// type is "request" | "response" | "oneway" | "publication"; body is an array
// whose first element is a string (deployed clients crash on anything else,
// so the parser refuses other bodies before they can be forwarded).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "proto/error.hpp"

namespace allo::proto {

using nlohmann::json;

enum class InteractionType { kRequest, kResponse, kOneway, kPublication };

std::string_view to_string(InteractionType type);

struct Interaction {
  InteractionType type = InteractionType::kRequest;
  std::string from;        // sender entity id
  std::string to;          // receiver entity id ("place" for the place; "" for publications)
  std::string request_id;  // "" for oneway / publication
  json body;               // array starting with a string

  // The body's first element, e.g. "announce".
  const std::string& name() const { return body.front().get_ref<const std::string&>(); }
};

// Error codes: "malformed_interaction" (not an array of six, wrong field types,
// unknown type, body not an array starting with a string), "id_too_long",
// "missing_request_id" (request or response without one).
Result<Interaction> parse_interaction(const json& doc);

json to_json(const Interaction& interaction);

// Builds the interaction the place sends as the answer to `request`:
// type "response", from = request.to, to = request.from, same request id.
Interaction make_response(const Interaction& request, json body);

// An error body as deployed clients can read it: ["error", code, detail].
json error_body(std::string_view code, std::string_view detail);

}  // namespace allo::proto
