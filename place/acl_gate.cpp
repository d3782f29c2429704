#include "place/acl_gate.hpp"

#include <fmt/format.h>

#include <chrono>

#include "common/log.hpp"
#include "place/acl_file.hpp"
#include "place/agent_guard_context.hpp"

namespace allo::place {

using guard::AclAction;
using nlohmann::json;

namespace {

// Compares without an early exit, so timing does not tell how much matched.
bool same_secret(const json& presented, const std::string& secret) {
  if (secret.empty() || !presented.is_string()) return false;
  const auto& p = presented.get_ref<const std::string&>();
  if (p.size() != secret.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < p.size(); ++i) diff |= static_cast<unsigned char>(p[i] ^ secret[i]);
  return diff == 0;
}

// A rule position from the wire: a non-negative integer.
std::optional<size_t> position_of(const json& v) {
  if (v.is_number_unsigned()) return v.get<size_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<size_t>(v.get<int64_t>());
  return std::nullopt;
}

}  // namespace

AclGate::AclGate(Place& place, prometheus::Registry& registry, guard::AclRules rules,
                 AclSettings settings)
    : place_(place),
      rules_(std::move(rules)),
      settings_(std::move(settings)),
      decisions_(prometheus::BuildCounter()
                     .Name("alloplace_acl_decisions_total")
                     .Help("ACL decisions by deciding rule (index, or \"default\") and result")
                     .Register(registry)),
      eval_seconds_(prometheus::BuildHistogram()
                        .Name("alloplace_acl_eval_seconds")
                        .Help("Time to evaluate the ACL for one interaction")
                        .Register(registry)
                        .Add({}, prometheus::Histogram::BucketBoundaries{1e-7, 1e-6, 1e-5, 1e-4,
                                                                         1e-3, 1e-2})) {
  place.set_interaction_filter(
      [this](Agent& a, const proto::Interaction& i) { return admit(a, i); });
  place.set_entity_ownership_check(false);
  place.register_command("acl_list",
                         [this](Agent& a, const proto::Interaction& i) { handle_list(a, i); });
  place.register_command("acl_add",
                         [this](Agent& a, const proto::Interaction& i) { handle_add(a, i); });
  place.register_command("acl_remove",
                         [this](Agent& a, const proto::Interaction& i) { handle_remove(a, i); });
  place.add_observer(this);
}

proto::Result<std::unique_ptr<AclGate>> AclGate::open(Place& place, prometheus::Registry& registry,
                                                      const std::string& acl_file,
                                                      const std::string& owner_key,
                                                      const std::string& admin_token_file) {
  auto rules = load_acl_file(acl_file);
  if (!rules) return std::unexpected(rules.error());
  AclSettings settings{acl_file, owner_key, ""};
  if (!admin_token_file.empty()) {
    auto token = read_admin_token(admin_token_file);
    if (!token) return std::unexpected(token.error());
    settings.admin_token = std::move(*token);
  }
  log::info("ACL: {} rules{}", rules->size(),
            acl_file.empty() ? " (not saved)" : " from " + acl_file);
  return std::make_unique<AclGate>(place, registry, std::move(*rules), std::move(settings));
}

bool AclGate::admit(Agent& agent, const proto::Interaction& interaction) {
  auto started = std::chrono::steady_clock::now();
  json message = proto::to_json(interaction);
  AgentGuardContext context(place_.world(), agent, owners_.contains(agent.id));
  guard::AclDecision decision = rules_.evaluate(message, &context);
  eval_seconds_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  count(decision);
  if (decision.action == AclAction::kAllow) return true;
  std::string rule = decision.rule ? rules_.list()[*decision.rule].pattern.source() : "default";
  place_.reject(
      agent, "interaction_denied",
      fmt::format("{} {} denied by rule {}", proto::to_string(interaction.type), interaction.name(),
                  decision.rule ? std::to_string(*decision.rule) : "default"));
  place_.reply(agent, interaction, json::array({"interaction_denied", std::move(message), rule}));
  return false;
}

void AclGate::count(const guard::AclDecision& decision) {
  long rule = decision.rule ? static_cast<long>(*decision.rule) : -1;
  bool allow = decision.action == AclAction::kAllow;
  auto& child = decision_children_[{rule, allow}];
  if (!child) {
    child = &decisions_.Add({{"rule", rule < 0 ? "default" : std::to_string(rule)},
                             {"result", allow ? "allow" : "deny"}});
  }
  child->Increment();
}

void AclGate::on_agent_announced(const Agent& announced) {
  Agent* agent = place_.mutable_agent(announced.id);
  if (!agent) return;
  json& identity = agent->identity;
  bool owner =
      identity.contains("owner_key") && same_secret(identity["owner_key"], settings_.owner_key);
  bool admin = identity.contains("admin_token") &&
               same_secret(identity["admin_token"], settings_.admin_token);
  identity.erase("owner_key");
  identity.erase("admin_token");
  if (owner || admin) {
    owners_.insert(agent->id);
    log::info("agent {} is the place's {}", agent->id, owner ? "owner" : "local admin");
  }
}

void AclGate::on_agent_left(const Agent& agent) {
  owners_.erase(agent.id);
}

void AclGate::handle_list(Agent& agent, const proto::Interaction& request) {
  if (request.body.size() != 1) {
    return place_.reply_error(agent, request, "invalid_request", "expected [\"acl_list\"]");
  }
  json rules = json::array();
  for (const auto& rule : rules_.list())
    rules.push_back(json::array({guard::to_string(rule.action), rule.pattern.source()}));
  place_.metrics().interaction(proto::to_string(request.type), "acl_list", "ok");
  place_.reply(agent, request, json::array({"acl_list", std::move(rules)}));
}

void AclGate::handle_add(Agent& agent, const proto::Interaction& request) {
  const json& body = request.body;
  auto position = body.size() == 4 ? position_of(body[1]) : std::nullopt;
  if (!position || !body[2].is_string() || !body[3].is_string()) {
    return place_.reply_error(agent, request, "invalid_request",
                              "expected [\"acl_add\", position, \"allow\"|\"deny\", pattern]");
  }
  auto action = guard::parse_acl_action(body[2].get_ref<const std::string&>());
  if (!action)
    return place_.reply_error(agent, request, action.error().code, action.error().detail);
  guard::AclRules next = rules_;
  if (auto r = next.insert(*position, *action, body[3].get_ref<const std::string&>()); !r)
    return place_.reply_error(agent, request, r.error().code, r.error().detail);
  if (!commit(agent, request, std::move(next))) return;
  log::info("agent {} added ACL rule {}: {}", agent.id, *position, guard::to_string(*action));
  place_.reply(agent, request, json::array({"acl_add", "ok"}));
}

void AclGate::handle_remove(Agent& agent, const proto::Interaction& request) {
  const json& body = request.body;
  auto position = body.size() == 2 ? position_of(body[1]) : std::nullopt;
  if (!position) {
    return place_.reply_error(agent, request, "invalid_request",
                              "expected [\"acl_remove\", position]");
  }
  guard::AclRules next = rules_;
  if (!next.remove(*position)) {
    return place_.reply_error(
        agent, request, "acl_position",
        fmt::format("no rule at position {} ({} rules)", *position, rules_.size()));
  }
  if (!commit(agent, request, std::move(next))) return;
  log::info("agent {} removed ACL rule {}", agent.id, *position);
  place_.reply(agent, request, json::array({"acl_remove", "ok"}));
}

bool AclGate::commit(Agent& agent, const proto::Interaction& request, guard::AclRules next) {
  if (!settings_.acl_file.empty()) {
    if (auto saved = save_acl_file(settings_.acl_file, next); !saved) {
      log::error("ACL change not saved: {}", saved.error().detail);
      place_.reply_error(agent, request, saved.error().code, saved.error().detail);
      return false;
    }
  }
  rules_ = std::move(next);
  place_.metrics().interaction(proto::to_string(request.type), request.name(), "ok");
  return true;
}

}  // namespace allo::place
