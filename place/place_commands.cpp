// The commands an agent sends to "place": announce, spawn_entity,
// remove_entity, change_components. Each validates fully before it changes
// anything, so a rejected command leaves the world as it was.
#include "common/log.hpp"
#include "place/entity_spec.hpp"
#include "place/place.hpp"
#include "proto/limits.hpp"

namespace allo::place {

using nlohmann::json;

namespace {

// Reads announce's key/value list: ["announce","version",2,"identity",{..},"spawn_avatar",{..}].
const json* announce_field(const json& body, std::string_view key) {
  for (size_t i = 1; i + 1 < body.size(); i += 2) {
    if (body[i].is_string() && body[i].get_ref<const std::string&>() == key) return &body[i + 1];
  }
  return nullptr;
}

std::string budget_detail() {
  return "an agent's entities may weigh at most " + std::to_string(limits::kMaxBytesPerAgent) +
         " bytes together";
}

}  // namespace

void Place::register_builtin_commands() {
  register_command("announce",
                   [this](Agent& a, const proto::Interaction& i) { handle_announce(a, i); });
  register_command("spawn_entity",
                   [this](Agent& a, const proto::Interaction& i) { handle_spawn(a, i); });
  register_command("remove_entity",
                   [this](Agent& a, const proto::Interaction& i) { handle_remove(a, i); });
  register_command("change_components",
                   [this](Agent& a, const proto::Interaction& i) { handle_change(a, i); });
}

std::string Place::new_entity_id() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (;;) {
    std::string id(12, ' ');
    for (auto& c : id) c = kAlphabet[rng_() % (sizeof kAlphabet - 1)];
    if (!world_.contains(id)) return id;
  }
}

// Creates the entity and its children; returns the root id. The caller has
// checked the spec and the agent's entity budget.
static std::string spawn_tree(World& world, Agent& agent, const EntitySpec& spec,
                              const std::string& parent,
                              const std::function<std::string()>& next_id) {
  std::string id = next_id();
  json components = spec.components;
  if (!parent.empty()) components["relationships"]["parent"] = parent;
  world.put(id, agent.id, std::move(components));
  agent.owned.insert(id);
  for (const auto& child : spec.children) spawn_tree(world, agent, child, id, next_id);
  return id;
}

void Place::handle_announce(Agent& agent, const proto::Interaction& request) {
  const json& body = request.body;
  if (agent.announced)
    return reply_error(agent, request, "already_announced", "this agent has announced already");
  const json* version = announce_field(body, "version");
  if (!version || !version->is_number_integer() ||
      version->get<int64_t>() < limits::kMinAnnounceVersion ||
      version->get<int64_t>() > limits::kMaxAnnounceVersion) {
    return reply_error(agent, request, "unsupported_version",
                       "announce version must be an integer from " +
                           std::to_string(limits::kMinAnnounceVersion) + " to " +
                           std::to_string(limits::kMaxAnnounceVersion));
  }
  const json* identity = announce_field(body, "identity");
  if (identity && !identity->is_object() && !identity->is_null()) {
    return reply_error(agent, request, "invalid_identity", "identity must be an object");
  }
  const json* avatar = announce_field(body, "spawn_avatar");
  if (!avatar) return reply_error(agent, request, "invalid_spec", "announce needs spawn_avatar");
  auto spec = parse_entity_spec(*avatar);
  if (!spec) return reply_error(agent, request, spec.error().code, spec.error().detail);
  if (!parent_of(spec->components).empty()) {
    return reply_error(agent, request, "invalid_parent", "an avatar cannot have a parent");
  }
  if (entity_count(*spec) > limits::kMaxEntitiesPerAgent) {
    return reply_error(agent, request, "too_many_entities",
                       "avatar spec creates too many entities");
  }
  if (spec_bytes(*spec) > limits::kMaxBytesPerAgent) {
    return reply_error(agent, request, "agent_budget_exceeded", budget_detail());
  }
  agent.identity = identity && identity->is_object() ? *identity : json::object();
  agent.avatar = spawn_tree(world_, agent, *spec, "", [this] { return new_entity_id(); });
  agent.announced = true;
  size_t announced = 0;
  for (const auto& [aid, ag] : agents_) announced += ag.announced ? 1 : 0;
  metrics_.agents_announced.Set(static_cast<double>(announced));
  metrics_.interaction("request", "announce", "ok");
  auto display_name = agent.identity.find("display_name");
  std::string name = display_name != agent.identity.end() && display_name->is_string()
                         ? display_name->get<std::string>()
                         : std::string();
  log::info("agent {} announced as '{}' with avatar {}", agent.id, name, agent.avatar);
  reply(agent, request, json::array({"announce", agent.avatar, options_.name}));
  for (auto* o : observers_) o->on_agent_announced(agent);
}

size_t Place::owned_bytes(const Agent& agent) const {
  size_t n = 0;
  for (const auto& id : agent.owned) {
    if (const auto* rec = world_.find(id)) n += rec->value->keyed_dump.size();
  }
  return n;
}

void Place::handle_spawn(Agent& agent, const proto::Interaction& request) {
  const json& body = request.body;
  if (body.size() < 2)
    return reply_error(agent, request, "invalid_spec", "spawn_entity needs an entity spec");
  auto spec = parse_entity_spec(body[1]);
  if (!spec) return reply_error(agent, request, spec.error().code, spec.error().detail);
  std::string parent = parent_of(spec->components);
  if (!parent.empty() && !world_.contains(parent)) {
    return reply_error(agent, request, "invalid_parent",
                       "parent entity " + parent + " does not exist");
  }
  if (agent.owned.size() + entity_count(*spec) > limits::kMaxEntitiesPerAgent) {
    return reply_error(
        agent, request, "too_many_entities",
        "an agent may own at most " + std::to_string(limits::kMaxEntitiesPerAgent) + " entities");
  }
  if (owned_bytes(agent) + spec_bytes(*spec) > limits::kMaxBytesPerAgent) {
    return reply_error(agent, request, "agent_budget_exceeded", budget_detail());
  }
  std::string id = spawn_tree(world_, agent, *spec, "", [this] { return new_entity_id(); });
  metrics_.interaction("request", "spawn_entity", "ok");
  reply(agent, request, json::array({"spawn_entity", id}));
}

