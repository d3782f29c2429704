#include "proto/state_message.hpp"

namespace allo::proto {
namespace {

bool read_rev(const json& doc, const char* key, uint64_t& out) {
  auto it = doc.find(key);
  if (it == doc.end()) return false;
  if (it->is_number_unsigned() || (it->is_number_integer() && it->get<int64_t>() >= 0)) {
    out = it->get<uint64_t>();
    return true;
  }
  return false;
}

}  // namespace

Result<StateMessage> parse_state_message(const json& doc) {
  if (!doc.is_object()) return fail("malformed_state", "state message must be an object");
  StateMessage out;
  std::string style = "set";
  if (auto it = doc.find("patch_style"); it != doc.end()) {
    if (!it->is_string()) return fail("malformed_state", "patch_style must be a string");
    style = it->get<std::string>();
  }
  out.payload = doc;
  out.payload.erase("patch_style");
  out.payload.erase("patch_from");
  if (style == "set") {
    out.style = PatchStyle::kSet;
    if (!read_rev(doc, "revision", out.revision)) return fail("malformed_state", "set needs a revision");
    auto ents = doc.find("entities");
    if (ents == doc.end() || !ents->is_object()) return fail("malformed_state", "set needs an entities object");
  } else if (style == "merge") {
    out.style = PatchStyle::kMerge;
    if (!read_rev(doc, "patch_from", out.patch_from)) return fail("malformed_state", "merge needs patch_from");
    if (!read_rev(doc, "revision", out.revision)) return fail("malformed_state", "merge needs a revision");
  } else if (style == "apply") {
    out.style = PatchStyle::kApply;
    if (!read_rev(doc, "patch_from", out.patch_from)) return fail("malformed_state", "apply needs patch_from");
    auto p = doc.find("patches");
    if (p == doc.end() || !p->is_array()) return fail("malformed_state", "apply needs a patches list");
    out.payload = *p;
  } else {
    return fail("malformed_state", "unknown patch_style \"" + style + "\"");
  }
  return out;
}

json create_merge_patch(const json& from, const json& to) {
  if (!from.is_object() || !to.is_object()) return to;
  json patch = json::object();
  for (auto it = from.begin(); it != from.end(); ++it) {
    if (!to.contains(it.key())) patch[it.key()] = nullptr;
  }
  for (auto it = to.begin(); it != to.end(); ++it) {
    auto old = from.find(it.key());
    if (old == from.end()) {
      patch[it.key()] = it.value();
    } else if (*old != it.value()) {
      if (old->is_object() && it.value().is_object()) {
        patch[it.key()] = create_merge_patch(*old, it.value());
      } else {
        patch[it.key()] = it.value();
      }
    }
  }
  return patch;
}

void apply_merge_patch(json& target, const json& patch) { target.merge_patch(patch); }

}  // namespace allo::proto
