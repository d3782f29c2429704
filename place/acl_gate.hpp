// The interaction ACL of a place (docs/ACL.md): every interaction an agent
// sends (announce and the ACL commands included; intents and state are not
// interactions) is matched against an ordered list of allow/deny rules over
// the whole message ["interaction", type, from, to, request_id, body]; the
// first matching rule decides, else the default (allow).
//
// A denied request is answered (same request id) with
//   ["interaction_denied", <the interaction>, "<rule source>" | "default"];
// a denied oneway, response or publication is dropped. Both are counted.
//
// Commands to "place" (allowed by the default rules only to the owner/admin):
//   ["acl_list"]                          -> ["acl_list", [[action, source], ...]]
//   ["acl_add", position, action, source] -> ["acl_add", "ok"]
//   ["acl_remove", position]              -> ["acl_remove", "ok"]
// Errors: ["error", code, detail] with "invalid_request", "acl_invalid",
// "acl_position", "too_many_rules", the Pattern::compile() codes, and
// "acl_not_saved" (the rules file could not be written; nothing changed).
//
// The place's owner is an agent whose announce identity has "owner_key"
// equal to AclSettings::owner_key; a local admin presents "admin_token"
// equal to AclSettings::admin_token. Both are secrets: they are removed from
// the stored identity after the announce. Rules name them with owns("place").
//
// Installing the gate turns off the Place's built-in entity ownership check
// (the default rules make it). Ownership: registers itself with the Place
// (filter, commands, observer) and must outlive its events.
// Thread-safety: event-loop thread only.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "guard/acl_rules.hpp"
#include "place/place.hpp"

namespace allo::place {

struct AclSettings {
  std::string acl_file;     // where changes are saved; "" keeps them in memory only
  std::string owner_key;    // "" : no owner
  std::string admin_token;  // "" : no admin token
};

class AclGate : public PlaceObserver {
 public:
  AclGate(Place& place, prometheus::Registry& registry, guard::AclRules rules,
          AclSettings settings);
  // The gate as alloplace starts it: rules from `acl_file` (see
  // load_acl_file), the admin token from `admin_token_file` ("" for none).
  // Errors: "bad_config", the detail naming the setting.
  static proto::Result<std::unique_ptr<AclGate>> open(Place& place, prometheus::Registry& registry,
                                                      const std::string& acl_file,
                                                      const std::string& owner_key,
                                                      const std::string& admin_token_file);
  AclGate(const AclGate&) = delete;
  AclGate& operator=(const AclGate&) = delete;

  // The interaction filter: true lets the interaction through.
  bool admit(Agent& agent, const proto::Interaction& interaction);
  const guard::AclRules& rules() const { return rules_; }
  // True if the agent announced with the owner key or the admin token.
  bool is_place_owner(AgentId id) const { return owners_.contains(id); }

  void on_agent_announced(const Agent& agent) override;
  void on_agent_left(const Agent& agent) override;

 private:
  void handle_list(Agent& agent, const proto::Interaction& request);
  void handle_add(Agent& agent, const proto::Interaction& request);
  void handle_remove(Agent& agent, const proto::Interaction& request);
  // Saves `next` (when persisted) and makes it the rules; false after replying an error.
  bool commit(Agent& agent, const proto::Interaction& request, guard::AclRules next);
  void count(const guard::AclDecision& decision);

  Place& place_;
  guard::AclRules rules_;
  AclSettings settings_;
  std::set<AgentId> owners_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Histogram& eval_seconds_;
  std::map<std::pair<long, bool>, prometheus::Counter*> decision_children_;  // (rule|-1, allow)
};

}  // namespace allo::place
