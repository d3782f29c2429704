#include "place/entity_spec.hpp"

#include "proto/limits.hpp"

namespace allo::place {

using nlohmann::json;

proto::Result<void> validate_components(const json& components) {
  if (!components.is_object())
    return proto::fail("invalid_component", "components must be an object");
  if (components.size() > limits::kMaxComponentsPerEntity) {
    return proto::fail(
        "too_many_components",
        "more than " + std::to_string(limits::kMaxComponentsPerEntity) + " components");
  }
  for (auto it = components.begin(); it != components.end(); ++it) {
    if (!it.value().is_object()) {
      return proto::fail("invalid_component", "component \"" + it.key() + "\" must be an object");
    }
    size_t size = it.value().dump().size();
    if (size > limits::kMaxComponentBytes) {
      return proto::fail("component_too_large", "component \"" + it.key() + "\" is " +
                                                    std::to_string(size) + " bytes, over " +
                                                    std::to_string(limits::kMaxComponentBytes));
    }
  }
  return {};
}

proto::Result<void> check_client_components(const json& components) {
  for (const char* name : {"live_media"}) {
    if (components.is_object() && components.contains(name)) {
      return proto::fail(
          "reserved_component",
          std::string("\"") + name + "\" is managed by the place (use allocate_track)");
    }
  }
  return {};
}

void strip_null_members(json& value) {
  if (!value.is_object()) return;
  for (auto it = value.begin(); it != value.end();) {
    if (it.value().is_null()) {
      it = value.erase(it);
    } else {
      strip_null_members(it.value());
      ++it;
    }
  }
}

proto::Result<EntitySpec> parse_entity_spec(const json& spec) {
  if (!spec.is_object()) return proto::fail("invalid_spec", "an entity spec must be an object");
  EntitySpec out;
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    if (it.key() == "components" || it.key() == "children" || it.key() == "id") continue;
    out.components[it.key()] = it.value();
  }
  if (auto c = spec.find("components"); c != spec.end()) {
    if (!c->is_object()) return proto::fail("invalid_spec", "\"components\" must be an object");
    for (auto it = c->begin(); it != c->end(); ++it) out.components[it.key()] = it.value();
  }
  strip_null_members(out.components);
  if (auto r = check_client_components(out.components); !r) return std::unexpected(r.error());
  if (auto v = validate_components(out.components); !v) return std::unexpected(v.error());
  if (auto ch = spec.find("children"); ch != spec.end() && !ch->is_null()) {
    if (!ch->is_array()) return proto::fail("invalid_spec", "\"children\" must be a list");
    for (const auto& child : *ch) {
      auto parsed = parse_entity_spec(child);
      if (!parsed) return parsed;
      out.children.push_back(std::move(*parsed));
    }
  }
  return out;
}

size_t spec_bytes(const EntitySpec& spec) {
  size_t n = spec.components.dump().size();
  for (const auto& c : spec.children) n += spec_bytes(c);
  return n;
}

size_t entity_count(const EntitySpec& spec) {
  size_t n = 1;
  for (const auto& c : spec.children) n += entity_count(c);
  return n;
}

}  // namespace allo::place
