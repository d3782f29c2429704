#include "place/entity.hpp"

namespace allo::place {

EntityPtr make_entity(const std::string& id, json components) {
  auto e = std::make_shared<Entity>();
  e->id = id;
  e->doc = json{{"id", id}, {"components", std::move(components)}};
  e->keyed_dump =
      json(id).dump() + ":" + e->doc.dump(-1, ' ', false, json::error_handler_t::replace);
  return e;
}

}  // namespace allo::place
