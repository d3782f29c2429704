// State messages (channel 0, place to client).
//   set:   {"patch_style":"set","entities":{...},"revision":N}
//   merge: {"patch_style":"merge","patch_from":M, ...RFC 7386 patch of the document...}
// The document is {"entities":{"<id>":{"id":..,"components":{..}}},"revision":N}.
// "apply" (RFC 6902) is parsed so clients can reject it cleanly, but the place
// never sends it (broken in deployed clients).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "proto/error.hpp"

namespace allo::proto {

using nlohmann::json;

enum class PatchStyle { kSet, kMerge, kApply };

struct StateMessage {
  PatchStyle style = PatchStyle::kSet;
  uint64_t revision = 0;    // revision of the resulting document (set, merge)
  uint64_t patch_from = 0;  // merge / apply: revision the patch applies to
  json payload;             // set: the document; merge: the merge patch; apply: the patch list
};

// Error codes: "malformed_state" (not an object, unknown patch_style, missing or
// non-integer revision / patch_from, set without an entities object).
// The returned payload no longer holds patch_style / patch_from.
Result<StateMessage> parse_state_message(const json& doc);

// RFC 7386: the merge patch that turns `from` into `to`. Objects are diffed key
// by key (removed keys become null); anything else that differs is replaced whole.
// Returns an empty object when the two are equal objects (equal non-objects
// give `to`, which applies as a no-op; an empty object would not).
// Null members of `to` cannot be carried (a null patch member means "remove").
json create_merge_patch(const json& from, const json& to);

// RFC 7386 application (nlohmann's merge_patch), for symmetry with the above.
void apply_merge_patch(json& target, const json& patch);

}  // namespace allo::proto