void Place::remove_entity(const std::string& id, bool cascade) {
  const auto* rec = world_.find(id);
  if (!rec) return;
  std::vector<std::string> doomed = cascade ? world_.subtree(id) : std::vector<std::string>{id};
  if (!cascade) {
    // Children become roots: their relationships.parent goes away.
    std::vector<std::string> children(rec->children.begin(), rec->children.end());
    for (const auto& child : children) {
      const auto* crec = world_.find(child);
      if (!crec) continue;
      json comps = crec->value->components();
      comps["relationships"].erase("parent");
      if (comps["relationships"].empty()) comps.erase("relationships");
      world_.put(child, crec->owner, std::move(comps));
    }
  }
  for (auto it = doomed.rbegin(); it != doomed.rend(); ++it) {
    const auto* r = world_.find(*it);
    if (!r) continue;
    if (auto owner = agents_.find(r->owner); owner != agents_.end()) {
      owner->second.owned.erase(*it);
      if (owner->second.avatar == *it) owner->second.avatar.clear();
    }
    world_.erase(*it);
  }
}

void Place::handle_remove(Agent& agent, const proto::Interaction& request) {
  const json& body = request.body;
  if (body.size() < 2 || !body[1].is_string()) {
    return reply_error(agent, request, "invalid_request", "remove_entity needs an entity id");
  }
  std::string id = body[1].get<std::string>();
  std::string mode = "cascade";
  if (body.size() >= 3) {
    if (!body[2].is_string() || (body[2] != "cascade" && body[2] != "reparent")) {
      return reply_error(agent, request, "invalid_request",
                         "mode must be \"cascade\" or \"reparent\"");
    }
    mode = body[2].get<std::string>();
  }
  const auto* rec = world_.find(id);
  if (!rec)
    return reply_error(agent, request, "no_such_entity", "entity " + id + " does not exist");
  if (rec->owner == kPlaceAgent || (entity_ownership_check_ && rec->owner != agent.id)) {
    return reply_error(agent, request, "not_owner", "entity " + id + " belongs to another agent");
  }
  remove_entity(id, mode == "cascade");
  metrics_.interaction("request", "remove_entity", "ok");
  reply(agent, request, json::array({"remove_entity", "ok"}));
}

void Place::handle_change(Agent& agent, const proto::Interaction& request) {
  const json& body = request.body;
  if (body.size() < 2 || !body[1].is_string()) {
    return reply_error(agent, request, "invalid_request", "change_components needs an entity id");
  }
  std::string id = body[1].get<std::string>();
  json add = json::object();
  json remove = json::array();
  for (size_t i = 2; i + 1 < body.size(); i += 2) {
    if (body[i] == "add_or_change")
      add = body[i + 1];
    else if (body[i] == "remove")
      remove = body[i + 1];
    else
      return reply_error(agent, request, "invalid_request",
                         "expected \"add_or_change\" or \"remove\"");
  }
  if (!remove.is_array())
    return reply_error(agent, request, "invalid_request", "remove must be a list of names");
  for (const auto& name : remove) {
    if (!name.is_string())
      return reply_error(agent, request, "invalid_request", "remove must be a list of names");
  }
  if (auto v = validate_components(add); !v)
    return reply_error(agent, request, v.error().code, v.error().detail);
  if (auto r = check_client_components(add); !r) {
    return reply_error(agent, request, r.error().code, r.error().detail);
  }
  strip_null_members(add);
  const auto* rec = world_.find(id);
  if (!rec)
    return reply_error(agent, request, "no_such_entity", "entity " + id + " does not exist");
  if (rec->owner == kPlaceAgent || (entity_ownership_check_ && rec->owner != agent.id)) {
    return reply_error(agent, request, "not_owner", "entity " + id + " belongs to another agent");
  }
  json next = rec->value->components();
  for (auto it = add.begin(); it != add.end(); ++it) next[it.key()] = it.value();
  for (const auto& name : remove) next.erase(name.get<std::string>());
  // Every added component was checked above and the others were when they
  // came in: only the count and the owner's byte budget are left to check.
  if (next.size() > limits::kMaxComponentsPerEntity) {
    return reply_error(
        agent, request, "too_many_components",
        "more than " + std::to_string(limits::kMaxComponentsPerEntity) + " components");
  }
  if (auto owner = agents_.find(rec->owner); owner != agents_.end()) {
    size_t after = owned_bytes(owner->second) - rec->value->keyed_dump.size() + next.dump().size();
    if (after > limits::kMaxBytesPerAgent) {
      return reply_error(agent, request, "agent_budget_exceeded", budget_detail());
    }
  }
  std::string parent = parent_of(next);
  if (parent != rec->parent && !parent.empty()) {
    if (!world_.contains(parent))
      return reply_error(agent, request, "invalid_parent", "no entity " + parent);
    if (world_.would_create_cycle(id, parent)) {
      return reply_error(agent, request, "invalid_parent", "that parent would make a cycle");
    }
  }
  world_.put(id, rec->owner, std::move(next));  // a permitted non-owner keeps the owner
  metrics_.interaction("request", "change_components", "ok");
  reply(agent, request, json::array({"change_components", "ok"}));
}

}  // namespace allo::place
