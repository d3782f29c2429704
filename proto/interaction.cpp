#include "proto/interaction.hpp"

#include "proto/limits.hpp"

namespace allo::proto {
namespace {

bool parse_type(const std::string& text, InteractionType& out) {
  if (text == "request") out = InteractionType::kRequest;
  else if (text == "response") out = InteractionType::kResponse;
  else if (text == "oneway" || text == "one-way") out = InteractionType::kOneway;
  else if (text == "publication") out = InteractionType::kPublication;
  else return false;
  return true;
}

}  // namespace

std::string_view to_string(InteractionType type) {
  switch (type) {
    case InteractionType::kRequest: return "request";
    case InteractionType::kResponse: return "response";
    case InteractionType::kOneway: return "oneway";
    case InteractionType::kPublication: return "publication";
  }
  return "request";
}

Result<Interaction> parse_interaction(const json& doc) {
  if (!doc.is_array() || doc.size() != 6) {
    return fail("malformed_interaction", "an interaction is an array of 6 elements");
  }
  if (!doc[0].is_string() || doc[0].get_ref<const std::string&>() != "interaction") {
    return fail("malformed_interaction", "element 0 must be \"interaction\"");
  }
  for (int i = 1; i <= 4; ++i) {
    if (!doc[i].is_string()) {
      return fail("malformed_interaction", "element " + std::to_string(i) + " must be a string");
    }
  }
  Interaction out;
  if (!parse_type(doc[1].get_ref<const std::string&>(), out.type)) {
    return fail("malformed_interaction", "unknown interaction type \"" + doc[1].get<std::string>() + "\"");
  }
  out.from = doc[2].get<std::string>();
  out.to = doc[3].get<std::string>();
  out.request_id = doc[4].get<std::string>();
  if (out.from.size() > limits::kMaxIdLength || out.to.size() > limits::kMaxIdLength ||
      out.request_id.size() > limits::kMaxIdLength) {
    return fail("id_too_long", "an id is longer than " + std::to_string(limits::kMaxIdLength));
  }
  const json& body = doc[5];
  if (!body.is_array() || body.empty() || !body[0].is_string()) {
    return fail("malformed_interaction", "body must be an array starting with a string");
  }
  if ((out.type == InteractionType::kRequest || out.type == InteractionType::kResponse) &&
      out.request_id.empty()) {
    return fail("missing_request_id", "a request or response needs a request id");
  }
  out.body = body;
  return out;
}

json to_json(const Interaction& i) {
  return json::array({"interaction", to_string(i.type), i.from, i.to, i.request_id, i.body});
}

Interaction make_response(const Interaction& request, json body) {
  return Interaction{InteractionType::kResponse, request.to, request.from, request.request_id,
                     std::move(body)};
}

json error_body(std::string_view code, std::string_view detail) {
  return json::array({"error", code, detail});
}

}  // namespace allo::proto
